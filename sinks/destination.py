"""Putting an export file in place: inside the export directory, atomically."""
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class UnsafeExportName(ValueError):
    """An export file name that could leave the export directory."""


def export_path(export_dir: Path, file_name: str) -> Path:
    """The file's path in `export_dir`; a name with a separator or '..' is refused."""
    if not SAFE_NAME.fullmatch(file_name) or ".." in file_name:
        raise UnsafeExportName(
            f"export file name must be letters, digits, '.', '_' or '-', got {file_name!r}"
        )
    root = Path(export_dir).resolve()
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
    """
    path = export_path(export_dir, file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{file_name}.{secrets.token_hex(8)}.tmp")
    handle = os.open(temp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w+b") as out:
            yield path, out
            out.flush()
            os.fsync(out.fileno())
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
