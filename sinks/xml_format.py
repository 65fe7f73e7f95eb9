"""XML 1.0 documents written as a stream: records in array containers under one root.

A record is a value small enough to hold whole (a ticket with its comments); the document
around the records never is. Values are written the way Rails' `to_xml`, and so Zendesk's
classic XML export, writes them, in one pass without building a tree: a Struct's or a
dict's fields as child elements (`due_at` -> `<due-at>`), a list as `type="array"` of
elements named after their type (`Comment` -> `<comment>`), `type="integer"`,
`"boolean"`, `"datetime"`, `"date"` on typed values, `nil="true"` for no value. A tuple
is a list of words (tags, domain names) written space-separated, as Zendesk's classic
XML wrote tags.

An element is its value's text between two pieces of markup. Both pieces, and how the
text is made, depend only on the element's name, depth and the value's class: they are
worked out the first time that combination is met in an export, not for every element.
"""
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo
from functools import cache, partial
from typing import Any, NamedTuple
from xml.sax.saxutils import escape

import msgspec

from sinks.formats import LocalTimes

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
FLUSH_RECORDS = 256  # records gathered before they are encoded and handed on
# The text of None (its element says nil="true") and of booleans, found in C.
_WORDS = {None: "", True: "true", False: "false"}.__getitem__

# An element's markup before its value's text, how that text is made, the markup after.
Piece = tuple[str, Callable[[Any], str], str]


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


def _words(value: tuple) -> str:
    return xml_text(" ".join(value))


def _any_text(value: object) -> str:
    return xml_text(str(value))


@cache
def element_name(kind: type) -> str:
    """The element of a list item of this type: `TicketField` -> `ticket-field`."""
    return _WORD_START.sub("-", kind.__name__).lower()


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
        writers: dict[tzinfo, _Writer] = {}
        for container, name, value, zone in records:
            while container != current:
                if current is not None:
                    out.append(f"\n  </{current}>")
                current = next(containers, None)
                if current is None:
                    raise ValueError(f"record in {container!r}, not one of {self.containers} in order")
                out.append(f'\n  <{current} type="array">')
            writer = writers.get(zone) or writers.setdefault(zone, _Writer(zone))
            out.append(writer.element(name, value, 2))
            if len(out) > FLUSH_RECORDS:
                yield "".join(out).encode()
                out.clear()
        if current is not None:
            out.append(f"\n  </{current}>")
        out.extend(f'\n  <{empty} type="array"/>' for empty in containers)
        out.append(f"\n</{self.root}>\n")
        yield "".join(out).encode()


class _Writer:
    """Values as elements, each on a new line indented two spaces a level, times in one zone."""

    def __init__(self, zone: tzinfo) -> None:
        self.time = LocalTimes(zone).__call__  # bound once: it writes most times of a document
        self.pieces: dict[tuple[type, str, int], Piece] = {}

    def element(self, name: str, value: object, depth: int) -> str:
        key = (value.__class__, name, depth)
        try:
            before, text, after = self.pieces[key]
        except KeyError:
            before, text, after = self.pieces[key] = self._piece(*key)
        return f"{before}{text(value)}{after}"

    def fields(self, layout: list[tuple[str, dict[type, Piece]]], depth: int, value: msgspec.Struct) -> str:
        """A Struct's fields as elements at `depth`; `layout`: its types's field names, each
        with the pieces found so far for the classes of its values."""
        out = []
        for (name, pieces), item in zip(layout, msgspec.structs.astuple(value)):
            try:
                before, text, after = pieces[item.__class__]
            except KeyError:
                before, text, after = pieces[item.__class__] = self._piece(item.__class__, name, depth)
            out += (before, text(item), after)
        return "".join(out)

    def _piece(self, kind: type, name: str, depth: int) -> Piece:
        """How an element `name` at `depth` is written for a value of class `kind`."""
        indent = "\n" + "  " * depth
        if kind is type(None):
            return f'{indent}<{name} nil="true"/>', _WORDS, ""
        # In the order of Rails' checks: a bool is an int, a datetime a date.
        if issubclass(kind, str):
            return f"{indent}<{name}>", xml_text, f"</{name}>"
        if issubclass(kind, bool):
            return f'{indent}<{name} type="boolean">', _WORDS, f"</{name}>"
        if issubclass(kind, int):
            return f'{indent}<{name} type="integer">', format, f"</{name}>"
        if issubclass(kind, datetime):
            return f'{indent}<{name} type="datetime">', self.time, f"</{name}>"
        if issubclass(kind, date):
            return f'{indent}<{name} type="date">', format, f"</{name}>"
        if issubclass(kind, msgspec.Struct):
            layout = [(field.replace("_", "-"), {}) for field in kind.__struct_fields__]
            fields = partial(self.fields, layout, depth + 1)
            if layout:
                return f"{indent}<{name}>", fields, f"{indent}</{name}>"
            return f"{indent}<{name}/>", fields, ""  # no field: no text
        # Whether these have children is known only from the value: the text is the element.
        if issubclass(kind, dict):
            return "", partial(self._dict, name, indent, depth + 1), ""
        if issubclass(kind, list):
            return "", partial(self._list, name, indent, depth + 1), ""
        if issubclass(kind, tuple):
            return f"{indent}<{name}>", _words, f"</{name}>"
        return f"{indent}<{name}>", _any_text, f"</{name}>"

    def _dict(self, name: str, indent: str, inner: int, value: dict) -> str:
        if not value:
            return f"{indent}<{name}/>"
        children = "".join([self.element(key.replace("_", "-"), item, inner) for key, item in value.items()])
        return f"{indent}<{name}>{children}{indent}</{name}>"

    def _list(self, name: str, indent: str, inner: int, value: list) -> str:
        if not value:
            return f'{indent}<{name} type="array"/>'
        items = "".join([self.element(element_name(item.__class__), item, inner) for item in value])
        return f'{indent}<{name} type="array">{items}{indent}</{name}>'
