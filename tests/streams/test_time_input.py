"""Times given to deskstream mean one thing whatever their form: bare dates in either of
ISO 8601's forms, the account's time zone from DESKSTREAM_TIME_ZONE in every command, and
a range that must hold some time (issue 14 item 14)."""
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from multidict import MultiDict

from events.log import write_log
from streams.cli import main
from streams.commands.params import parse_instant
from streams.commands.snapshot import snapshot
from streams.web import snapshot_request
from tests.projections.tickets_story import ANA, at, comment, created, people, status

PARIS = ZoneInfo("Europe/Paris")
STORY = people() + [
    created(at("03-02 09:00"), ticket_id=1),
    comment(at("03-02 10:30"), ANA, ticket_id=1),
    status(at("03-02 11:00"), "solved", ticket_id=1),
    created(at("03-03 09:00"), ticket_id=2),
]


@pytest.mark.parametrize("basic, extended", [("20260303", "2026-03-03"), ("2026W102", "2026-03-03")])
@pytest.mark.parametrize("end_of_day", [False, True])
def test_bare_date_means_the_same_day_in_every_iso_form(basic, extended, end_of_day):
    assert parse_instant(basic, "Europe/Paris", end_of_day) == parse_instant(extended, "Europe/Paris", end_of_day)


def test_bare_date_as_range_end_is_the_end_of_that_day_in_basic_form_too():
    assert parse_instant("20260303", "Europe/Paris", end_of_day=True) == datetime(2026, 3, 4, tzinfo=PARIS)


def test_date_time_in_basic_form_is_still_read_as_that_time():
    assert parse_instant("20260303T0930", "Europe/Paris", end_of_day=True) == datetime(2026, 3, 3, 9, 30, tzinfo=PARIS)


def _ticket_metrics(folder, *options, env=None) -> Path:
    """The ticket-metrics export of a replay of STORY in `folder`."""
    folder.mkdir(exist_ok=True)
    log, out = folder / "events.ndjson", folder / "out"
    write_log(log, STORY)
    result = CliRunner(env=env).invoke(
        main, ["replay", str(log), "--out", str(out), "--export", "ticket-metrics", *options])
    assert result.exit_code == 0, result.output
    return out / "ticket_metrics.ndjson"


def _ticket_ids(folder, *options, env=None) -> list[int]:
    return [json.loads(line)["ticket_id"] for line in _ticket_metrics(folder, *options, env=env).read_text().splitlines()]


@pytest.mark.parametrize("day", ["2026-03-02", "20260302"])
def test_range_to_a_bare_date_takes_that_whole_day_in_either_form(tmp_path, day):
    # ticket 1 last changed 03-02 11:00, ticket 2 on 03-03
    assert _ticket_ids(tmp_path, "--from", "2026-03-02", "--to", day) == [1]


def test_range_to_a_bare_date_is_read_in_deskstream_time_zone(tmp_path):
    # given the account in Tokyo, where ticket 2 (03-03 09:00 UTC) was created at 18:00 on 03-03
    env = {"DESKSTREAM_TIME_ZONE": "Asia/Tokyo"}
    # when / then: 03-03 in Tokyo ends at 03-03 15:00 UTC
    assert _ticket_ids(tmp_path, "--from", "20260303", "--to", "20260303", env=env) == [2]


@pytest.mark.parametrize("start, end", [("2026-03-05", "2026-03-03"), ("2026-03-03T10:00", "2026-03-03T10:00")])
def test_range_that_is_reversed_or_empty_is_a_usage_error(tmp_path, start, end):
    # given
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    # when
    result = CliRunner().invoke(main, ["replay", str(log), "--out", str(tmp_path / "out"), "--from", start, "--to", end])
    # then
    assert result.exit_code == 2
    assert f"Error: --from/--to: the range is empty: from {parse_instant(start, 'UTC').isoformat()} is not before" \
        in result.output
    assert not (tmp_path / "out").exists()


def test_range_that_is_reversed_is_refused_by_snapshot_before_asking_the_broker():
    result = CliRunner().invoke(main, ["snapshot", "ticket-metrics", "--from", "2026-03-05", "--to", "20260303",
                                       "--broker", "kafka://127.0.0.1:1"])
    assert result.exit_code == 2
    assert "Error: --from/--to: the range is empty: from 2026-03-05T00:00:00+00:00 is not before " \
           "to 2026-03-04T00:00:00+00:00" in result.output


def test_range_that_is_reversed_is_refused_by_the_http_endpoint():
    with pytest.raises(ValueError, match="the range is empty"):
        snapshot_request("zendesk-csv", MultiDict({"from": "2026-03-05", "to": "2026-03-03"}))


def test_account_time_zone_is_read_from_deskstream_time_zone_by_snapshot(monkeypatch):
    # given
    monkeypatch.setenv("DESKSTREAM_TIME_ZONE", "Europe/Paris")
    # when the command line is read
    context = snapshot.make_context("snapshot", ["ticket-metrics"])
    # then
    assert context.params["time_zone"] == "Europe/Paris"


def test_ticket_metrics_keep_utc_whatever_the_time_zone_as_help_says(tmp_path):
    # when
    utc = _ticket_metrics(tmp_path / "utc", "--timezone", "UTC")
    paris = _ticket_metrics(tmp_path / "paris", "--timezone", "Europe/Paris")
    # then
    assert paris.read_bytes() == utc.read_bytes()
    assert '"solved_at":"2026-03-02T11:00:00Z"' in paris.read_text()
    for command in ("replay", "snapshot"):
        help_text = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
        assert "ticket-metrics and zendesk-json keep UTC" in help_text
