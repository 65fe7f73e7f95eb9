"""Where a Faust table entry lives: in the partition of the stream's current event."""
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

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


def stored_value(table, key: str):
    """The table's entry for `key`, None when it has none, found with one store lookup:
    Faust's `Table.get` looks in RocksDB twice (is the key there, then its value). Within
    `source`, as any read of a partitioned table."""
    return table.data.get(key)
