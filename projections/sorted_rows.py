"""Rows an export writes sorted by a key, collected in any order first.

`SortedRows` gives them back by key (a tuple of times and strings: (time, message id) for
messages, (contact id,) for contacts' figures), rows of equal keys in the order they were
added, as a stable sort of the list would. It holds them in memory: a worker's snapshot
uses it as is; a replay hands the exports a store that holds the same on disk once they
are many (`streams.sorted_rows_store`), through `ProjectionState.sorted_rows`.
"""
from collections.abc import Iterator
from datetime import datetime
from operator import itemgetter
from typing import Generic, TypeVar

Row = TypeVar("Row")
Key = tuple[datetime | str, ...]

_KEY, _ROW = itemgetter(0), itemgetter(1)


class SortedRows(Generic[Row]):
    def __init__(self) -> None:
        self._rows: list[tuple[Key, Row]] = []

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, key: Key, row: Row) -> None:
        self._rows.append((key, row))

    def in_order(self) -> Iterator[Row]:
        """The rows added so far, by key."""
        self._rows.sort(key=_KEY)
        return map(_ROW, self._rows)
