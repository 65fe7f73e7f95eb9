"""Putting an export file in place: inside the export directory, atomically."""
import fcntl
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# Our temp files, named so that a sweep can't mistake anyone else's file for one:
# ".deskstream-<16 hex>-<target name>.tmp".
TEMP_NAME = re.compile(r"\.deskstream-[0-9a-f]{16}-[A-Za-z0-9][A-Za-z0-9._-]*\.tmp")


class UnsafeExportName(ValueError):
    """An export file name that could leave the export directory."""


def export_path(export_dir: Path, file_name: str) -> Path:
    """The file's path in `export_dir`; a name with a separator or '..', or one that
    is a symbolic link there, is refused."""
    if not SAFE_NAME.fullmatch(file_name) or ".." in file_name:
        raise UnsafeExportName(
            f"export file name must be letters, digits, '.', '_' or '-', got {file_name!r}"
        )
    root = Path(export_dir).resolve()
    if (root / file_name).is_symlink():
        raise UnsafeExportName(
            f"{root / file_name} is a symbolic link: an export replaces a file, never a link; remove it"
        )
    path = (root / file_name).resolve()
    if path.parent != root:
        raise UnsafeExportName(f"export file name {file_name!r} leaves {root}")
    return path


@contextmanager
def atomic_file(export_dir: Path, file_name: str) -> Iterator[tuple[Path, BinaryIO]]:
    """A temp file beside the target to write into; on success it is fsynced and
    renamed over the target, on failure removed.

    A reader sees the old file or the whole new one, never half of it. The temp file is
    created with mode 0666, which the kernel narrows by the user's umask, as for any
    file a program writes (mkstemp's 0600 would hide exports from the user's group).
    Temp files a killed run left in the directory are removed first.
    """
    path = export_path(export_dir, file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale_temp_files(path.parent)
    temp, handle = _locked_temp_file(path)
    try:
        with os.fdopen(handle, "w+b") as out:
            yield path, out
            out.flush()
            os.fsync(out.fileno())
            # Renamed while open, so still locked: closed first, another writer's sweep
            # could take it for a killed run's and remove it.
            os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def write_atomically(export_dir: Path, file_name: str, chunks: Iterable[bytes]) -> Path:
    """Write `chunks` to `file_name` in `export_dir` atomically (see `atomic_file`)."""
    with atomic_file(export_dir, file_name) as (path, out):
        for chunk in chunks:
            out.write(chunk)
    return path


def _locked_temp_file(path: Path) -> tuple[Path, int]:
    """A new temp file for `path`, locked while it is open: the lock tells a sweep that
    someone is writing it, and the kernel drops it when its writer dies, even by SIGKILL."""
    while True:
        temp = path.with_name(f".deskstream-{secrets.token_hex(8)}-{path.name}.tmp")
        handle = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        fcntl.flock(handle, fcntl.LOCK_EX)
        if os.fstat(handle).st_nlink:
            return temp, handle
        os.close(handle)  # swept between its creation and its lock: take another name


def sweep_stale_temp_files(folder: Path) -> None:
    """Remove the temp files of our naming in `folder` that no one is writing (their
    writer was killed before it could clean up); nothing else is touched."""
    for name in os.listdir(folder):
        if not TEMP_NAME.fullmatch(name):
            continue
        try:
            handle = os.open(folder / name, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # removed meanwhile, or a link: not ours to follow
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            (folder / name).unlink(missing_ok=True)
        except BlockingIOError:
            pass  # being written by a live run
        finally:
            os.close(handle)
