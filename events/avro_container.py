"""Reading an Avro object container file of events, past its corrupt blocks.

A container file is a header ending with a 16-byte sync marker, then blocks, each
`record count, byte size, data, sync marker`. A corrupt block is skipped: the read goes on
from the next sync marker, and the error says how many records were lost. fastavro reads
every good block; a resumed read is fastavro again, on the header followed by the rest.
"""
import io
from collections.abc import Callable, Iterator
from typing import BinaryIO

import fastavro

from events import Event, avro
from events.codec import EventDecodeError, TimeWindow, from_fields
from events.errors import RAW_LIMIT, ErrorHandler, SourceError
from events.prefixed import Prefixed

SYNC_BYTES = 16
SCAN_BYTES = 1 << 20


def read_avro(stream: BinaryIO, name: str, on_error: ErrorHandler,
              progress: Callable[[], None], window: TimeWindow) -> Iterator[list[Event]]:
    """The events of a container file, one list a block, in file order."""
    try:
        blocks = fastavro.block_reader(stream, return_record_name=True)
    except Exception as exc:  # not a container file at all
        on_error(SourceError(name, 0, f"not an Avro object container file: {exc}", kind="not an Avro container file"))
        return
    header_end = start = good_end = stream.tell()  # file offsets: where `blocks` began, last good block's end
    number = 0  # records before the current block
    while True:
        block, done = None, 0
        try:
            for block in blocks:
                events, done = [], 0
                for record in block:
                    done += 1
                    try:
                        events.append(from_fields(avro.from_record(record), window))
                    except EventDecodeError as exc:
                        raw = repr(record)[:RAW_LIMIT]
                        on_error(SourceError(name, number + done, str(exc), raw, kind=str(exc)))
                yield events
                number += block.num_records
                good_end = start + block.offset + block.size - header_end
                progress()
            return
        except Exception as exc:  # a corrupt block: from fastavro, whatever its kind
            if block is not None and start + block.offset - header_end == good_end:
                # Its framing is sound, its data is not: the next block is where it says.
                yield events
                skipped, resume = block.num_records - done, good_end + block.size
                number += done
            else:
                skipped, resume = _skipped_to_next_sync(stream, good_end, header_end)
            where = f"corrupt Avro block at byte {good_end} ({exc})"
            if resume is None:
                lost = f"{skipped} records" if skipped is not None else "the rest of the file"
                on_error(SourceError(name, number + 1, f"{where}: no sync marker after it, {lost} lost",
                                     kind="corrupt Avro block", records=skipped or 1))
                return
            count = f"{skipped} records" if skipped is not None else "an unknown number of records"
            on_error(SourceError(name, number + 1, f"{where}: {count} skipped, read on from byte {resume}",
                                 kind="corrupt Avro block", records=skipped or 1))
            number += skipped or 0
            blocks, start, good_end = _resumed(stream, header_end, resume), resume, resume


def _resumed(stream: BinaryIO, header_end: int, at: int):
    """Blocks from file offset `at` on, read by fastavro as if right after the header."""
    stream.seek(0)
    header = stream.read(header_end)
    stream.seek(at)
    return fastavro.block_reader(io.BufferedReader(Prefixed(header, stream)), return_record_name=True)


def _skipped_to_next_sync(stream: BinaryIO, at: int, header_end: int) -> tuple[int | None, int | None]:
    """(records skipped or None when unknown, offset after the next sync marker or None)
    for a block at `at` that fastavro could not frame."""
    try:
        stream.seek(header_end - SYNC_BYTES)
        sync = stream.read(SYNC_BYTES)
        resume = _find_after(stream, at, sync)
    except OSError:  # a pipe can't go back
        return None, None
    return (_declared_records(stream, at, resume) if resume is not None else None), resume


def _find_after(stream: BinaryIO, at: int, sync: bytes) -> int | None:
    stream.seek(at)
    offset, carry = at, b""
    while chunk := stream.read(SCAN_BYTES):
        data = carry + chunk
        found = data.find(sync)
        if found >= 0:
            return offset - len(carry) + found + SYNC_BYTES
        carry = data[-(SYNC_BYTES - 1):]
        offset += len(chunk)
    return None


def _declared_records(stream: BinaryIO, at: int, end: int) -> int | None:
    """The records the blocks between `at` and `end` say they hold, when their framing
    (count, size, sync) leads exactly from one to the other; else None."""
    total = 0
    while at < end:
        stream.seek(at)
        head = stream.read(20)
        try:
            count, used = _read_long(head, 0)
            size, used = _read_long(head, used)
        except ValueError:
            return None
        if count < 0 or size < 0:
            return None
        total, at = total + count, at + used + size + SYNC_BYTES
    return total if at == end else None


def _read_long(data: bytes, at: int) -> tuple[int, int]:
    """An Avro long (zig-zag varint) at `at`, and the offset after it."""
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise ValueError("not an Avro long")
        byte = data[at]
        value |= (byte & 0x7F) << shift
        at, shift = at + 1, shift + 7
        if not byte & 0x80:
            return (value >> 1) ^ -(value & 1), at
