"""Replay's access check and audit log: one line per export asked for, whatever came of it."""
import hashlib
import json
import os
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from events.commands import ExportRequest
from events.log import write_log
from projections.state import ProjectionState
from sinks.access import AccessPolicy
from streams.audit import AUDIT_FILE, ExportFailed, write_audited
from streams.cli import main
from tests.projections.tickets_story import ADMIN_EMAIL, AGENT_EMAIL, admin_and_agent, at, created, people

ADMIN, AGENT = ADMIN_EMAIL, AGENT_EMAIL
STORY = people() + admin_and_agent() + [
    created(at("03-02 09:00"), ticket_id=1),
    created(at("03-03 09:00"), ticket_id=2),
]
CHECKS_ON = {"DESKSTREAM_REPLAY_CHECKS_ACCESS": "true"}


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "events.ndjson"
    write_log(path, STORY)
    return path


def _replay(*args, env=None):
    return CliRunner().invoke(main, ["replay", *map(str, args)], env=env, catch_exceptions=False)


def _audit(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / AUDIT_FILE).read_text().splitlines()]


def test_audit_refused_request_writes_no_export_and_one_audit_line(tmp_path, log):
    # when an agent asks
    result = _replay(log, "--out", tmp_path / "out", "--export", "zendesk-csv", "--as", AGENT, env=CHECKS_ON)
    # then
    assert result.exit_code == 1
    assert result.output.endswith("Error: zendesk-csv: 'ana@nimbus.example' is agent, not admin; "
                                  "only administrators may export\n")  # after the summary line
    assert os.listdir(tmp_path / "out") == [AUDIT_FILE]
    (line,) = _audit(tmp_path / "out")
    assert (line["export"], line["requester"], line["outcome"]) == ("zendesk-csv", AGENT, "refused")
    assert line["reason"].endswith("only administrators may export")
    assert (line["rows"], line["sha256"], line["path"]) == (None, None, None)


def test_audit_accepted_request_has_rows_checksum_and_path(tmp_path, log):
    # when
    result = _replay(log, "--out", tmp_path / "out", "--export", "zendesk-csv", "--as", ADMIN, env=CHECKS_ON)
    # then
    assert result.exit_code == 0, result.output
    (line,) = _audit(tmp_path / "out")
    package = Path(line["path"])
    assert result.stdout == f"{package}\t2 rows\n"
    assert (line["outcome"], line["requester"], line["rows"]) == ("ok", ADMIN, 2)
    assert line["sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()
    assert zipfile.ZipFile(package).namelist()[0].startswith("export_2026_03_03_")
    assert line["request"]["export"] == "zendesk-csv" and line["request"]["time_zone"] == "UTC"


def test_audit_log_is_appended_never_rewritten(tmp_path, log):
    # when: two replays into one folder, the second refused
    _replay(log, "--out", tmp_path / "out", "--export", "ticket-metrics")
    _replay(log, "--out", tmp_path / "out", "--export", "zendesk-csv", "--as", AGENT, env=CHECKS_ON)
    # then
    assert [line["outcome"] for line in _audit(tmp_path / "out")] == ["ok", "refused"]


def test_replay_needs_as_when_the_settings_ask_for_access_checks(tmp_path, log):
    result = _replay(log, "--out", tmp_path / "out", env=CHECKS_ON)
    assert result.exit_code == 2
    assert "Error: Missing option '--as': DESKSTREAM_REPLAY_CHECKS_ACCESS=true asks who exports." in result.output
    assert not (tmp_path / "out").exists()


def test_replay_checks_no_access_unless_the_settings_ask(tmp_path, log):
    # when an agent asks, with the default settings
    result = _replay(log, "--out", tmp_path / "out", "--export", "zendesk-csv", "--as", AGENT)
    # then: written, and the audit line still says who asked
    assert result.exit_code == 0, result.output
    assert [(line["outcome"], line["requester"]) for line in _audit(tmp_path / "out")] == [("ok", AGENT)]


def test_audit_one_refusal_among_several_exports_writes_none(tmp_path, log):
    # given checks on and an agent asking for an open export and a restricted one
    result = _replay(log, "--out", tmp_path / "out", "--export", "ticket-metrics", "--export", "zendesk-csv",
                     "--as", AGENT, env=CHECKS_ON)
    # then
    assert result.exit_code == 1
    assert os.listdir(tmp_path / "out") == [AUDIT_FILE]
    assert [line["outcome"] for line in _audit(tmp_path / "out")] == ["refused"]


def test_audit_line_time_is_the_clock_time_and_a_failure_is_recorded(tmp_path):
    # given an export folder that is a file, so nothing can be written in it
    out = tmp_path / "out"
    state = ProjectionState()
    state.fold(STORY)
    clock = lambda: datetime(2026, 3, 9, 12, 0, tzinfo=UTC)  # noqa: E731
    write_audited(state, ["ticket-metrics"], ExportRequest(export=""), out, AccessPolicy(), clock)
    (out / "ticket_metrics.ndjson").unlink()
    (out / "ticket_metrics.ndjson").mkdir()  # a folder where the file must go
    # when
    with pytest.raises(ExportFailed, match="could not write ticket-metrics into"):
        write_audited(state, ["ticket-metrics"], ExportRequest(export=""), out, AccessPolicy(), clock)
    # then
    first, second = _audit(out)
    assert first["at"] == second["at"] == "2026-03-09T12:00:00Z"
    assert (first["outcome"], second["outcome"]) == ("ok", "failed")
    assert "Is a directory" in second["reason"]
