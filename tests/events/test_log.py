from datetime import UTC, datetime

import fastavro

from events.codec import encode_json
from events.log import read_log, write_log
from tests.events.samples import SAMPLES


def _read(path):
    errors = []
    events = list(read_log(path, errors.append))
    return events, errors


def test_ndjson_log_round_trip(tmp_path):
    # given
    path = tmp_path / "events.ndjson"
    # when
    count = write_log(path, SAMPLES)
    events, errors = _read(path)
    # then
    assert count == len(SAMPLES)
    assert events == SAMPLES and errors == []


def test_avro_container_log_round_trip(tmp_path):
    path = tmp_path / "events.avro"
    write_log(path, SAMPLES)
    events, errors = _read(path)
    assert events == SAMPLES and errors == []


def test_malformed_line_is_reported_with_file_and_line_and_the_rest_replays(tmp_path):
    # given a log whose 2nd line is cut and 4th has a wrong type
    path = tmp_path / "events.ndjson"
    good = [encode_json(e).decode() for e in SAMPLES[:3]]
    bad_type = good[2].replace('"ticket_id":101', '"ticket_id":"x"')
    path.write_text("\n".join([good[0], '{"type":"TicketCreated",', good[1], bad_type, "", good[2]]) + "\n")
    # when
    events, errors = _read(path)
    # then
    assert events == [SAMPLES[0], SAMPLES[1], SAMPLES[2]]
    assert [(e.source, e.line) for e in errors] == [("events.ndjson", 2), ("events.ndjson", 4)]
    assert str(errors[1]) == "events.ndjson line 4: Expected `int`, got `str` - at `$.ticket_id`"
    assert errors[0].raw == '{"type":"TicketCreated",'


def test_lines_keep_their_numbers_across_blocks_and_a_line_longer_than_a_block(tmp_path, monkeypatch):
    # given blocks of 200 bytes: lines cross block ends, the first line is longer than a
    # block, the 9th and the second last are bad; the file does not end with a newline
    monkeypatch.setattr("events.log.BATCH_BYTES", 200)
    events = SAMPLES * 3
    lines = [encode_json(e).decode() for e in events]
    lines[8:8] = ["not json"]
    lines[-1:-1] = ["{}"]
    assert len(lines[0]) > 200
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines))
    # when
    read, errors = _read(path)
    # then
    assert read == events
    assert [(e.line, e.raw) for e in errors] == [(9, "not json"), (len(lines) - 1, "{}")]


def test_progress_counts_every_byte(tmp_path):
    path = tmp_path / "events.ndjson"
    write_log(path, SAMPLES)
    seen = []
    list(read_log(path, lambda e: None, seen.append))
    assert sum(seen) == path.stat().st_size


V1_RECORD = {
    "type": "record", "name": "AgentWentAway", "namespace": "deskstream.events",
    "fields": [
        {"name": "event_id", "type": "string"},
        {"name": "occurred_at", "type": {"type": "long", "logicalType": "timestamp-micros"}},
        {"name": "schema_version", "type": "long", "default": 1},
        {"name": "agent_id", "type": "string"},
        {"name": "away_status", "type": "string"},
    ],
}


def test_avro_log_written_with_v1_schema_reads_as_today_type(tmp_path):
    # given a container file written by an older deskstream, when AgentWentAway had `away_status`
    path = tmp_path / "old.avro"
    at = datetime(2026, 3, 2, 12, tzinfo=UTC)
    record = {"event_id": "p1", "occurred_at": at, "schema_version": 1, "agent_id": "a-1", "away_status": "Meeting"}
    with path.open("wb") as out:
        fastavro.writer(out, fastavro.parse_schema([V1_RECORD]), [("deskstream.events.AgentWentAway", record)])
    # when
    (event,), errors = _read(path)
    # then
    assert errors == []
    assert (event.away_state, event.schema_version) == ("Meeting", 2)


def test_file_that_is_not_avro_is_reported(tmp_path):
    path = tmp_path / "broken.avro"
    path.write_bytes(b"not avro at all")
    events, errors = _read(path)
    assert events == []
    assert errors[0].source == "broken.avro" and "not an Avro object container file" in errors[0].reason
