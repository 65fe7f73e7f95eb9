import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import msgspec
import pytest

from sinks.xml_format import Record, XmlFormat, xml_text

FORMAT = XmlFormat("export", ("groups", "users"))


def _document(records, xml_format=FORMAT) -> ET.Element:
    return ET.fromstring(b"".join(xml_format.record_chunks(records)))


@pytest.mark.parametrize("text", ["a < b", "Tom & Jerry", 'say "hi"', "x ]]> y", "fire 🔥", "tab\tand\nnewline"])
def test_xml_text_reads_back_as_written(text):
    # given a name holding markup or characters XML allows
    records = [Record("users", "user", {"name": text})]
    # when
    root = _document(records)
    # then
    assert root.findtext("users/user/name") == text


@pytest.mark.parametrize("bad", ["\x00", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"])
def test_xml_text_replaces_what_xml_1_0_cannot_hold_with_u_fffd(bad):
    # given a comment body with a code point XML 1.0 has no place for
    records = [Record("users", "user", {"body": f"before{bad}after"})]
    # when
    root = _document(records)
    # then the file still parses, and the character is marked where it was
    assert root.findtext("users/user/body") == "before\ufffdafter"


def test_xml_text_keeps_a_carriage_return():
    # a raw CR would read back as LF: it is written as a character reference
    assert xml_text("one\r\ntwo") == "one&#13;\ntwo"
    assert _document([Record("users", "user", "one\r\ntwo")]).findtext("users/user") == "one\r\ntwo"


class TicketField(msgspec.Struct):
    field_id: int
    value: str | None


class NoFields(msgspec.Struct):
    pass


def test_xml_format_types_values_as_rails_does():
    # given one value of each kind, times written in Paris
    paris = ZoneInfo("Europe/Paris")
    seen = datetime(2026, 3, 2, 9, 0, 45, 500000, tzinfo=ZoneInfo("UTC"))
    user = {"id": 20, "active": True, "seen_at": seen, "born_on": date(2000, 2, 29), "email": None,
            "name": "Zoé", "tickets": [], "tags": ("vip", "paris"), "empty": NoFields()}
    # when
    root = _document([Record("users", "user", user, paris)])
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
        "tags": ({}, "vip paris"),
        "empty": ({}, None),
    }


def test_xml_format_writes_a_list_of_structs_as_an_array_named_after_their_type():
    # given a record holding a list of structs
    record = Record("users", "user", {"custom_fields": [TicketField(7, "blue"), TicketField(8, None)]})
    # when
    fields = _document([record]).find("users/user/custom-fields")
    # then
    assert fields.get("type") == "array"
    assert [(item.tag, item.findtext("field-id"), item.find("value").attrib) for item in fields] == [
        ("ticket-field", "7", {}), ("ticket-field", "8", {"nil": "true"})]


def test_xml_format_writes_every_container_in_order_empty_ones_too():
    # given records for the users only
    records = [Record("users", "user", {"id": n}) for n in (1, 2)]
    # when
    root = _document(records)
    # then
    assert [(child.tag, child.get("type"), len(child)) for child in root] == [("groups", "array", 0), ("users", "array", 2)]


def test_xml_format_writes_an_empty_document_without_records():
    root = _document([])
    assert [child.tag for child in root] == ["groups", "users"]


def test_xml_format_refuses_a_record_out_of_container_order():
    records = [Record("users", "user", 1), Record("groups", "group", 2)]
    with pytest.raises(ValueError, match="record in 'groups'"):
        b"".join(FORMAT.record_chunks(records))


def test_xml_format_streams_in_several_chunks():
    # given more records than one chunk gathers
    records = [Record("users", "user", {"id": n, "name": f"user {n}"}) for n in range(5000)]
    # when
    chunks = list(FORMAT.record_chunks(records))
    # then
    assert len(chunks) > 1
    assert len(ET.fromstring(b"".join(chunks)).findall("users/user")) == 5000


class Assignment(msgspec.Struct):
    ticket_id: int
    assignee_id: int | None
    note: str | None


def test_xml_format_tags_each_field_by_its_value_in_each_record():
    # given records of one type whose fields hold an int, then None, then an int again
    records = [Record("users", "assignment", value) for value in
               (Assignment(1, 7, None), Assignment(2, None, "left"), Assignment(3, 8, None))]
    # when
    assignments = _document(records).findall("users/assignment")
    # then each field is tagged by the value it holds there
    assert [(a.find("assignee-id").attrib, a.find("assignee-id").text, a.find("note").attrib, a.find("note").text)
            for a in assignments] == [
        ({"type": "integer"}, "7", {"nil": "true"}, None),
        ({"nil": "true"}, None, {}, "left"),
        ({"type": "integer"}, "8", {"nil": "true"}, None),
    ]


class Seen(msgspec.Struct):
    at: datetime


def test_xml_format_writes_times_on_both_sides_of_an_offset_change_in_the_zone():
    # given times around Paris's change to summer time (2026-03-29, 01:00 UTC), to the microsecond too
    times = [datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
             datetime(2026, 3, 29, 1, 0, 0, 250000, tzinfo=UTC)]
    records = [Record("users", "seen", Seen(at), ZoneInfo("Europe/Paris")) for at in times]
    # when
    written = [seen.findtext("at") for seen in _document(records).findall("users/seen")]
    # then
    assert written == ["2026-03-29T01:59:59+01:00", "2026-03-29T03:00:00+02:00", "2026-03-29T03:00:00+02:00"]
