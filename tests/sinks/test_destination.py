import os

import pytest

from sinks.destination import UnsafeExportName, export_path, write_atomically


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
