"""A batch folded but not stored yet: its new table entries wait until the records they
publish downstream are delivered.

Stored first, an entry whose downstream records were lost in a crash was lost for good
downstream: its changelog record made it, so its events, delivered again after the
restart, changed nothing and published nothing. Stored after, a crash in between only
makes the events come again, fold the same and publish the same records once more.
"""
import msgspec
from faust.types import TP, EventT

from streams.table_entries import entry_key, source, write_entry

_encoder = msgspec.msgpack.Encoder()


class Folded:
    def __init__(self):
        self.writes: list[tuple] = []  # (table, key, the entry's source message, new state)
        self.records: list[tuple] = []  # (topic, key, value): what the batch publishes downstream
        self.positions: dict[str, int] = {}  # "topic:partition" -> offset of the last input message

    def stage(self, table, key: str, received: EventT, state: msgspec.Struct) -> None:
        self.writes.append((table, key, received, state))

    def publish(self, topic, key: bytes, value: bytes | None) -> None:
        """A record to send downstream when the batch is delivered (None: a tombstone)."""
        self.records.append((topic, key, value))

    async def deliver(self, app) -> None:
        """Send the batch's records and wait until every record the worker sent so far is
        acknowledged by the broker; fails when one of the batch's records could not be sent.

        Straight to the transport's producer, in record batches (`Producer.send_all`): a
        Faust `send_soon` (its buffer, a message future and its callbacks per record) costs
        several times the Kafka client's own send, which costs twice a record appended to a batch.
        """
        if not _sends_itself(app):
            for topic, key, value in self.records:
                topic.send_soon(key=key, value=value)
            return
        await app.producer.send_all([(topic.get_topic_name(), key, value, None) for topic, key, value in self.records])

    async def store(self, app, positions: dict[str, int] | None = None) -> None:
        """Write the entries and move `positions` on, with no await in between: a snapshot
        sees all of the batch or none of it. Then send the entries' changelog records and
        wait for the broker's acknowledgement, as `deliver` does.

        A table assignment would send each record with a Faust `send_soon` and note its
        offset in RocksDB once acknowledged; here the store is written alone, the records
        go straight to the producer, and each table partition notes only the batch's
        last offset, which is where a recovery of that partition starts reading.
        """
        if not _sends_itself(app) or app.in_transaction:  # exactly-once: Faust's own commit bookkeeping
            for table, key, received, state in self.writes:
                with source(received):
                    table[key] = _encoder.encode(state)
            if positions is not None:
                positions.update(self.positions)
            return
        changelog = []
        for table, key, received, state in self.writes:
            value = _encoder.encode(state)
            with source(received):
                write_entry(table, key, value)
            changelog.append((table, table.changelog_topic.get_topic_name(), entry_key(table.key_serializer, key),
                              value, received.message.partition))
        if positions is not None:
            positions.update(self.positions)
        if not changelog:
            return
        offsets = await app.producer.send_all([(name, key, value, partition)
                                               for _, name, key, value, partition in changelog])
        last = {(table, TP(name, partition)): offset
                for (table, name, _, _, partition), offset in zip(changelog, offsets)}
        for (table, tp), offset in last.items():
            table.data.set_persisted_offset(tp, offset)


def _sends_itself(app) -> bool:
    """False in an agent's test_context, where no producer runs and Faust's topics record the sends."""
    return app.producer.started

