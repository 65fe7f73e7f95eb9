"""How a replay ends: the summary line, --max-errors and --strict, the exit status, what
is reported besides bad records, and OUT/errors.ndjson."""
import gzip
import json
import random

from click.testing import CliRunner

from events import ScheduleUpserted
from events.codec import encode_json
from events.log import write_log
from streams.cli import main
from tests.projections.tickets_story import ANA, LONG_AGO, at, comment, status
from tests.streams.test_replay_command import STORY

LINES = [encode_json(e).decode() for e in STORY]  # 9 events: 4 people, a schedule, 4 of 2 tickets


def _replay(*args, stdin=None):
    return CliRunner().invoke(main, ["replay", *map(str, args)], input=stdin, catch_exceptions=False)


def _log(tmp_path, lines, name="events.ndjson"):
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


def _summary(result):
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("summary: ")]
    return line


def _errors(out):
    return [json.loads(line) for line in (out / "errors.ndjson").read_text().splitlines()]


def test_summary_says_read_applied_rejected_by_reason_duplicates_left_out_and_exported(tmp_path):
    # given the story, a comment read twice, and three bad lines of two kinds
    lines = LINES + [LINES[6], "{oops", "{oops again", '{"type": "TicketCreated"}']
    log = _log(tmp_path, lines)
    # when
    result = _replay(log, "--out", tmp_path / "out", "--max-errors", "3")
    # then
    assert result.exit_code == 0, result.output
    assert _summary(result) == (
        "summary: 10 events read, 9 applied, 3 records rejected (2 malformed JSON; "
        "1 Object missing required field `event_id`), 1 duplicate ignored, 0 left out; "
        "2 tickets and 0 conversations exported"
    )


def test_summary_names_only_the_top_three_reasons_and_counts_the_rest_as_other(tmp_path):
    bad = ["{oops", "{oops", '{"type": "Nope"}', '{"type": "TicketCreated"}', "[1]"]
    result = _replay(_log(tmp_path, LINES + bad), "--out", tmp_path / "out", "--max-errors", "10")
    assert "5 records rejected (2 malformed JSON; " in _summary(result)
    assert "; 1 other), " in _summary(result)


def test_log_of_random_bytes_exits_1_with_one_error_and_no_export(tmp_path):
    # given 50 kB of random bytes
    log = tmp_path / "events.ndjson"
    log.write_bytes(random.Random(1).randbytes(50_000))
    # when
    result = _replay(log, "--out", tmp_path / "out")
    # then
    assert result.exit_code == 1
    assert result.stdout == ""
    assert [e["kind"] for e in _errors(tmp_path / "out")] == ["not an event log"]
    assert _summary(result).startswith("summary: 0 events read, 0 applied, 1 record rejected (1 not an event log)")
    assert result.stderr.splitlines()[-1] == (
        "Error: no event could be read: no export written (is it the right file?)"
    )
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["errors.ndjson"]


def test_empty_log_exits_1_as_nothing_was_read(tmp_path):
    result = _replay(_log(tmp_path, []), "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "no event could be read" in result.stderr


def test_too_many_bad_records_by_the_default_of_one_percent_exit_1(tmp_path):
    # given 98 good events and 2 bad lines: 2% of 100 records
    events = [comment(at("03-02 10:00"), ANA, ticket_id=1) for _ in range(93)]
    good = LINES + [encode_json(e).decode() for e in events] + ["{oops", "{oops"]
    # when
    result = _replay(_log(tmp_path, good), "--out", tmp_path / "out")
    # then
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: too many bad records: 2 of 104 records (1.9%) rejected, more than --max-errors 1%; "
        "no export written (fix the input, or allow more with --max-errors)"
    )
    assert not (tmp_path / "out" / "ticket_metrics.ndjson").exists()


def test_one_bad_record_in_a_hundred_is_within_the_default(tmp_path):
    events = [comment(at("03-02 10:00"), ANA, ticket_id=1) for _ in range(90)]
    lines = LINES + [encode_json(e).decode() for e in events] + ["{oops"]  # 1 of 100 records
    result = _replay(_log(tmp_path, lines), "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "1 record rejected (1 malformed JSON)" in _summary(result)


def test_max_errors_as_a_count_allows_that_many(tmp_path):
    log = _log(tmp_path, LINES + ["{oops", "{oops"])
    assert _replay(log, "--out", tmp_path / "a", "--max-errors", "2").exit_code == 0
    assert _replay(log, "--out", tmp_path / "b", "--max-errors", "1").exit_code == 1


def test_max_errors_as_a_share_of_the_records_read(tmp_path):
    log = _log(tmp_path, LINES + ["{oops"])  # 1 of 10 records
    assert _replay(log, "--out", tmp_path / "a", "--max-errors", "10%").exit_code == 0
    assert _replay(log, "--out", tmp_path / "b", "--max-errors", "9.5%").exit_code == 1


def test_strict_tolerates_no_bad_record(tmp_path):
    result = _replay(_log(tmp_path, LINES + ["{oops"]), "--out", tmp_path / "out", "--strict", "--max-errors", "50%")
    assert result.exit_code == 1
    assert "more than --max-errors 0;" in result.stderr


def test_max_errors_that_is_not_a_count_or_a_share_is_a_usage_error(tmp_path):
    result = _replay(_log(tmp_path, LINES), "--out", tmp_path / "out", "--max-errors", "lots")
    assert result.exit_code == 2
    assert "expected a count like 10 or a share like 0.5%, got 'lots'" in result.stderr


def test_events_of_a_ticket_whose_creation_was_rejected_are_reported_with_its_id(tmp_path):
    # given ticket 2's TicketCreated line broken, and two more events of ticket 2
    later = [status(at("03-03 10:00"), "open", ticket_id=2), comment(at("03-03 11:00"), ANA, ticket_id=2)]
    lines = LINES[:8] + [LINES[8].replace('"ticket_id":2', '"ticket_id":"two"')]
    log = _log(tmp_path, lines + [encode_json(e).decode() for e in later])
    # when
    result = _replay(log, "--out", tmp_path / "out", "--max-errors", "1")
    # then
    assert result.exit_code == 0, result.output
    message = "ticket 2: 2 events left out of the exports: its TicketCreated is not in the log, or was rejected"
    assert f"warning: {message}" in result.stderr.splitlines()
    assert [(e["reason"], e["records"]) for e in _errors(tmp_path / "out")][1:] == [(message, 0)]
    assert ", 2 left out (2 of tickets or conversations whose creation is not in the log); 1 ticket" \
        in _summary(result)


def test_schedule_without_working_hours_is_warned(tmp_path):
    closed = ScheduleUpserted(event_id="s-closed", occurred_at=LONG_AGO, schedule_id=5, name="Closed",
                              time_zone="UTC", intervals=(), is_default=False)
    log = _log(tmp_path, LINES + [encode_json(closed).decode()])
    result = _replay(log, "--out", tmp_path / "out")
    assert "warning: schedule 5 has no working hours: every business duration under it is 0" \
        in result.stderr.splitlines()


def test_dash_replays_standard_input_gzip_compressed_or_not(tmp_path):
    # given the story on stdin, gzip-compressed, and the same in a file
    data = "".join(line + "\n" for line in LINES).encode()
    write_log(tmp_path / "events.ndjson", STORY)
    # when
    piped = _replay("-", "--out", tmp_path / "a", "--export", "ticket-metrics", stdin=gzip.compress(data))
    filed = _replay(tmp_path / "events.ndjson", "--out", tmp_path / "b", "--export", "ticket-metrics")
    # then
    assert piped.exit_code == 0, piped.output
    assert (tmp_path / "a" / "ticket_metrics.ndjson").read_bytes() == (tmp_path / "b" / "ticket_metrics.ndjson").read_bytes()


def test_bad_line_from_standard_input_is_named_stdin(tmp_path):
    data = "".join(line + "\n" for line in LINES + ["{oops"])
    result = _replay("-", "--out", tmp_path / "out", "--max-errors", "1", stdin=data)
    assert "error: <stdin> line 10: JSON is malformed: object keys must be strings (byte 1)" in result.stderr


def test_dash_is_refused_for_a_zendesk_dump(tmp_path):
    result = _replay("-", "--source", "zendesk-api", "--out", tmp_path / "out", stdin="")
    assert result.exit_code == 2
    assert "'-' (standard input) is for event logs" in result.stderr


def test_errors_file_of_an_earlier_run_is_removed_by_a_clean_run(tmp_path):
    # given a run with a bad line, then the same folder replayed from a clean log
    out = tmp_path / "out"
    _replay(_log(tmp_path, LINES + ["{oops"], "bad.ndjson"), "--out", out, "--max-errors", "1")
    assert (out / "errors.ndjson").exists()
    # when
    result = _replay(_log(tmp_path, LINES, "good.ndjson"), "--out", out)
    # then
    assert result.exit_code == 0
    assert not (out / "errors.ndjson").exists()


def test_only_the_first_twenty_errors_are_shown_and_all_are_written(tmp_path):
    result = _replay(_log(tmp_path, LINES + ["{oops"] * 30), "--out", tmp_path / "out", "--max-errors", "100%")
    assert sum(line.startswith("error: ") for line in result.stderr.splitlines()) == 20
    assert f"... and 10 more; 30 errors written to {tmp_path / 'out' / 'errors.ndjson'}" in result.stderr
    assert len(_errors(tmp_path / "out")) == 30


def test_zendesk_dump_says_what_it_found_and_what_each_missing_file_costs(tmp_path):
    ticket = {"id": 1, "created_at": "2026-04-01T08:00:00Z", "status": "new", "requester_id": 201}
    (tmp_path / "tickets.ndjson").write_text(json.dumps(ticket) + "\n")
    result = _replay("--source", "zendesk-api", tmp_path, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert f"{tmp_path}: found tickets.ndjson" in lines
    assert f"warning: {tmp_path / 'users.ndjson'} is missing: no user is known to be an agent: " \
           "no reply is counted (replies, reply times)" in lines


def test_help_says_the_exit_codes_and_the_summary_line():
    result = CliRunner().invoke(main, ["replay", "--help"])
    text = " ".join(result.output.split())
    assert "Exit status: 0 exports written (bad records within --max-errors); 1 no export written" in text
    assert "one summary line: events read, applied, records rejected" in text
    assert "--max-errors N|P%" in text and "--strict" in text
