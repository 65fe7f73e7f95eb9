"""Sorted rows on disk: the sort of an export too big for memory (a million
conversations' messages), which a replay hands the exports as `ProjectionState.sorted_rows`.

RocksDB iterates its keys in byte order, so each row is written under bytes whose order
is the rows' order, and read back sorted with no sort of ours: the row's key, then the
number of rows added before it, which keeps rows of equal keys in the order added (as
`projections.sorted_rows.SortedRows` keeps them).
"""
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import msgspec
from rocksdict import WriteBatch

from projections.sorted_rows import Key, Row, SortedRows
from streams.state_store import TemporaryDatabase

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


class SortedRowsStore(SortedRows[Row]):
    """Rows of `row_type` (anything msgspec encodes) kept in memory up to `keep` of them;
    one more and they are written out, as every later one is. Encoded as the states are
    (msgpack: times read back in UTC, the same instants). The database is removed with
    the store."""

    def __init__(self, row_type: type, keep: int) -> None:
        super().__init__()
        self.keep = keep
        self._disk: TemporaryDatabase | None = None
        self._written = 0  # rows written out: the next one's place among those of its key
        self._encode = msgspec.msgpack.Encoder().encode
        self._decode = msgspec.msgpack.Decoder(row_type).decode

    @property
    def on_disk(self) -> bool:
        return self._disk is not None

    def add(self, key: Key, row: Row) -> None:
        super().add(key, row)
        if len(self._rows) > self.keep:
            self._write_out()

    def in_order(self) -> Iterator[Row]:
        if self._disk is None:
            return super().in_order()
        self._write_out()
        return self._read_back()

    def _read_back(self) -> Iterator[Row]:
        # A method of the store's, so that the store (and its database) outlives the reading.
        decode = self._decode
        for data in self._disk.db.values():
            yield decode(data)

    def _write_out(self) -> None:
        if self._disk is None:
            self._disk = TemporaryDatabase(compacted=False)  # written once, read in order
            weakref.finalize(self, self._disk.remove)
        batch, encode = WriteBatch(raw_mode=True), self._encode
        for key, row in self._rows:
            batch.put(order_key(key, self._written), encode(row))
            self._written += 1
        self._disk.db.write(batch)
        self._rows = []


def order_key(key: Key, place: int) -> bytes:
    """Bytes that sort as (*key, place) does, for keys with times and strings at the same places.

    A time is its microseconds since 1970, fixed width. A string ends with two zero bytes
    and a zero byte in it is written as zero then one, so that it sorts before every
    longer string it begins (as `str` sorts), whatever follows."""
    parts = []
    for part in key:
        if isinstance(part, str):
            parts.append(part.encode().replace(b"\0", b"\0\1") + b"\0\0")
        else:
            parts.append(((part - EPOCH) // MICROSECOND + (1 << 63)).to_bytes(8, "big"))  # before 1970 too
    return b"".join(parts) + place.to_bytes(8, "big")
