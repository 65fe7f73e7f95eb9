"""The account's time zone is DESKSTREAM_TIME_ZONE: the default of every export request's
time zone, in replay, snapshot and the worker's HTTP endpoint alike."""
import csv
import io
import zipfile

from click.testing import CliRunner
from multidict import MultiDict

from events.log import write_log
from streams.cli import main
from streams.web import snapshot_request
from tests.projections.tickets_story import at, created, people

STORY = people() + [created(at("03-02 09:00"), ticket_id=1)]


def _created_at(tmp_path, *options, env=None) -> str:
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    out = tmp_path / "out"
    arguments = ["replay", str(log), "--out", str(out), "--export", "zendesk-csv", *options]
    result = CliRunner(env=env).invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (package,) = out.glob("*.zip")  # the CSV comes in a .zip, alone
    with zipfile.ZipFile(package) as archive:
        (entry,) = archive.infolist()
        text = archive.read(entry).decode("utf-8")
    return next(csv.DictReader(io.StringIO(text, newline="")))["Created at"]


def test_account_time_zone_defaults_to_utc(tmp_path):
    assert _created_at(tmp_path, env={"DESKSTREAM_TIME_ZONE": None}) == "2026-03-02T09:00:00+00:00"


def test_account_time_zone_is_read_from_deskstream_time_zone_by_replay(tmp_path):
    assert _created_at(tmp_path, env={"DESKSTREAM_TIME_ZONE": "Europe/Paris"}) == "2026-03-02T10:00:00+01:00"


def test_account_time_zone_gives_way_to_an_explicit_timezone_option(tmp_path):
    created_at = _created_at(tmp_path, "--timezone", "Asia/Tokyo", env={"DESKSTREAM_TIME_ZONE": "Europe/Paris"})
    assert created_at == "2026-03-02T18:00:00+09:00"


def test_account_time_zone_that_is_not_iana_is_refused_in_one_line(tmp_path):
    # given
    log = tmp_path / "events.ndjson"
    write_log(log, STORY)
    # when
    result = CliRunner(env={"DESKSTREAM_TIME_ZONE": "Mars/Olympus"}).invoke(
        main, ["replay", str(log), "--out", str(tmp_path / "out")])
    # then
    assert result.exit_code == 2
    assert "expected an IANA time zone such as 'Europe/Paris', got 'Mars/Olympus' (from DESKSTREAM_TIME_ZONE)" \
        in result.output


def test_account_time_zone_is_the_http_default_and_a_timezone_parameter_overrides_it():
    # given the query of POST /exports/zendesk-csv, without and with ?timezone=UTC
    without, explicit = MultiDict(), MultiDict(timezone="UTC")
    # when / then
    assert snapshot_request("zendesk-csv", without, "Europe/Paris").request.time_zone == "Europe/Paris"
    assert snapshot_request("zendesk-csv", explicit, "Europe/Paris").request.time_zone == "UTC"
