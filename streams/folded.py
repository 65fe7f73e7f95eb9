"""A batch folded but not stored yet: its new table entries wait until the records they
publish downstream are delivered.

Stored first, an entry whose downstream records were lost in a crash was lost for good
downstream: its changelog record made it, so its events, delivered again after the
restart, changed nothing and published nothing. Stored after, a crash in between only
makes the events come again, fold the same and publish the same records once more.
"""
import msgspec
from faust.types import EventT

from streams.table_entries import source

_encoder = msgspec.msgpack.Encoder()


class Folded:
    def __init__(self):
        self.writes: list[tuple] = []  # (table, key, the entry's source message, new state)
        self.positions: dict[str, int] = {}  # "topic:partition" -> offset of the last input message

    def stage(self, table, key: str, received: EventT, state: msgspec.Struct) -> None:
        self.writes.append((table, key, received, state))

    def store(self, positions: dict[str, int] | None = None) -> None:
        """Write the entries and move `positions` on, with no await: a snapshot sees all of
        the batch or none of it."""
        for table, key, received, state in self.writes:
            with source(received):
                table[key] = _encoder.encode(state)
        if positions is not None:
            positions.update(self.positions)


async def delivered(app) -> None:
    """Wait until every record the worker sent so far is acknowledged by the broker."""
    if app.producer.started:  # else no broker to wait for: an agent's test_context
        await app.producer.flush()
