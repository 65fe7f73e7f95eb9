"""Event logs: NDJSON (one JSON event a line) and Avro object container files, either of
them gzip-compressed, read from a file or from standard input ("-").

The format is told by the content, not the name: one look at the first bytes of each
file (gzip's and Avro's magic bytes; anything else binary is not a log). Readers never
stop at a bad record: they report it to `on_error` with the file's path as given and the
line (the record index for Avro) and go on with the next one.
"""
import codecs
import gzip
import io
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import fastavro

from events import Event, avro
from events.avro_container import read_avro
from events.codec import (
    DEFAULT_TIME_WINDOW, OUTSIDE_WINDOW, WINDOW_REASON, EventDecodeError, TimeWindow, decode_json, decode_json_lines,
    encode_json,
)
from events.errors import RAW_LIMIT, ErrorHandler, SourceError
from events.prefixed import Prefixed

ProgressHandler = Callable[[int], None]
AVRO_SUFFIXES = (".avro",)
BATCH_BYTES = 1 << 20  # NDJSON read and decoded in blocks of about this size
STDIN = "-"
GZIP_MAGIC, AVRO_MAGIC = b"\x1f\x8b", b"Obj\x01"
HEAD_BYTES = 4096  # what is looked at to tell a format: enough to tell text from binary
# Files given by mistake, named so that the user knows what they gave.
OTHER_FORMATS = {
    b"PK\x03\x04": "a zip archive", b"BZh": "bzip2-compressed", b"\xfd7zXZ\x00": "xz-compressed",
    b"\x28\xb5\x2f\xfd": "zstd-compressed", b"%PDF": "a PDF document",
}


def source_name(path: Path | str) -> str:
    """How errors name a log: its path as given, `<stdin>` for "-"."""
    return "<stdin>" if str(path) == STDIN else str(path)


def read_log(
    path: Path | str, on_error: ErrorHandler, on_progress: ProgressHandler | None = None,
    window: TimeWindow = DEFAULT_TIME_WINDOW,
) -> Iterator[Event]:
    """Events of one log in file order, those dated outside `window` reported as bad
    records; `on_progress` gets the bytes of the file consumed."""
    # Read in batches, handed out one by one in C: a generator per event costs a replay more.
    return chain.from_iterable(_batches(Path(path), on_error, on_progress or (lambda _: None), window))


def _batches(path: Path, on_error: ErrorHandler, on_progress: ProgressHandler,
             window: TimeWindow) -> Iterator[list[Event]]:
    name = source_name(path)
    stdin = str(path) == STDIN
    with nullcontext(sys.stdin.buffer) if stdin else path.open("rb") as file:
        head, stream = _head(file)
        gzipped = head.startswith(GZIP_MAGIC)
        progress = _progress(file, on_progress) if not stdin else (lambda: None)
        try:
            if gzipped:
                head, stream = _head(gzip.GzipFile(fileobj=stream, mode="rb"))
            if head.startswith(AVRO_MAGIC):
                yield from read_avro(stream, name, on_error, progress, window)
            elif what := _not_text(head):
                reason = f"not an event log: {what} (NDJSON and Avro logs are read, gzip-compressed or not)"
                on_error(SourceError(name, 0, reason, kind="not an event log"))
            else:
                lines = _LineCounter(path) if not (stdin or gzipped) else _CountedLines()
                yield from _read_ndjson(stream, name, lines, on_error, progress, window)
        except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
            if not gzipped:
                raise
            reason = f"gzip data corrupt or cut short, the rest of the file is lost: {exc}"
            on_error(SourceError(name, 0, reason, kind="corrupt gzip data"))


def _head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first bytes of `stream`, and the stream to read from its start."""
    head = stream.read(HEAD_BYTES)
    try:
        stream.seek(0)
        return head, stream
    except OSError:  # a pipe: give the head back in front of the rest
        return head, io.BufferedReader(Prefixed(head, stream), BATCH_BYTES)


def _not_text(head: bytes) -> str | None:
    """What the first bytes of a file are when they can't begin an NDJSON log."""
    for magic, what in OTHER_FORMATS.items():
        if head.startswith(magic):
            return what
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)  # a character may be cut at the end
    except UnicodeDecodeError:
        return "binary content, not UTF-8 text"
    return "binary content, not UTF-8 text" if b"\0" in head else None


def _progress(file: BinaryIO, on_progress: ProgressHandler) -> Callable[[], None]:
    """A call that reports the bytes of `file` consumed since the last one."""
    last = 0

    def report() -> None:
        nonlocal last
        now = file.tell()
        on_progress(now - last)
        last = now

    return report


def _read_ndjson(stream: BinaryIO, name: str, lines_before, on_error: ErrorHandler,
                 progress: Callable[[], None], window: TimeWindow) -> Iterator[list[Event]]:
    offset = 0  # bytes before the block
    for block in _blocks(stream):
        try:
            events = decode_json_lines(block, window)
        except EventDecodeError:  # a bad line: decode them one by one to say which
            events = _decode_each(name, block.split(b"\n"), lines_before(offset), on_error, window)
        lines_before.passed(block)
        offset += len(block)
        progress()
        yield events


class _LineCounter:
    """Lines of a file before a byte offset, counted only when an error needs its line
    number: counting every block would cost a clean replay a few percent for nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = self.lines = 0  # counted so far

    def __call__(self, offset: int) -> int:
        with self.path.open("rb") as file:
            file.seek(self.offset)
            while self.offset < offset:
                data = file.read(min(BATCH_BYTES, offset - self.offset))
                if not data:  # the file was cut short meanwhile
                    break
                self.lines += data.count(b"\n")
                self.offset += len(data)
        return self.lines

    def passed(self, block: bytes) -> None:
        pass  # counted from the file, when asked


class _CountedLines:
    """Lines before a block of a stream that can be read once only (stdin, gzip), counted
    as the blocks go by."""

    def __init__(self) -> None:
        self.lines = 0

    def __call__(self, offset: int) -> int:
        return self.lines

    def passed(self, block: bytes) -> None:
        self.lines += block.count(b"\n")


def _blocks(file: BinaryIO) -> Iterator[bytes]:
    """The file in blocks of whole lines, of about BATCH_BYTES each."""
    while block := file.read(BATCH_BYTES):
        if not block.endswith(b"\n"):
            block += file.readline()  # the rest of the block's last line
        yield block


def _decode_each(name: str, lines: list[bytes], read: int, on_error: ErrorHandler,
                 window: TimeWindow) -> list[Event]:
    events = []
    for number, line in enumerate(lines, start=read + 1):
        try:
            events.append(decode_json(line, window))
        except EventDecodeError as exc:
            if line.strip():  # blank lines are allowed
                raw = line.decode("utf-8", errors="replace").rstrip("\n")[:RAW_LIMIT]
                on_error(SourceError(name, number, str(exc), raw, kind=_kind(str(exc))))
    return events


def _kind(reason: str) -> str:
    # msgspec says where a JSON syntax error is ("(byte 12)"), the window check which
    # time it got: not what to count them by.
    if reason.startswith("JSON is malformed"):
        return "malformed JSON"
    return OUTSIDE_WINDOW if reason.startswith(WINDOW_REASON) else reason


def is_avro(path: Path) -> bool:
    """Whether `write_log` writes Avro to this path (reading looks at the content)."""
    return path.suffix.lower() in AVRO_SUFFIXES


def write_log(path: Path, events: Iterable[Event]) -> int:
    """Write events as NDJSON, or Avro when the name ends in .avro; returns the count."""
    path = Path(path)
    count = 0

    def counted(items: Iterable[Event]) -> Iterator[Event]:
        nonlocal count
        for event in items:
            count += 1
            yield event

    if is_avro(path):
        with path.open("wb") as out:
            fastavro.writer(out, avro.parsed_schema(), (avro.to_record(e) for e in counted(events)))
    else:
        with path.open("wb") as out:
            for event in counted(events):
                out.write(encode_json(event) + b"\n")
    return count
