"""A batch folded but not stored yet: its new table entries wait until the records they
publish downstream are delivered.

Stored first, an entry whose downstream records were lost in a crash was lost for good
downstream: its changelog record made it, so its events, delivered again after the
restart, changed nothing and published nothing. Stored after, a crash in between only
makes the events come again, fold the same and publish the same records once more.
"""
import asyncio

import msgspec
from faust.types import EventT

from streams.table_entries import source

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

        Straight to the transport's producer: a Faust `send_soon` (its buffer, a message
        future and its callbacks per record) costs several times the Kafka client's own send.
        """
        producer = app.producer
        if not producer.started:  # an agent's test_context: no broker, the topics record the sends
            for topic, key, value in self.records:
                topic.send_soon(key=key, value=value)
            return
        sent = [await producer.send(topic.get_topic_name(), key, value, None, None, None)
                for topic, key, value in self.records]
        await producer.flush()
        await asyncio.gather(*sent)

    def store(self, positions: dict[str, int] | None = None) -> None:
        """Write the entries and move `positions` on, with no await: a snapshot sees all of
        the batch or none of it."""
        for table, key, received, state in self.writes:
            with source(received):
                table[key] = _encoder.encode(state)
        if positions is not None:
            positions.update(self.positions)
