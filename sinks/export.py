"""An export is rows and COLUMNS, rows of cells under HEADERS, or nested records;
rendering joins it to its format and destination."""
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

import msgspec

from projections.state import ProjectionState
from sinks.packaging import deliver
from events.commands import ExportRequest

Column = tuple[str, Callable[[Any], object]]


class Format(Protocol):
    extension: str

    def chunks(self, headers, rows) -> Iterator[bytes]: ...


class RecordFormat(Protocol):
    """A format for nested records (NDJSON lines, an XML document): it serialises each
    record whole, so it needs no headers."""

    extension: str

    def record_chunks(self, records) -> Iterator[bytes]: ...


class Export(Protocol):
    """One export type: its name, file, format, columns and row selection."""

    name: str
    help: str
    format: Format
    columns: tuple[Column, ...]

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[Any]: ...

    def file_name(self, request: ExportRequest) -> str: ...  # a plain file's; not if packaged

    # Optional class attributes, False when absent (the Zendesk account exports set both):
    #   packaged = True     delivered as a .zip named by the spec's rule (sinks/packaging.py),
    #                       so it has no file_name()
    #   admins_only = True  only administrators may take it (sinks/access.py)


class CellExport(Protocol):
    """An export of many columns that builds each row's cells itself, in one call per row
    (a call per cell would cost more than writing the cell): `rows` yields the cells in
    the order of `headers`. The optional attributes of `Export` apply too."""

    name: str
    help: str
    format: Format
    headers: tuple[str, ...]

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[Iterable[object]]: ...

    def file_name(self, request: ExportRequest) -> str: ...  # a plain file's; not if packaged


class RecordExport(Protocol):
    """An export whose items nest (a ticket with its comments): no columns, `records`
    yields what its format serialises, and each record counts as a row. The optional
    attributes of `Export` apply too."""

    name: str
    help: str
    format: RecordFormat

    def records(self, state: ProjectionState, request: ExportRequest) -> Iterator[Any]: ...

    def file_name(self, request: ExportRequest) -> str: ...  # a plain file's; not if packaged


class ExportResult(msgspec.Struct, frozen=True):
    export: str
    path: str
    rows: int
    sha256: str


def write_export(
    export: Export | CellExport | RecordExport, state: ProjectionState, request: ExportRequest, export_dir: Path
) -> ExportResult:
    """Write one export file atomically and say where, how many rows, and its checksum."""
    count = 0

    def counted(items: Iterator[Any]) -> Iterator[Any]:
        nonlocal count
        for item in items:
            count += 1
            yield item

    if hasattr(export, "records"):
        chunks = export.format.record_chunks(counted(export.records(state, request)))
    elif hasattr(export, "headers"):
        chunks = export.format.chunks(export.headers, counted(export.rows(state, request)))
    else:
        headers = [header for header, _ in export.columns]
        getters = [getter for _, getter in export.columns]
        rows = counted(export.rows(state, request))
        chunks = export.format.chunks(headers, ([getter(row) for getter in getters] for row in rows))
    path, sha256 = deliver(export, request, export_dir, chunks)
    return ExportResult(export.name, str(path), count, sha256)
