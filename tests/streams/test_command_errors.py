"""Everyday mistakes end a command with one line saying what, where and what to do,
never a traceback (issue 14 item 9)."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from events.log import write_log
from streams.cli import main
from tests.projections.tickets_story import at, created, people

ZENDESK_DUMP = Path(__file__).parents[1] / "fixtures" / "zendesk_api"
DESKSTREAM = Path(sys.executable).parent / "deskstream"


def _deskstream(*args, env=None):
    return CliRunner(env=env).invoke(main, [*map(str, args)])


def _error_line(result) -> str:
    """The one line saying what went wrong; click puts a usage reminder above a usage error's."""
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    return line


@pytest.fixture
def log(tmp_path) -> Path:
    path = tmp_path / "events.ndjson"
    write_log(path, people() + [created(at("03-02 09:00"), ticket_id=1)])
    return path


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: a broker that can't be reached, at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_folder_given_as_an_event_log_asks_for_source_zendesk_api(tmp_path):
    # when
    result = _deskstream("replay", ZENDESK_DUMP, "--out", tmp_path / "out")
    # then
    assert result.exit_code == 2
    assert _error_line(result) == f"Error: Invalid value for LOGS: {ZENDESK_DUMP} is a folder: " \
                                  "did you mean --source zendesk-api?"


def test_folder_given_to_produce_asks_for_source_zendesk_api(closed_port):
    result = _deskstream("produce", ZENDESK_DUMP, "--broker", f"kafka://127.0.0.1:{closed_port}")
    assert result.exit_code == 2
    assert _error_line(result).endswith("is a folder: did you mean --source zendesk-api?")


def test_zendesk_folder_without_tickets_ndjson_is_refused_in_one_line(tmp_path):
    # given a folder with the users but not the tickets
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "users.ndjson").write_bytes((ZENDESK_DUMP / "users.ndjson").read_bytes())
    # when
    result = _deskstream("replay", dump, "--source", "zendesk-api", "--out", tmp_path / "out")
    # then
    assert result.exit_code == 2
    assert _error_line(result) == f"Error: Invalid value for LOGS: {dump} is not a Zendesk API dump: " \
                                  "it has no tickets.ndjson"
    assert not (tmp_path / "out").exists()


def test_zendesk_source_given_a_file_is_refused_in_one_line(tmp_path, log):
    result = _deskstream("replay", log, "--source", "zendesk-api", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert _error_line(result).endswith(f"{log} is not a folder: --source zendesk-api reads a folder of Zendesk API files")


def test_out_under_a_file_is_refused_before_the_replay(tmp_path, log):
    # given
    (tmp_path / "file").write_text("")
    # when
    result = _deskstream("replay", log, "--out", tmp_path / "file" / "out")
    # then
    assert result.exit_code == 2
    assert _error_line(result) == f"Error: Invalid value for '--out': {tmp_path / 'file' / 'out'} can't be made: " \
                                  f"{tmp_path / 'file'} is a file"


def test_out_that_is_dev_null_is_refused(log):
    result = _deskstream("replay", log, "--out", "/dev/null")
    assert result.exit_code == 2
    assert _error_line(result) == "Error: Invalid value for '--out': /dev/null is not a folder"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_out_in_a_folder_that_is_not_writable_is_refused(tmp_path, log):
    # given
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    # when
    result = _deskstream("replay", log, "--out", locked / "out")
    # then
    assert result.exit_code == 2
    assert _error_line(result) == f"Error: Invalid value for '--out': {locked} is not writable: choose a folder of yours"


def test_export_over_a_symbolic_link_fails_in_one_line_and_leaves_its_target(tmp_path, log):
    # given a link where ticket_metrics.ndjson would go
    out, target = tmp_path / "out", tmp_path / "elsewhere.ndjson"
    out.mkdir()
    target.write_text("precious")
    (out / "ticket_metrics.ndjson").symlink_to(target)
    # when
    result = _deskstream("replay", log, "--out", out, "--export", "ticket-metrics")
    # then
    assert result.exit_code == 1
    assert _error_line(result) == (
        f"Error: could not write ticket-metrics into {out}: {out / 'ticket_metrics.ndjson'} is a symbolic link: "
        "an export replaces a file, never a link; remove it"
    )
    assert target.read_text() == "precious"


@pytest.mark.parametrize("name, written", [
    ("errors.ndjson", "{out}/errors.ndjson is a symbolic link: an export replaces a file, never a link; remove it"),
    ("export_audit.ndjson", "could not append to the export audit log {out}/export_audit.ndjson: "
                            "it is a symbolic link; remove it"),
])
def test_errors_or_audit_file_that_is_a_symbolic_link_fails_in_one_line_and_leaves_its_target(
        tmp_path, log, name, written):
    # given a link where the replay's errors or audit file goes, and a log with one bad line
    out, target = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    target.write_text("precious")
    (out / name).symlink_to(target)
    log.write_text("not json\n" + log.read_text())
    # when
    result = _deskstream("replay", log, "--out", out, "--export", "ticket-metrics", "--max-errors", "1")
    # then
    assert result.exit_code == 1
    assert _error_line(result) == "Error: " + written.format(out=out)
    assert target.read_text() == "precious"


@pytest.mark.parametrize("command", [["produce", "LOG"], ["snapshot", "ticket-metrics"], ["worker"]])
def test_kafka_command_without_a_reachable_broker_says_which_in_one_line(tmp_path, log, closed_port, command):
    # given a broker address nothing answers at
    arguments = [str(log) if word == "LOG" else word for word in command]
    env = {**os.environ, "DESKSTREAM_BROKER_URL": f"kafka://127.0.0.1:{closed_port}",
           "DESKSTREAM_DATA_DIR": str(tmp_path / "data")}
    # when (a process of its own: what it leaves unclosed is reported when it exits)
    done = subprocess.run([DESKSTREAM, *arguments], env=env, capture_output=True, text=True, timeout=120)
    # then
    assert done.returncode == 1
    assert done.stderr == f"Error: no Kafka broker reachable at 127.0.0.1:{closed_port}: start one, " \
                          "or give its address with --broker or DESKSTREAM_BROKER_URL\n"


def test_broker_url_that_is_no_address_is_a_usage_error():
    result = _deskstream("snapshot", "ticket-metrics", "--broker", "kafka://127.0.0.1:ninety")
    assert result.exit_code == 2
    assert _error_line(result) == "Error: DESKSTREAM_BROKER_URL: expected kafka://HOST:PORT, several separated by ';', " \
                                  "got 'kafka://127.0.0.1:ninety'"


@pytest.mark.parametrize("command", ["produce", "snapshot", "worker"])
def test_kafka_commands_say_their_exit_codes_in_help(command):
    result = _deskstream(command, "--help")
    assert "Exit status: 0 done; 1 failed" in result.output
    assert "2 usage error" in result.output
