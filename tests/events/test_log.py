import gzip
import io
import os
import random
import sys
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import fastavro

from events import avro
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
    assert [(e.source, e.line) for e in errors] == [(str(path), 2), (str(path), 4)]
    assert str(errors[1]) == f"{path} line 4: Expected `int`, got `str` - at `$.ticket_id`"
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
    path.write_bytes(b"Obj\x01 and then not avro at all")  # Avro's magic bytes, a broken header
    events, errors = _read(path)
    assert events == []
    assert errors[0].source == str(path) and "not an Avro object container file" in errors[0].reason


# --- formats told by content, compressed logs, stdin -------------------------------------


def test_format_is_told_by_content_not_by_name(tmp_path):
    # given an Avro log named in capitals and an NDJSON log named .avro
    write_log(tmp_path / "a.avro", SAMPLES)
    (tmp_path / "a.avro").rename(tmp_path / "events.AVRO")
    (tmp_path / "events.avro").write_bytes(b"".join(encode_json(e) + b"\n" for e in SAMPLES))
    # when
    avro_events, avro_errors = _read(tmp_path / "events.AVRO")
    json_events, json_errors = _read(tmp_path / "events.avro")
    # then
    assert avro_events == json_events == SAMPLES
    assert avro_errors == json_errors == []


def test_gzip_compressed_logs_are_read_whatever_their_name(tmp_path):
    # given an NDJSON and an Avro log, each gzip-compressed, one without .gz in its name
    write_log(tmp_path / "plain.ndjson", SAMPLES)
    write_log(tmp_path / "plain.avro", SAMPLES)
    (tmp_path / "events.ndjson.gz").write_bytes(gzip.compress((tmp_path / "plain.ndjson").read_bytes()))
    (tmp_path / "events.avro").write_bytes(gzip.compress((tmp_path / "plain.avro").read_bytes()))
    # when
    ndjson, ndjson_errors = _read(tmp_path / "events.ndjson.gz")
    avro, avro_errors = _read(tmp_path / "events.avro")
    # then
    assert ndjson == avro == SAMPLES
    assert ndjson_errors == avro_errors == []


def test_bad_line_in_a_gzip_log_keeps_its_line_number(tmp_path):
    lines = [encode_json(e) for e in SAMPLES[:2]]
    path = tmp_path / "events.ndjson.gz"
    path.write_bytes(gzip.compress(b"\n".join([lines[0], b"{oops", lines[1]]) + b"\n"))
    events, errors = _read(path)
    assert events == SAMPLES[:2]
    assert [(e.line, e.raw, e.kind) for e in errors] == [(2, "{oops", "malformed JSON")]


def test_gzip_log_cut_short_keeps_what_came_before_and_says_the_rest_is_lost(tmp_path):
    # given a compressed log of 200 events cut in its middle
    data = gzip.compress(b"".join(encode_json(e) + b"\n" for e in SAMPLES * 20))
    path = tmp_path / "events.ndjson.gz"
    path.write_bytes(data[: len(data) // 2])
    # when
    events, errors = _read(path)
    # then
    assert [e.kind for e in errors] == ["corrupt gzip data"]
    assert "the rest of the file is lost" in errors[0].reason
    assert len(events) < len(SAMPLES) * 20


def test_file_with_gzip_magic_but_no_gzip_data_is_reported(tmp_path):
    path = tmp_path / "events.ndjson.gz"
    path.write_bytes(b"\x1f\x8b but not gzip at all")
    events, errors = _read(path)
    assert events == []
    assert [(e.source, e.kind) for e in errors] == [(str(path), "corrupt gzip data")]


def test_binary_file_is_one_error_not_one_per_line(tmp_path):
    # given 64 kB of random bytes, with many newlines among them
    path = tmp_path / "events.ndjson"
    path.write_bytes(random.Random(7).randbytes(64_000))
    # when
    events, errors = _read(path)
    # then
    assert events == []
    assert [(e.line, e.kind) for e in errors] == [(0, "not an event log")]
    assert str(errors[0]) == (
        f"{path}: not an event log: binary content, not UTF-8 text "
        "(NDJSON and Avro logs are read, gzip-compressed or not)"
    )


def test_zip_archive_is_named_as_such(tmp_path):
    path = tmp_path / "events.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("events.ndjson", b"".join(encode_json(e) + b"\n" for e in SAMPLES))
    events, errors = _read(path)
    assert events == []
    assert errors[0].reason.startswith("not an event log: a zip archive")


def test_dash_reads_standard_input_even_from_a_pipe(monkeypatch):
    # given the events, gzip-compressed, coming down a pipe
    read_end, write_end = os.pipe()
    data = gzip.compress(b"".join(encode_json(e) + b"\n" for e in SAMPLES) + b"{bad\n")
    writer = threading.Thread(target=lambda: (os.write(write_end, data), os.close(write_end)))
    writer.start()
    with os.fdopen(read_end, "rb") as pipe:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(pipe))
        # when
        events, errors = _read("-")
    writer.join()
    # then
    assert events == SAMPLES
    assert [(e.source, e.line) for e in errors] == [("<stdin>", len(SAMPLES) + 1)]


def test_errors_name_the_file_by_its_path_as_given(tmp_path, monkeypatch):
    # given two logs of the same name in two folders, each with a bad first line
    monkeypatch.chdir(tmp_path)
    for folder in ("monday", "tuesday"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "events.ndjson").write_text("{oops\n")
    # when
    errors = [error for folder in ("monday", "tuesday") for error in _read(Path(folder) / "events.ndjson")[1]]
    # then
    assert [str(e) for e in errors] == [
        "monday/events.ndjson line 1: JSON is malformed: object keys must be strings (byte 1)",
        "tuesday/events.ndjson line 1: JSON is malformed: object keys must be strings (byte 1)",
    ]


# --- corrupt Avro blocks -----------------------------------------------------------------

EVENTS = SAMPLES * 40


def _avro_blocks(path):
    """A container file of EVENTS in small blocks, and its blocks' (offset, size, records)."""
    with path.open("wb") as out:
        fastavro.writer(out, avro.parsed_schema(), (avro.to_record(e) for e in EVENTS), sync_interval=2000)
    with path.open("rb") as file:
        return [(b.offset, b.size, b.num_records) for b in fastavro.block_reader(file)]


def test_corrupt_avro_block_is_skipped_and_the_read_goes_on_from_the_next_sync_marker(tmp_path):
    # given the 4th block's data overwritten in its middle
    path = tmp_path / "events.avro"
    blocks = _avro_blocks(path)
    offset, size, records = blocks[3]
    data = bytearray(path.read_bytes())
    data[offset + size // 2: offset + size // 2 + 8] = b"\xff" * 8
    path.write_bytes(data)
    # when
    events, errors = _read(path)
    # then one error, the records after the damage in that block lost, every later block read
    (error,) = errors
    before = sum(n for _, _, n in blocks[:3])
    assert error.kind == "corrupt Avro block"
    assert events[:before] == EVENTS[:before]
    assert events[-100:] == EVENTS[-100:]
    assert len(events) == len(EVENTS) - error.records
    assert 0 < error.records <= records
    assert f"{error.records} records skipped, read on from byte {offset + size}" in error.reason


def test_avro_block_with_a_broken_sync_marker_costs_it_and_the_next_block_counted(tmp_path):
    # given the 4th block's sync marker damaged: the 5th block can't be told apart from it
    path = tmp_path / "events.avro"
    blocks = _avro_blocks(path)
    offset, size, _ = blocks[3]
    data = bytearray(path.read_bytes())
    data[offset + size - 8: offset + size - 4] = b"\0\0\0\0"
    path.write_bytes(data)
    # when
    events, errors = _read(path)
    # then
    lost = blocks[3][2] + blocks[4][2]
    assert len(events) == len(EVENTS) - lost
    assert [(e.records, e.line) for e in errors] == [(lost, sum(n for _, _, n in blocks[:3]) + 1)]
    assert f"{lost} records skipped, read on from byte {blocks[5][0]}" in errors[0].reason


def test_avro_file_cut_short_says_the_rest_is_lost(tmp_path):
    path = tmp_path / "events.avro"
    blocks = _avro_blocks(path)
    offset, size, _ = blocks[3]
    path.write_bytes(path.read_bytes()[: offset + size // 2])
    events, errors = _read(path)
    assert len(events) == sum(n for _, _, n in blocks[:3])
    assert errors[0].reason.endswith("no sync marker after it, the rest of the file lost")
