"""Putting an export file in place: inside the export directory, atomically."""
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

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


def write_atomically(export_dir: Path, file_name: str, chunks: Iterable[bytes]) -> Path:
    """Write to a temp file beside the target, fsync, then rename over it.

    A reader sees the old file or the whole new one, never half of it.
    """
    path = export_path(export_dir, file_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{file_name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    return path
