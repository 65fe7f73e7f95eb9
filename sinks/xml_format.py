"""XML 1.0 documents written as a stream: records in array containers under one root.

A record is an `Element` small enough to build whole (a ticket with its comments); the
document around the records never is. Values are typed the way Rails' `to_xml`, and so
Zendesk's classic XML export, types them: `type="integer"`, `"boolean"`, `"datetime"`,
`"date"`, `type="array"` on a list, `nil="true"` for no value.
"""
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import NamedTuple
from xml.sax.saxutils import escape

# What XML 1.0 cannot hold (control characters but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF) becomes U+FFFD, as a decoder marks bad bytes: a stray control
# character in a comment must not make the whole file unreadable.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A parser reads a raw CR as LF; written as a reference, it reads back as a CR.
_ENTITIES = {"\r": "&#13;"}
_TYPES = {bool: "boolean", int: "integer", datetime: "datetime", date: "date"}
FLUSH_PIECES = 4096  # pieces of text gathered before they are encoded and handed on


class Element(NamedTuple):
    """`<name>value</name>`. The value is text, an int, a bool, a datetime or a date,
    None (written nil), or a list of child Elements (with `array`: a list of like items)."""

    name: str
    value: object
    array: bool = False


def xml_text(value: str) -> str:
    """`value` as XML character data: escaped, and without what XML 1.0 cannot hold."""
    return escape(_NOT_XML.sub("\ufffd", value), _ENTITIES)


class XmlFormat:
    """`<root>` holding one `<container type="array">` per container, in the order given,
    empty ones included, each with the records placed in it."""

    extension = ".xml"

    def __init__(self, root: str, containers: tuple[str, ...]):
        self.root = root
        self.containers = containers

    def record_chunks(self, records: Iterable[tuple[str, Element]]) -> Iterator[bytes]:
        """The document's bytes (UTF-8); `records` are (container, element) pairs in the
        order of the containers."""
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n', f"<{self.root}>"]
        containers = iter(self.containers)
        current = None
        for container, element in records:
            while container != current:
                if current is not None:
                    out.append(f"\n  </{current}>")
                current = next(containers, None)
                if current is None:
                    raise ValueError(f"record in {container!r}, not one of {self.containers} in order")
                out.append(f'\n  <{current} type="array">')
            _write(element, out, "\n    ")
            if len(out) > FLUSH_PIECES:
                yield "".join(out).encode()
                out.clear()
        if current is not None:
            out.append(f"\n  </{current}>")
        out.extend(f'\n  <{empty} type="array"/>' for empty in containers)
        out.append(f"\n</{self.root}>\n")
        yield "".join(out).encode()


def _write(element: Element, out: list[str], indent: str) -> None:
    """Append `element`'s text, starting on a new line indented by `indent`."""
    name, value, array = element
    if not value and isinstance(value, list):
        out.append(f'{indent}<{name} type="array"/>' if array else f"{indent}<{name}/>")
    elif isinstance(value, list):
        out.append(f'{indent}<{name} type="array">' if array else f"{indent}<{name}>")
        for child in value:
            _write(child, out, indent + "  ")
        out.append(f"{indent}</{name}>")
    elif value is None:
        out.append(f'{indent}<{name} nil="true"/>')
    else:
        kind = _TYPES.get(type(value))
        opening = f'{indent}<{name} type="{kind}">' if kind else f"{indent}<{name}>"
        out.append(f"{opening}{_text(value)}</{name}>")


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, (int, date)):
        return str(value)
    return xml_text(str(value))
