import os
import subprocess
import sys

import pytest

from sinks.destination import UnsafeExportName, atomic_file, export_path, write_atomically


@pytest.mark.parametrize("name", ["../escape.csv", "/etc/passwd", "a/b.csv", "..", ".hidden", "", "x\x00.csv"])
def test_export_names_cannot_leave_the_export_directory(tmp_path, name):
    with pytest.raises(UnsafeExportName):
        export_path(tmp_path, name)


def test_write_atomically_replaces_the_file_whole(tmp_path):
    # given an earlier export
    (tmp_path / "report.csv").write_bytes(b"old")
    # when
    path = write_atomically(tmp_path, "report.csv", [b"new ", b"content"])
    # then
    assert path.read_bytes() == b"new content"
    assert os.listdir(tmp_path) == ["report.csv"]  # no temp file left behind


def test_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    (tmp_path / "report.csv").write_bytes(b"old")

    def chunks():
        yield b"half"
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path, "report.csv", chunks())
    assert (tmp_path / "report.csv").read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["report.csv"]


def test_export_directory_is_created(tmp_path):
    path = write_atomically(tmp_path / "nested" / "exports", "a.csv", [b"x"])
    assert path.read_bytes() == b"x"


@pytest.fixture
def umask():
    """Run with a umask of the test's choosing; the process's own is restored after."""
    previous = os.umask(0o022)
    yield os.umask
    os.umask(previous)


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_export_files_are_readable_as_the_umask_says(tmp_path, umask, mask, mode):
    # given
    umask(mask)
    # when
    path = write_atomically(tmp_path, "report.csv", [b"x"])
    # then
    assert path.stat().st_mode & 0o777 == mode


def test_export_rewritten_over_a_0644_file_stays_0644(tmp_path, umask):
    # given a first export, readable by all as a umask of 022 says (issue 14 item 13:
    # a re-run used to turn it into 0600)
    umask(0o022)
    path = write_atomically(tmp_path, "report.csv", [b"first"])
    assert path.stat().st_mode & 0o777 == 0o644
    # when the export is written again
    write_atomically(tmp_path, "report.csv", [b"second"])
    # then
    assert (path.read_bytes(), path.stat().st_mode & 0o777) == (b"second", 0o644)


def test_export_path_that_is_a_symbolic_link_is_refused_in_one_line(tmp_path):
    # given a link where the export would go, to a file outside the export directory
    outside = tmp_path / "outside.csv"
    outside.write_bytes(b"precious")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "report.csv").symlink_to(outside)
    # when / then
    with pytest.raises(UnsafeExportName, match=r"report\.csv is a symbolic link: .* remove it$"):
        write_atomically(tmp_path / "exports", "report.csv", [b"x"])
    assert outside.read_bytes() == b"precious"


def _stale_temp_file(folder, target="report.csv"):
    """A temp file as a run killed mid-write leaves it: our naming, no one holding it."""
    temp = folder / f".deskstream-0123456789abcdef-{target}.tmp"
    temp.write_bytes(b"half an export")
    return temp


def test_stale_temp_files_of_our_naming_are_swept_when_writing_to_their_folder(tmp_path):
    # given what a killed run left, and another export's file
    _stale_temp_file(tmp_path, "old.csv")
    (tmp_path / "other.csv").write_bytes(b"kept")
    # when
    write_atomically(tmp_path, "report.csv", [b"x"])
    # then
    assert sorted(os.listdir(tmp_path)) == ["other.csv", "report.csv"]


def test_temp_files_not_of_our_naming_are_left_alone(tmp_path):
    # given hidden temp files of other programs, and of an older naming
    foreign = [".report.csv.swp", ".notes.tmp", ".report.csv.0123456789abcdef.tmp", ".deskstream-xyz-a.csv.tmp"]
    for name in foreign:
        (tmp_path / name).write_bytes(b"not ours")
    # when
    write_atomically(tmp_path, "report.csv", [b"x"])
    # then
    assert sorted(os.listdir(tmp_path)) == sorted(foreign + ["report.csv"])


def test_temp_file_being_written_by_a_live_run_is_not_swept(tmp_path):
    # given another run writing report.csv into the same folder
    with atomic_file(tmp_path, "report.csv") as (_, out):
        out.write(b"half")
        (temp,) = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
        # when this run writes its own export there
        write_atomically(tmp_path, "other.csv", [b"x"])
        # then the other run's temp file is still there, and its export completes
        assert temp in os.listdir(tmp_path)
        out.write(b" and the rest")
    assert sorted(os.listdir(tmp_path)) == ["other.csv", "report.csv"]
    assert (tmp_path / "report.csv").read_bytes() == b"half and the rest"


# Writes report.csv into the folder given, and stops half-way until it is killed.
BLOCKED_WRITER = """
import sys, time
from pathlib import Path
from sinks.destination import write_atomically

def chunks():
    yield b"half"
    print("writing", flush=True)
    time.sleep(60)
    yield b"never"

write_atomically(Path(sys.argv[1]), "report.csv", chunks())
"""


def test_temp_file_of_a_run_killed_by_sigkill_is_swept_by_the_next_run(tmp_path):
    # given a process killed while it writes an export (the kernel drops its lock)
    with subprocess.Popen([sys.executable, "-c", BLOCKED_WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                          text=True) as writer:
        assert writer.stdout.readline() == "writing\n"
        writer.kill()
    assert len([name for name in os.listdir(tmp_path) if name.endswith(".tmp")]) == 1
    # when the next run writes into the folder
    write_atomically(tmp_path, "report.csv", [b"whole"])
    # then
    assert os.listdir(tmp_path) == ["report.csv"]



def test_temp_file_written_to_the_end_is_not_swept_before_its_rename(tmp_path, monkeypatch):
    # given another writer of the same folder that sweeps it (`replay --jobs 2` writes
    # exports side by side) just as this one's temp file is complete
    from sinks import destination

    real_replace = os.replace

    def replace_after_a_sweep(source, target):
        destination.sweep_stale_temp_files(tmp_path)
        real_replace(source, target)

    monkeypatch.setattr(destination.os, "replace", replace_after_a_sweep)
    # when
    path = write_atomically(tmp_path, "report.csv", [b"whole"])
    # then
    assert path.read_bytes() == b"whole"
    assert os.listdir(tmp_path) == ["report.csv"]
