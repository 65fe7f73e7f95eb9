"""An export is rows and COLUMNS; rendering joins it to its format and destination."""
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import msgspec

from projections.state import ProjectionState
from sinks.destination import write_atomically
from events.commands import ExportRequest

Column = tuple[str, Callable[[Any], object]]


class Format(Protocol):
    extension: str

    def chunks(self, headers, rows) -> Iterator[bytes]: ...


class Export(Protocol):
    """One export type: its name, file, format, columns and row selection."""

    name: str
    help: str
    format: Format
    columns: tuple[Column, ...]

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[Any]: ...

    def file_name(self, request: ExportRequest) -> str: ...


class ExportResult(msgspec.Struct, frozen=True):
    export: str
    path: str
    rows: int
    sha256: str


def write_export(export: Export, state: ProjectionState, request: ExportRequest, export_dir: Path) -> ExportResult:
    """Write one export file atomically and say where, how many rows, and its checksum."""
    headers = [header for header, _ in export.columns]
    getters = [getter for _, getter in export.columns]
    count = 0
    digest = hashlib.sha256()

    def values() -> Iterator[list]:
        nonlocal count
        for row in export.rows(state, request):
            count += 1
            yield [getter(row) for getter in getters]

    def hashed(chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            digest.update(chunk)
            yield chunk

    chunks = hashed(export.format.chunks(headers, values()))
    path = write_atomically(export_dir, export.file_name(request), chunks)
    return ExportResult(export.name, str(path), count, digest.hexdigest())
