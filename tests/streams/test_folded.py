"""A batch's table entries: written to the store, then their changelog records sent by the
worker itself (streams.folded), each table partition noting its last record's offset."""
from types import SimpleNamespace
from unittest.mock import Mock

import msgspec
from faust.types import TP

from streams.folded import Folded


class Producer:
    """A started producer that acknowledges each record with the next offset of its partition."""

    started = True

    def __init__(self):
        self.records: list[tuple] = []
        self.offsets: dict[tuple[str, int], int] = {}

    async def send_all(self, records):
        self.records += records
        return [self._next(topic, partition) for topic, _, _, partition in records]

    def _next(self, topic, partition) -> int:
        self.offsets[topic, partition] = self.offsets.get((topic, partition), 99) + 1
        return self.offsets[topic, partition]


class State(msgspec.Struct, array_like=True):
    status: str


def _from(partition: int):
    """An input message of `partition`, as a table entry's source."""
    return Mock(message=Mock(partition=partition))


async def test_entries_are_stored_and_their_changelog_records_sent_with_each_partitions_last_offset(worker):
    # given three entries of the tickets table, two from input partition 0 and one from 2
    table = worker.runtime.tickets
    table.data.set_persisted_offset = Mock()
    folded = Folded()
    folded.stage(table, "1", _from(0), State("open"))
    folded.stage(table, "7", _from(2), State("new"))
    folded.stage(table, "5", _from(0), State("solved"))
    folded.positions["tickets:0"] = 41
    producer, positions = Producer(), {}
    # when the batch is stored
    await folded.store(SimpleNamespace(producer=producer, in_transaction=False), positions)
    # then the store holds each state, the changelog gets each entry under the table's own
    # key encoding (JSON) in its source's partition, and each partition notes its last offset
    assert [table.data[key] for key in ("1", "7", "5")] == [b"\x91\xa4open", b"\x91\xa3new", b"\x91\xa6solved"]
    changelog = table.changelog_topic.get_topic_name()
    assert producer.records == [(changelog, b'"1"', b"\x91\xa4open", 0), (changelog, b'"7"', b"\x91\xa3new", 2),
                                (changelog, b'"5"', b"\x91\xa6solved", 0)]
    noted = [call.args for call in table.data.set_persisted_offset.call_args_list]
    assert sorted(noted) == [(TP(changelog, 0), 101), (TP(changelog, 2), 100)]
    assert positions == {"tickets:0": 41}
