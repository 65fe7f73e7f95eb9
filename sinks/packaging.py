"""Delivering an export: a plain file, or, for the Zendesk account exports, a .zip.

Spec §4.3: the files are named `export_YYYY_MM_DD_<uniqueID>_<n>` and delivered in a
.zip, n counting the files from 1. Everything in a name comes from the request, so the
same request over the same data gives the same bytes from `deskstream replay` and from
the worker (docs/decisions.md, "Export packaging, access and audit").
"""
import hashlib
import queue
import stat
import threading
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

import msgspec

from events.commands import ExportRequest
from sinks.destination import atomic_file, write_atomically

# A zip entry's time is a local date-time between these two.
ZIP_EPOCH = datetime(1980, 1, 1)
ZIP_END = datetime(2107, 12, 31, 23, 59, 58)
ENTRY_MODE = stat.S_IFREG | 0o644  # -rw-r--r--, whoever wrote the zip
UNIX = 3  # the zip "made by" system whose permission bits ENTRY_MODE is
ID_DIGITS = 16  # hex: 64 bits
# What the thread that deflates takes at a time (`_deflated_beside`): pieces this big,
# because it waits for the GIL again after each of zlib's calls (up to Python's 5 ms switch
# interval while rows are being made), and a few of them, for memory.
PIECE_BYTES = 1 << 20
WAITING_PIECES = 2


def export_id(request: ExportRequest) -> str:
    """The uniqueID: a hash of the request's parameters, as-of time included.

    Hex only, so it can't take a name out of the export directory. Who asked is left
    out: the file's content does not depend on it.
    """
    parameters = msgspec.structs.replace(request, requester=None)
    return hashlib.sha256(msgspec.json.encode(parameters)).hexdigest()[:ID_DIGITS]


def local_as_of(request: ExportRequest) -> datetime:
    """The snapshot's as-of time on the request's wall clock (no time zone, as zip
    times are); the zip epoch when there is none (a snapshot of no events)."""
    if request.as_of is None:
        return ZIP_EPOCH
    return request.as_of.astimezone(request.zone).replace(tzinfo=None)


def package_names(export_name: str, extension: str, request: ExportRequest) -> tuple[str, str]:
    """(zip name, name of its one file), e.g. `zendesk-csv_2026_03_06_<id>.zip` holding
    `export_2026_03_06_<id>_1.csv`."""
    stamp = f"{local_as_of(request):%Y_%m_%d}_{export_id(request)}"
    return f"{export_name}_{stamp}.zip", f"export_{stamp}_1{extension}"


def write_package(export_dir: Path, zip_name: str, entry_name: str, when: datetime,
                  chunks: Iterable[bytes]) -> tuple[Path, str]:
    """Stream `chunks` into a one-file zip, atomically; its path and the zip's SHA-256.

    Deterministic: the entry's time is `when` (clamped to what a zip can hold), its
    permissions fixed, and nothing else in the archive varies.
    """
    clamped = min(max(when, ZIP_EPOCH), ZIP_END)
    entry = zipfile.ZipInfo(entry_name, date_time=clamped.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = UNIX
    entry.external_attr = ENTRY_MODE << 16
    with atomic_file(export_dir, zip_name) as (path, out):
        with zipfile.ZipFile(out, "w") as archive:
            # zip64 from the start: the size is unknown until the rows are written.
            with archive.open(entry, "w", force_zip64=True) as inner:
                _deflated_beside(inner, chunks)
        out.seek(0)
        digest = hashlib.file_digest(out, "sha256")
    return path, digest.hexdigest()


def _deflated_beside(inner, chunks: Iterable[bytes]) -> None:
    """Write `chunks` into the zip entry `inner` from a thread of its own while this one
    makes them: zlib lets go of the GIL while it deflates, about two fifths of the Zendesk
    exports' time (docs/benchmarks.md). One deflate stream over the same bytes, however
    they are cut: the same zip as written here."""
    pieces: queue.Queue[bytes | None] = queue.Queue(WAITING_PIECES)
    failed: list[BaseException] = []

    def deflate() -> None:
        while (piece := pieces.get()) is not None:
            if not failed:  # after a failure, only taken, so that no put waits forever
                try:
                    inner.write(piece)
                except BaseException as exc:  # no space left, say: raised where the rows are made
                    failed.append(exc)

    writer = threading.Thread(target=deflate, name="deflate", daemon=True)
    writer.start()
    try:
        for piece in _pieces(chunks):
            if failed:
                break
            pieces.put(piece)
    finally:  # the rows' own failure or a stop signal too: the entry is not touched after this
        pieces.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """`chunks` joined into pieces of at least PIECE_BYTES, the last one excepted."""
    gathered: list[bytes] = []
    size = 0
    for chunk in chunks:
        gathered.append(chunk)
        size += len(chunk)
        if size >= PIECE_BYTES:
            yield b"".join(gathered)
            gathered, size = [], 0
    if gathered:
        yield b"".join(gathered)


def deliver(export, request: ExportRequest, export_dir: Path, chunks: Iterable[bytes]) -> tuple[Path, str]:
    """Put an export's bytes in place, zipped if the export is `packaged`; the file
    delivered and its SHA-256."""
    if getattr(export, "packaged", False):
        zip_name, entry_name = package_names(export.name, export.format.extension, request)
        return write_package(export_dir, zip_name, entry_name, local_as_of(request), chunks)
    digest = hashlib.sha256()

    def hashed() -> Iterator[bytes]:
        for chunk in chunks:
            digest.update(chunk)
            yield chunk

    path = write_atomically(export_dir, export.file_name(request), hashed())
    return path, digest.hexdigest()
