import xml.etree.ElementTree as ET
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sinks.xml_format import Element, XmlFormat, xml_text

FORMAT = XmlFormat("export", ("groups", "users"))


def _document(records, xml_format=FORMAT) -> ET.Element:
    return ET.fromstring(b"".join(xml_format.record_chunks(records)))


@pytest.mark.parametrize("text", ["a < b", "Tom & Jerry", 'say "hi"', "x ]]> y", "fire 🔥", "tab\tand\nnewline"])
def test_xml_text_reads_back_as_written(text):
    # given a name holding markup or characters XML allows
    records = [("users", Element("user", [Element("name", text)]))]
    # when
    root = _document(records)
    # then
    assert root.findtext("users/user/name") == text


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"])
def test_xml_text_replaces_what_xml_1_0_cannot_hold_with_u_fffd(bad):
    # given a comment body with a code point XML 1.0 has no place for
    records = [("users", Element("user", [Element("body", f"before{bad}after")]))]
    # when
    root = _document(records)
    # then the file still parses, and the character is marked where it was
    assert root.findtext("users/user/body") == "before\ufffdafter"


def test_xml_text_keeps_a_carriage_return():
    # a raw CR would read back as LF: it is written as a character reference
    assert xml_text("one\r\ntwo") == "one&#13;\ntwo"
    assert _document([("users", Element("user", "one\r\ntwo"))]).findtext("users/user") == "one\r\ntwo"


def test_xml_format_types_values_as_rails_does():
    # given one value of each kind
    paris = datetime(2026, 3, 2, 10, 0, 45, 500000, tzinfo=ZoneInfo("Europe/Paris"))
    user = Element("user", [
        Element("id", 20), Element("active", True), Element("seen-at", paris), Element("born-on", date(2000, 2, 29)),
        Element("email", None), Element("name", "Zoé"), Element("tickets", [], array=True),
    ])
    # when
    root = _document([("users", user)])
    # then
    found = {child.tag: (child.attrib, child.text) for child in root.find("users/user")}
    assert found == {
        "id": ({"type": "integer"}, "20"),
        "active": ({"type": "boolean"}, "true"),
        "seen-at": ({"type": "datetime"}, "2026-03-02T10:00:45+01:00"),
        "born-on": ({"type": "date"}, "2000-02-29"),
        "email": ({"nil": "true"}, None),
        "name": ({}, "Zoé"),
        "tickets": ({"type": "array"}, None),
    }


def test_xml_format_writes_every_container_in_order_empty_ones_too():
    # given records for the users only
    records = [("users", Element("user", [Element("id", n)])) for n in (1, 2)]
    # when
    root = _document(records)
    # then
    assert [(child.tag, child.get("type"), len(child)) for child in root] == [("groups", "array", 0), ("users", "array", 2)]


def test_xml_format_writes_an_empty_document_without_records():
    root = _document([])
    assert [child.tag for child in root] == ["groups", "users"]


def test_xml_format_refuses_a_record_out_of_container_order():
    records = [("users", Element("user", 1)), ("groups", Element("group", 2))]
    with pytest.raises(ValueError, match="record in 'groups'"):
        b"".join(FORMAT.record_chunks(records))


def test_xml_format_streams_in_several_chunks():
    # given more records than one chunk gathers
    records = [("users", Element("user", [Element("id", n), Element("name", f"user {n}")])) for n in range(5000)]
    # when
    chunks = list(FORMAT.record_chunks(records))
    # then
    assert len(chunks) > 1
    assert len(ET.fromstring(b"".join(chunks)).findall("users/user")) == 5000
