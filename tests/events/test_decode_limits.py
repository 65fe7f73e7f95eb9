"""What decoding refuses beyond the types: times outside the accepted window, and
integers an Avro `long` can't hold. Both are bad records, reported where they are."""
from datetime import UTC, datetime

import msgspec
import pytest

from events.base import DEFAULT_TIME_WINDOW, TimeWindow
from events.codec import EventDecodeError, decode, decode_json, decode_json_lines, encode_avro, encode_json, from_fields
from events.log import read_log
from tests.events.samples import SAMPLES

DELETED = '{"type":"TicketDeleted","event_id":"d1","occurred_at":"%s","ticket_id":%s}'


def _deleted(at: str = "2026-03-02T10:00:00Z", ticket_id: int = 1001) -> bytes:
    return (DELETED % (at, ticket_id)).encode()


def test_time_window_refuses_year_9999_naming_the_field():
    # given an event dated December 9999
    # when / then
    with pytest.raises(EventDecodeError, match=r"Expected a time within 1970-01-01/2100-01-01 "
                                               r"\(DESKSTREAM_EVENT_TIME_WINDOW\), got 9999-12-01T00:00:00\+00:00 "
                                               r"- at `\$.occurred_at`"):
        decode_json(_deleted("9999-12-01T00:00:00Z"))


def test_time_window_includes_its_start_and_excludes_its_end():
    # given the first instant of 1970 and the first of 2100
    # when
    first = decode_json(_deleted("1970-01-01T00:00:00Z"))
    # then
    assert first.occurred_at == DEFAULT_TIME_WINDOW.start
    with pytest.raises(EventDecodeError, match="occurred_at"):
        decode_json(_deleted("2100-01-01T00:00:00Z"))


def test_time_window_applies_to_avro_events_too():
    # given an Avro-encoded event of 1969 (its time as Avro stores it, micros since the epoch)
    old = msgspec.structs.replace(SAMPLES[0], occurred_at=datetime(1969, 7, 20, 20, 17, tzinfo=UTC))
    # when / then
    with pytest.raises(EventDecodeError, match=r"got 1969-07-20T20:17:00\+00:00 - at `\$.occurred_at`"):
        decode(encode_avro(old))


def test_time_window_is_the_callers_to_choose():
    # given a window of the 1990s
    nineties = TimeWindow(datetime(1990, 1, 1, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC))
    # when / then: 1995 is in, 2026 is out
    assert decode_json(_deleted("1995-05-05T00:00:00Z"), nineties).ticket_id == 1001
    with pytest.raises(EventDecodeError, match="within 1990-01-01/2000-01-01"):
        decode(_deleted(), nineties)


def test_time_window_refuses_a_block_with_one_time_outside():
    # given a block of three lines, the second dated 9999
    block = b"\n".join([_deleted(), _deleted("9999-01-01T00:00:00Z"), _deleted()]) + b"\n"
    # when / then
    with pytest.raises(EventDecodeError):
        decode_json_lines(block)


def test_time_outside_the_window_is_reported_with_its_line_and_the_rest_replays(tmp_path):
    # given a log whose second line is dated 9999
    path = tmp_path / "events.ndjson"
    path.write_bytes(b"\n".join([_deleted(), _deleted("9999-12-01T00:00:00Z", 1002), _deleted(ticket_id=1003)]) + b"\n")
    errors = []
    # when
    events = list(read_log(path, errors.append))
    # then
    assert [e.ticket_id for e in events] == [1001, 1003]
    assert [(e.line, e.reason.split(" - at ")[-1]) for e in errors] == [(2, "`$.occurred_at`")]


@pytest.mark.parametrize("ticket_id", [2**63, -(2**63) - 1, 10**30])
def test_ticket_id_beyond_64_bits_is_a_decode_error(ticket_id):
    # given an id an Avro long can't hold
    # when / then
    with pytest.raises(EventDecodeError, match=r"- at `\$.ticket_id`"):
        decode_json(_deleted(ticket_id=ticket_id))
    with pytest.raises(EventDecodeError, match=r"- at `\$.ticket_id`"):
        from_fields({"type": "TicketDeleted", "event_id": "d1", "occurred_at": "2026-03-02T10:00:00Z",
                     "ticket_id": ticket_id})


def test_ticket_id_at_the_64_bit_limit_encodes_to_avro_and_back():
    # given the largest id a long holds
    event = decode_json(_deleted(ticket_id=2**63 - 1))
    # when
    back = decode(encode_avro(event))
    # then
    assert back.ticket_id == 2**63 - 1 and decode(encode_json(event)) == event


def test_every_integer_of_every_event_is_checked_against_the_long_range():
    # given each sample, with each of its integer fields in turn set beyond 64 bits
    for event in SAMPLES:
        raw = {"type": type(event).__name__, **{f: getattr(event, f) for f in event.__struct_fields__}}
        for name, value in raw.items():
            if type(value) is int:
                # when / then
                with pytest.raises(EventDecodeError, match=rf"- at `\$.{name}`"):
                    from_fields({**raw, name: 2**64})
