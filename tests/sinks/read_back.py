"""Reading an export back as a user gets it: the file written, or the one file in its .zip."""
import zipfile
from pathlib import Path

from sinks.export import ExportResult


def export_bytes(result: ExportResult) -> bytes:
    path = Path(result.path)
    if path.suffix != ".zip":
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        (entry,) = archive.infolist()
        return archive.read(entry)
