"""Event logs on disk: NDJSON (one JSON event a line) and Avro object container files.

Readers never stop at a bad record: they report it to `on_error` with the file and line
(the record index for Avro) and go on with the next one.
"""
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import fastavro

from events import Event, avro
from events.codec import EventDecodeError, decode_json, decode_json_lines, encode_json, from_fields
from events.errors import RAW_LIMIT, ErrorHandler, SourceError

ProgressHandler = Callable[[int], None]
AVRO_SUFFIXES = (".avro",)
BATCH_BYTES = 1 << 20  # NDJSON read and decoded in blocks of about this size


def is_avro(path: Path) -> bool:
    return path.suffix in AVRO_SUFFIXES


def read_log(
    path: Path, on_error: ErrorHandler, on_progress: ProgressHandler | None = None
) -> Iterator[Event]:
    """Events of one log in file order; `on_progress` gets the bytes consumed."""
    # Read in batches, handed out one by one in C: a generator per event costs a replay more.
    reader = _read_avro if is_avro(path) else _read_ndjson
    return chain.from_iterable(reader(Path(path), on_error, on_progress or (lambda _: None)))


def _read_ndjson(path: Path, on_error: ErrorHandler, on_progress: ProgressHandler) -> Iterator[list[Event]]:
    lines_before = _LineCounter(path)
    offset = 0  # bytes before the block
    with path.open("rb") as file:
        for block in _blocks(file):
            try:
                events = decode_json_lines(block)
            except EventDecodeError:  # a bad line: decode them one by one to say which
                events = _decode_each(path, block.split(b"\n"), lines_before(offset), on_error)
            offset += len(block)
            on_progress(len(block))
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


def _blocks(file: BinaryIO) -> Iterator[bytes]:
    """The file in blocks of whole lines, of about BATCH_BYTES each."""
    while block := file.read(BATCH_BYTES):
        if not block.endswith(b"\n"):
            block += file.readline()  # the rest of the block's last line
        yield block


def _decode_each(path: Path, lines: list[bytes], read: int, on_error: ErrorHandler) -> list[Event]:
    events = []
    for number, line in enumerate(lines, start=read + 1):
        try:
            events.append(decode_json(line))
        except EventDecodeError as exc:
            if line.strip():  # blank lines are allowed
                raw = line.decode("utf-8", errors="replace").rstrip("\n")[:RAW_LIMIT]
                on_error(SourceError(path.name, number, str(exc), raw))
    return events


def _read_avro(path: Path, on_error: ErrorHandler, on_progress: ProgressHandler) -> Iterator[list[Event]]:
    with path.open("rb") as stream:
        try:
            records = fastavro.reader(stream, return_record_name=True)
        except Exception as exc:  # not a container file at all
            on_error(SourceError(path.name, 0, f"not an Avro object container file: {exc}"))
            return
        position = stream.tell()
        number = 0
        while True:
            number += 1
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # a corrupt block: nothing after it can be read
                on_error(SourceError(path.name, number, f"unreadable Avro block: {exc}"))
                break
            on_progress(stream.tell() - position)
            position = stream.tell()
            try:
                yield [from_fields(avro.from_record(record))]
            except EventDecodeError as exc:
                on_error(SourceError(path.name, number, str(exc), repr(record)[:RAW_LIMIT]))


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
