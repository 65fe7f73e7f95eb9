"""A Faust table entry: where it lives (the partition of the stream's current event), and
its read and write with the key encoded once.

Faust encodes a table key at each use with its serializer registry, and passes a raw
value through the same registry: about 7 µs a key and 1.5-2.5 µs a value here (timeit),
three keys (read, write, changelog record) and two values per changed entity. The worker's tables store raw
bytes under JSON keys in RocksDB (`faust.stores.rocksdb.Store`, a `SerializedStore`); its
entries are read and written at the store's byte level, with the key encoded by the
table's own codec and kept while the batch uses it.
"""
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from faust.serializers import codecs
from faust.stores.base import SerializedStore
from faust.streams import _current_event
from faust.types import EventT


@contextmanager
def source(event: EventT) -> Iterator[None]:
    """Make `event` the stream's current event while its entity's table entry is used.

    A Faust table finds an entry's partition (for RocksDB and for the changelog) from the
    current event, which a batch from `take_events` does not set: each entry gets the
    event it comes from, so it lands in the partition of that event's key.
    """
    token = _current_event.set(weakref.ref(event))
    try:
        yield
    finally:
        _current_event.reset(token)


@lru_cache(maxsize=4096)  # a batch's entities: each key is read, written and logged
def entry_key(serializer: str, key: str) -> bytes:
    """A table key as the store and the changelog hold it, by the table's key codec."""
    return codecs.get_codec(serializer).dumps(key)


def stored_value(table, key: str) -> bytes | None:
    """The table's entry for `key`, None when it has none, found with one store lookup
    (Faust's `Table.get` looks in RocksDB twice: is the key there, then its value).
    Within `source`, as any read of a partitioned table."""
    data = table.data
    if isinstance(data, SerializedStore):
        return data._get(entry_key(table.key_serializer, key))
    return data.get(key)  # the memory store of the agents' tests: keys as they are


def write_entry(table, key: str, value: bytes) -> None:
    """Write the entry alone, no changelog record (streams.folded sends it). Within `source`."""
    data = table.data
    if isinstance(data, SerializedStore):
        data._set(entry_key(table.key_serializer, key), value)
    else:
        data[key] = value
