import gc
import json

from click.testing import CliRunner

from events.log import write_log
from streams.cli import main
from streams.replay import collector_paused
from tests.projections.tickets_story import ANA, at, comment, created, people, schedule, status

STORY = people() + [schedule()] + [
    created(at("03-02 09:00"), ticket_id=1),
    comment(at("03-02 10:30"), ANA, ticket_id=1),
    status(at("03-02 11:00"), "solved", ticket_id=1),
    created(at("03-03 09:00"), ticket_id=2),
]


def _replay(*args):
    return CliRunner().invoke(main, ["replay", *map(str, args)], catch_exceptions=False)


def _rows(out):
    return [json.loads(line) for line in (out / "ticket_metrics.ndjson").read_text().splitlines()]


def test_replay_writes_the_ticket_metrics_export(tmp_path):
    # given
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    # when
    result = _replay(log, "--out", tmp_path / "out", "--export", "ticket-metrics")
    # then
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{tmp_path / 'out' / 'ticket_metrics.ndjson'}\t2 rows\n"
    assert [r["reply_time_in_minutes"]["calendar"] for r in _rows(tmp_path / "out")] == [90, None]


def test_replay_of_avro_and_ndjson_logs_gives_the_same_bytes(tmp_path):
    write_log(tmp_path / "events.ndjson", STORY)
    write_log(tmp_path / "events.avro", STORY)
    _replay(tmp_path / "events.ndjson", "--out", tmp_path / "a")
    _replay(tmp_path / "events.avro", "--out", tmp_path / "b")
    assert (tmp_path / "a" / "ticket_metrics.ndjson").read_bytes() == (tmp_path / "b" / "ticket_metrics.ndjson").read_bytes()


def test_replay_reports_bad_lines_to_errors_file_and_goes_on(tmp_path):
    # given a log with a broken 2nd line
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], "{not json", *lines[1:]]) + "\n")
    # when
    result = _replay(log, "--out", tmp_path / "out", "--max-errors", "1")
    # then
    assert result.exit_code == 0
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.ndjson").read_text().splitlines()]
    assert [(e["source"], e["line"], e["raw"]) for e in errors] == [(str(log), 2, "{not json")]
    assert f"error: {log} line 2: " in result.stderr
    assert len(_rows(tmp_path / "out")) == 2


def test_replay_as_of_leaves_out_later_events(tmp_path):
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    result = _replay(log, "--out", tmp_path / "out", "--as-of", "2026-03-02T10:00", "--timezone", "UTC")
    assert result.exit_code == 0
    rows = _rows(tmp_path / "out")
    assert [r["ticket_id"] for r in rows] == [1]
    assert rows[0]["solved_at"] is None
    assert "3 left out (3 after the as-of time)" in result.stderr


def test_replay_refuses_an_unknown_time_zone(tmp_path):
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    result = _replay(log, "--out", tmp_path / "out", "--timezone", "Mars/Olympus")
    assert result.exit_code == 2
    assert "expected an IANA time zone such as 'Europe/Paris', got 'Mars/Olympus'" in result.output


def test_replay_refuses_a_missing_log(tmp_path):
    result = _replay(tmp_path / "nope.ndjson", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_help_explains_every_option():
    result = CliRunner().invoke(main, ["replay", "--help"])
    for option in ("--out", "--source", "--export", "--as-of", "--timezone", "--from", "--to"):
        assert option in result.output


def test_the_cycle_collector_is_paused_during_a_replay_and_resumed_after():
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
