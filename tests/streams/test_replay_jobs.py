"""`deskstream replay --jobs N`: the exports written by several processes are the bytes one
process writes, with the same audit lines, the same error and the same exit status."""
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.generate.log import generate
from events.log import write_log
from streams.audit import AUDIT_FILE
from streams.cli import main
from streams.state_store import LOCK_FILE

ROOT = Path(__file__).parents[2]


def _replay(*args):
    return CliRunner().invoke(main, ["replay", *map(str, args)], catch_exceptions=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.name != AUDIT_FILE}


def _audit(out: Path) -> list[dict]:
    """The audit lines, less when each was written and the folder of the file written."""
    lines = [json.loads(line) for line in (out / AUDIT_FILE).read_text().splitlines()]
    return [{**line, "at": None, "path": line["path"] and Path(line["path"]).name} for line in lines]


@pytest.fixture
def generated_log(tmp_path) -> Path:
    path = tmp_path / "generated.ndjson"
    write_log(path, list(generate(60, 40, seed=11)))
    return path


@pytest.mark.parametrize("log", ["example", "generated"])
def test_jobs_2_writes_the_bytes_jobs_1_writes(log, generated_log, tmp_path):
    # given the example log, or a generated one with tickets and conversations
    path = ROOT / "examples" / "events.ndjson" if log == "example" else generated_log
    # when
    one = _replay(path, "--out", tmp_path / "one", "--jobs", 1)
    two = _replay(path, "--out", tmp_path / "two", "--jobs", 2)
    # then every file, zipped ones included, and every line said are the same
    assert one.exit_code == two.exit_code == 0, one.output + two.output
    assert len(_files(tmp_path / "one")) == 17
    assert _files(tmp_path / "two") == _files(tmp_path / "one")
    assert two.stdout == one.stdout.replace(str(tmp_path / "one"), str(tmp_path / "two"))
    assert two.stderr == one.stderr
    assert _audit(tmp_path / "two") == _audit(tmp_path / "one")


def test_jobs_more_than_the_exports_writes_each_export_once(tmp_path):
    # when
    result = _replay(ROOT / "examples" / "events.ndjson", "--out", tmp_path, "--jobs", 4,
                     "--export", "ticket-metrics", "--export", "hootdesk-teams")
    # then
    assert result.exit_code == 0, result.output
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == [
        str(tmp_path / "ticket_metrics.ndjson"), str(tmp_path / "hootdesk_teams.csv")]
    assert [line["export"] for line in _audit(tmp_path)] == ["ticket-metrics", "hootdesk-teams"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_failing_export_in_a_worker_fails_the_command_as_in_one_process(jobs, tmp_path):
    # given a symbolic link where the ticket metrics export goes
    out = tmp_path / "out"
    out.mkdir()
    (out / "ticket_metrics.ndjson").symlink_to(tmp_path / "elsewhere")
    # when
    result = _replay(ROOT / "examples" / "events.ndjson", "--out", out, "--jobs", jobs)
    # then the same one line, status and audit line as with one process
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"Error: could not write ticket-metrics into {out}: {out.resolve() / 'ticket_metrics.ndjson'} is a "
        "symbolic link: an export replaces a file, never a link; remove it")
    assert result.stdout == ""
    failed = [line for line in _audit(out) if line["outcome"] != "ok"]
    assert [(line["export"], line["outcome"]) for line in failed] == [("ticket-metrics", "failed")]
    assert not (tmp_path / "elsewhere").exists()


def test_jobs_must_be_at_least_1(tmp_path):
    # when
    result = _replay(ROOT / "examples" / "events.ndjson", "--out", tmp_path, "--jobs", 0)
    # then
    assert result.exit_code == 2
    assert "Invalid value for '--jobs'" in result.stderr


def test_jobs_is_in_the_help():
    # when
    result = CliRunner().invoke(main, ["replay", "--help"])
    # then
    assert "--jobs N" in result.stdout
    assert "the number of cores" in result.stdout


def test_sigterm_stops_the_export_workers_and_leaves_no_temp_file(tmp_path):
    # given a replay writing its exports with a worker process
    log = tmp_path / "events.ndjson"
    write_log(log, list(generate(3000, 0, seed=5)))
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from streams.cli import main; main()",
               "replay", str(log), "--out", str(out), "--jobs", "2"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as replay:
        children = Path(f"/proc/{replay.pid}/task/{replay.pid}/children")
        while not (workers := children.read_text().split()):
            assert replay.poll() is None, replay.stderr.read()  # still at it
            time.sleep(0.01)
        # when
        replay.send_signal(signal.SIGTERM)
        said = replay.communicate(timeout=30)[1].decode()
    # then it stops as it does alone: status 143, no temp file, and no worker left
    assert replay.returncode == 143, said
    assert list(out.glob("*.tmp")) == []
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


# A replay whose export processes sort their rows on disk (a budget of one row in memory);
# with HELD set, each stops as it starts reading its rows back (its folder and its temp file
# made) and says so with a file named by its pid in HELD, until it is stopped.
SORTING_ON_DISK = """
import os, time
import streams.replay as replay, streams.sorted_rows_store as rows
replay.fold.__defaults__ = (replay.MemoryBudget(kept_rows=1), None)
read_back = rows.SortedRowsStore._read_back
def held(store):
    open(os.path.join(os.environ["HELD"], str(os.getpid())), "w").close()
    time.sleep(3600)
    yield from read_back(store)
if "HELD" in os.environ:
    rows.SortedRowsStore._read_back = held
from streams.cli import main
main()
"""


def _sorting_on_disk(tmp_path: Path, *exports: str, jobs: int = 2) -> tuple[list[str], dict, Path, Path]:
    """The command of such a replay of 5,000 conversations, its environment (TMPDIR and
    HELD folders of the test's), and those two folders."""
    log = tmp_path / "events.ndjson"
    if not log.exists():
        write_log(log, list(generate(100, 5000, seed=5)))
    temporary, held = tmp_path / "temporary", tmp_path / "held"
    temporary.mkdir(exist_ok=True)
    held.mkdir(exist_ok=True)
    command = [sys.executable, "-c", SORTING_ON_DISK, "replay", str(log), "--out", str(tmp_path / "out"),
               "--jobs", str(jobs), *(arg for export in exports for arg in ("--export", export))]
    return command, {**os.environ, "TMPDIR": str(temporary), "HELD": str(held)}, temporary, held


@contextmanager
def _stopped_at_the_end(replay: subprocess.Popen) -> Iterator[subprocess.Popen]:
    """The replay, killed if a check fails while it is held (else it would wait an hour)."""
    with replay:
        try:
            yield replay
        finally:
            if replay.poll() is None:
                replay.kill()


def _until(condition, what: str, replay: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert replay.poll() is None, replay.stderr.read()  # still at it
        assert time.monotonic() < deadline, f"no {what} after {seconds} s"
        time.sleep(0.01)


def test_sigterm_removes_the_rows_export_workers_sorted_on_disk(tmp_path):
    # given a replay whose two processes each write an export that sorts its rows on disk
    command, environment, temporary, held = _sorting_on_disk(tmp_path, "hootdesk-messages", "hootdesk-contacts")
    with _stopped_at_the_end(subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE)) as replay:
        _until(lambda: len(list(held.iterdir())) == 2, "two exports sorting on disk", replay)
        assert len(list((tmp_path / "out").glob(".deskstream-*.tmp"))) == 2
        # when both sort their rows
        replay.send_signal(signal.SIGTERM)
        said = replay.communicate(timeout=30)[1].decode()
    # then it stops, and neither process leaves its rows in the temporary folder
    assert replay.returncode == 143, said
    assert list(temporary.iterdir()) == []


def test_the_folders_of_a_replay_killed_are_removed_by_the_next_replay(tmp_path):
    # given a replay killed (SIGKILL, its export processes too) while two of them sort
    # their rows on disk: nothing runs in a killed process, so its folders stay
    command, environment, temporary, held = _sorting_on_disk(tmp_path, "hootdesk-messages", "hootdesk-contacts")
    with _stopped_at_the_end(subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE, start_new_session=True)) as replay:
        _until(lambda: len(list(held.iterdir())) == 2, "two exports sorting on disk", replay)
        os.killpg(replay.pid, signal.SIGKILL)
    left = list(temporary.glob("deskstream-replay-*"))
    deadline = time.monotonic() + 60
    while not all(_unlocked(folder) for folder in left):  # the killed processes' locks dropped
        assert time.monotonic() < deadline, "the killed replay's processes still hold their folders"
        time.sleep(0.01)
    # when the next replay sorts rows on disk in the same temporary folder
    command, environment, _, _ = _sorting_on_disk(tmp_path, "hootdesk-contacts", jobs=1)
    del environment["HELD"]
    done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, timeout=300)
    # then the killed replay's folders are gone, and so is its own
    assert done.returncode == 0, done.stderr.decode()
    assert len(left) == 2 and list(temporary.iterdir()) == []


def _unlocked(folder: Path) -> bool:
    handle = os.open(folder / LOCK_FILE, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(handle)
