"""The worker's producer sends a batch's records in record batches of its own
(streams.producer.Producer.send_all): each record lands where a `send` would put it,
at the offset it is given back."""
import uuid

import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.partitioner import murmur2

from streams.producer import App
from tests.kafka_broker import create_topic

pytestmark = pytest.mark.kafka

PARTITIONS = 3


async def test_records_land_in_their_partitions_at_the_offsets_given_back(kafka_broker):
    # given a topic of three partitions, and records for it: keyed ones with no partition,
    # two for partition 2, one bigger than a whole record batch (16 KB), a tombstone
    topic = await create_topic(kafka_broker.bootstrap, "deskstream.test.producer", PARTITIONS)
    records = [(topic, f"ticket-{n}".encode(), f"metrics {n}".encode(), None) for n in range(200)]
    records += [(topic, b"owner-a", b"first", 2), (topic, b"owner-b", b"x" * 40_000, 2),
                (topic, b"ticket-7", None, None), (topic, b"owner-a", b"second", 2)]
    app = App(f"test-producer-{uuid.uuid4().hex[:8]}", broker=kafka_broker.broker_url)
    producer = app.producer
    await producer.start()
    try:
        # when they are sent at once
        offsets = await producer.send_all(records)
    finally:
        await producer.stop()
    # then each is read back at its partition and offset: a keyed one where the default
    # partitioner (murmur2 of the key) puts it, as a `send` would
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=kafka_broker.bootstrap, group_id=None,
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    read = {}
    try:
        while len(read) < len(records):
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                read.update({(record.partition, record.offset): (record.key, record.value) for record in batch})
    finally:
        await consumer.stop()
    expected, in_order = {}, {}
    for (_, key, value, partition), offset in zip(records, offsets):
        partition = (murmur2(key) & 0x7FFFFFFF) % PARTITIONS if partition is None else partition
        expected[partition, offset] = (key, value)
        in_order.setdefault(partition, []).append(offset)
    assert read == expected
    # and each partition holds its records in the order they were given
    assert all(offsets == sorted(offsets) for offsets in in_order.values())
    assert sorted(in_order) == [0, 1, 2]
