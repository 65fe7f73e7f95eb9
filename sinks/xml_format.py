"""XML 1.0 documents written as a stream: records in array containers under one root.

A record is a value small enough to hold whole (a ticket with its comments); the document
around the records never is. Values are written the way Rails' `to_xml`, and so Zendesk's
classic XML export, writes them, in one pass without building a tree: a Struct's or a
dict's fields as child elements (`due_at` -> `<due-at>`), a list as `type="array"` of
elements named after their type (`Comment` -> `<comment>`), `type="integer"`,
`"boolean"`, `"datetime"`, `"date"` on typed values, `nil="true"` for no value. A tuple
is a list of words (tags, domain names) written space-separated, as Zendesk's classic
XML wrote tags.
"""
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import NamedTuple
from xml.sax.saxutils import escape

import msgspec

from sinks.formats import local_time

# What XML 1.0 cannot hold (control characters but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF) becomes U+FFFD, as a decoder marks bad bytes: a stray control
# character in a comment must not make the whole file unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A parser reads a raw CR as LF; written as a reference, it reads back as a CR.
_ENTITIES = {"\r": "&#13;"}
# A character XML 1.0 cannot hold, or one to escape: text without any (most of it, found
# in one search) is written as it is.
_NEEDS_CARE = re.compile("[^\t\n\u0020-\u0025\u0027-\u003b\u003d\u003f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")
FLUSH_PIECES = 4096  # pieces of text gathered before they are encoded and handed on


class Record(NamedTuple):
    """`value` written as the element `name` in the array `container`, its times in `zone`."""

    container: str
    name: str
    value: object
    zone: tzinfo = UTC


def xml_text(value: str) -> str:
    """`value` as XML character data: escaped, and without what XML 1.0 cannot hold."""
    if _NEEDS_CARE.search(value) is None:
        return value
    return escape(_NOT_XML.sub("\ufffd", value), _ENTITIES)


@cache
def element_name(kind: type) -> str:
    """The element of a list item of this type: `TicketField` -> `ticket-field`."""
    return _WORD_START.sub("-", kind.__name__).lower()


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(field.replace("_", "-") for field in kind.__struct_fields__)


class XmlFormat:
    """`<root>` holding one `<container type="array">` per container, in the order given,
    empty ones included, each with the records placed in it."""

    extension = ".xml"

    def __init__(self, root: str, containers: tuple[str, ...]):
        self.root = root
        self.containers = containers

    def record_chunks(self, records: Iterable[Record]) -> Iterator[bytes]:
        """The document's bytes (UTF-8); `records` come in the order of the containers."""
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<{self.root}>"]
        containers = iter(self.containers)
        current = None
        for container, name, value, zone in records:
            while container != current:
                if current is not None:
                    out.append(f"\n  </{current}>")
                current = next(containers, None)
                if current is None:
                    raise ValueError(f"record in {container!r}, not one of {self.containers} in order")
                out.append(f'\n  <{current} type="array">')
            _write(name, value, out, "\n    ", zone)
            if len(out) > FLUSH_PIECES:
                yield "".join(out).encode()
                out.clear()
        if current is not None:
            out.append(f"\n  </{current}>")
        out.extend(f'\n  <{empty} type="array"/>' for empty in containers)
        out.append(f"\n</{self.root}>\n")
        yield "".join(out).encode()


def _write(name: str, value: object, out: list[str], indent: str, zone: tzinfo) -> None:
    """Append `value` as the element `name`, on a new line indented by `indent`."""
    # The most frequent kinds first: this runs for every field of every record.
    if value is None:
        out.append(f'{indent}<{name} nil="true"/>')
    elif isinstance(value, str):
        out.append(f"{indent}<{name}>{xml_text(value)}</{name}>")
    elif isinstance(value, bool):
        out.append(f'{indent}<{name} type="boolean">{"true" if value else "false"}</{name}>')
    elif isinstance(value, int):
        out.append(f'{indent}<{name} type="integer">{value}</{name}>')
    elif isinstance(value, datetime):
        out.append(f'{indent}<{name} type="datetime">{local_time(value, zone)}</{name}>')
    elif isinstance(value, date):
        out.append(f'{indent}<{name} type="date">{value}</{name}>')
    elif isinstance(value, msgspec.Struct):
        _children(name, zip(_field_names(type(value)), msgspec.structs.astuple(value)), out, indent, zone)
    elif isinstance(value, dict):
        _children(name, ((key.replace("_", "-"), item) for key, item in value.items()), out, indent, zone)
    elif isinstance(value, list):
        if not value:
            out.append(f'{indent}<{name} type="array"/>')
            return
        out.append(f'{indent}<{name} type="array">')
        inner = indent + "  "
        for item in value:
            _write(element_name(type(item)), item, out, inner, zone)
        out.append(f"{indent}</{name}>")
    elif isinstance(value, tuple):
        out.append(f"{indent}<{name}>{xml_text(' '.join(value))}</{name}>")
    else:
        out.append(f"{indent}<{name}>{xml_text(str(value))}</{name}>")


def _children(name: str, fields: Iterable[tuple[str, object]], out: list[str], indent: str, zone: tzinfo) -> None:
    opening = len(out)
    out.append(f"{indent}<{name}>")
    inner = indent + "  "
    # The commonest kinds are written here as _write writes them, without a call: this
    # runs for every field of every record.
    needs_care = _NEEDS_CARE.search
    for field, item in fields:
        kind = item.__class__
        if item is None:
            out.append(f'{inner}<{field} nil="true"/>')
        elif kind is str:
            out.append(f"{inner}<{field}>{item if needs_care(item) is None else xml_text(item)}</{field}>")
        elif kind is int:
            out.append(f'{inner}<{field} type="integer">{item}</{field}>')
        elif kind is datetime:
            out.append(f'{inner}<{field} type="datetime">{local_time(item, zone)}</{field}>')
        else:
            _write(field, item, out, inner, zone)
    if len(out) == opening + 1:  # no field at all
        out[opening] = f"{indent}<{name}/>"
    else:
        out.append(f"{indent}</{name}>")
