"""The reference data as this worker knows it: a decoded copy of a global table that is
as current as the table's changelog.

Faust's GlobalTable store applies the records other workers write only 1,000 at a time
(it counts their partitions as "active" ones being recovered), and a buffer of one would
make it read this worker's own writes back too, older values over newer ones for a
moment. So the worker reads reference data from this copy instead: the store as it is
on first use, with every changelog record received and every write made since on top.
"""
from collections.abc import Callable


class Replica:
    def __init__(self, table, decode: Callable[[bytes], object]):
        self.table, self.decode = table, decode
        self._parts: dict | None = None  # built on first use
        self._since_start: dict[str, object | None] = {}  # until then: what came, by key

    def parts(self) -> dict:
        """Every fragment by key, decoded."""
        if self._parts is None:
            parts = {key: self.decode(value) for key, value in self.table.items()}
            for key, part in self._since_start.items():
                _put(parts, key, part)
            self._parts, self._since_start = parts, {}
        return self._parts

    def received(self, key: str, value: bytes | None) -> None:
        """A record of the table's changelog (None: the key was deleted)."""
        self.wrote(key, None if value is None else self.decode(value))

    def wrote(self, key: str, part: object | None) -> None:
        """A fragment this worker stored in the table."""
        _put(self._since_start if self._parts is None else self._parts, key, part)


def _put(parts: dict, key: str, part: object | None) -> None:
    if part is None:
        parts.pop(key, None)
    else:
        parts[key] = part
