from datetime import UTC, datetime

import pytest

from events import EVENT_TYPES, AgentWentAway, avro
from events.codec import (
    EventDecodeError, decode, decode_avro, decode_json, decode_json_lines, encode_avro, encode_json,
)
from tests.events.samples import SAMPLES


def test_samples_cover_every_event_type():
    assert {type(s) for s in SAMPLES} == set(EVENT_TYPES)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_json_round_trip_keeps_event_unchanged(event):
    assert decode_json(encode_json(event)) == event


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_avro_round_trip_keeps_event_unchanged(event):
    # given an event with microseconds, which timestamp-micros keeps
    # when
    decoded = decode_avro(encode_avro(event))
    # then
    assert decoded == event
    assert type(decoded) is type(event)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_decode_tells_json_from_avro(event):
    assert decode(encode_json(event)) == event
    assert decode(encode_avro(event)) == event


def test_committed_avro_schema_matches_the_structs():
    assert avro.SCHEMA_FILE.read_text() == avro.schema_json()


def test_json_decode_error_says_expected_got_where():
    line = b'{"type":"TicketCreated","event_id":"x","occurred_at":"2026-01-01T00:00:00Z","ticket_id":"abc"}'
    with pytest.raises(EventDecodeError, match=r"Expected `int`, got `str` - at `\$.ticket_id`"):
        decode_json(line)


def test_json_decode_refuses_naive_time():
    line = b'{"type":"TicketDeleted","event_id":"x","occurred_at":"2026-01-01T00:00:00","ticket_id":1}'
    with pytest.raises(EventDecodeError, match="occurred_at"):
        decode_json(line)


def test_unknown_event_type_is_a_decode_error():
    with pytest.raises(EventDecodeError, match="Invalid value 'TicketExploded'"):
        decode_json(b'{"type":"TicketExploded","event_id":"x","occurred_at":"2026-01-01T00:00:00Z"}')


def test_avro_garbage_is_a_decode_error():
    with pytest.raises(EventDecodeError, match="not an Avro-encoded deskstream event"):
        decode_avro(b"\xff\xff\xff\xff")


V1_AWAY_JSON = b'{"type":"AgentWentAway","event_id":"p1","occurred_at":"2026-03-02T12:00:00Z","agent_id":"a-1","away_status":"Lunch"}'


def test_upcast_v1_json_reads_as_today_type():
    # given stored v1 bytes, from before `away_status` was renamed `away_state`
    # when
    event = decode_json(V1_AWAY_JSON)
    # then
    assert event == AgentWentAway(
        event_id="p1", occurred_at=datetime(2026, 3, 2, 12, tzinfo=UTC), agent_id="a-1", away_state="Lunch"
    )
    assert event.schema_version == 2


def test_v1_json_in_a_block_of_lines_is_upcast_in_its_place():
    # given a block with blank lines around a v1 event between two of today's
    first, last = SAMPLES[0], SAMPLES[1]
    block = b"\n".join([encode_json(first), b"", V1_AWAY_JSON, b"  ", encode_json(last), b""])
    # when
    events = decode_json_lines(block)
    # then
    assert events == [first, decode_json(V1_AWAY_JSON), last]
    assert events[1].away_state == "Lunch"
