"""Faust's Kafka producer with two fixes, each of which stalled or broke the worker.

1. **Every topic sent to is tracked for metadata.** aiokafka asks the broker for the
   metadata of the topics its producer tracks, all of them while it tracks none, and
   each answer replaces what it knew. A topic first sent to while its partitions were
   known from such a full answer was never tracked (aiokafka only tracks a topic whose
   partitions it does not know yet); the next answer, for the tracked topics only,
   dropped it, and its messages then waited for a partition leader that no answer would
   ever bring, until Faust's 20-minute request timeout. The offsets commit waits for them:
   the worker stalled, logging nothing ("producer buffer full" just before, often).
2. **A flush before a commit waits for every buffered message.** Faust commits the input
   offsets after `producer.flush()`, which starts with its buffer of `send_soon`
   messages (table changelog records, downstream records). Faust's own buffer flush
   gave up after 0.1 s without a message handed to Kafka's client, and did not count
   the one being handed over: under load the commit went ahead of records still in the
   buffer, and a worker killed then came back some events short.
"""
from collections.abc import Sequence

import faust
from faust.transport import by_url as transport_by_url
from faust.transport.drivers import aiokafka as faust_aiokafka
from faust.transport.producer import ProducerBuffer

from streams import fetching


class CommitSafeBuffer(ProducerBuffer):
    """Flushed once every message put in has been handed to Kafka's client, whose own
    flush (next in `producer.flush()`) then waits for the broker's acknowledgement."""

    async def _send_pending(self, fut) -> None:
        try:
            await super()._send_pending(fut)
        finally:
            self.pending.task_done()  # handed over, or failed: either way no longer pending

    async def flush(self) -> None:
        if self.state != "running":  # stopping: Faust's own flush, which gives up
            await super().flush()
            return
        await self.pending.join()


class Producer(faust_aiokafka.Producer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.buffer = CommitSafeBuffer(loop=self.loop, beacon=self.beacon)
        self.buffer.app = self.app

    async def send(self, topic, key, value, partition, timestamp, headers, *, transactional_id=None):
        producer = self._transaction_producers.get(transactional_id) if transactional_id else self._producer
        if producer is not None:
            producer.client.add_topic(topic)  # at once when tracked already: (1) above
        return await super().send(topic, key, value, partition, timestamp, headers,
                                  transactional_id=transactional_id)

    async def send_all(self, records: Sequence[tuple[str, bytes | None, bytes | None, int | None]]) -> list[int]:
        """Send (topic, key, value, partition) records, wait until the broker has acknowledged
        them and every record sent before, and give each record's offset.

        Each topic partition's records go in record batches filled here (aiokafka's
        `create_batch` and `send_batch`): 9-11 µs of CPU a record, against 23-26 µs for a
        `send` each, which makes a future and runs a chain of coroutines per record
        (`bench/producer_sends.py`, docs/benchmarks.md). A record without a partition goes where the producer's
        partitioner puts its key, as a `send` would put it. Faust's `on_produce_message`
        signal, which deskstream does not use, is not sent for them.
        """
        kafka = self._ensure_producer()
        cluster = kafka.client.cluster
        partitions = {}  # of each topic: (all, available), as the partitioner takes them
        for topic in {record[0] for record in records}:
            kafka.client.add_topic(topic)  # (1) above
            await kafka.client._wait_on_metadata(topic)
            partitions[topic] = (list(cluster.partitions_for_topic(topic)),
                                 list(cluster.available_partitions_for_topic(topic)))
        by_partition: dict[tuple[str, int], list[int]] = {}
        for i, (topic, key, _, partition) in enumerate(records):
            if partition is None:
                partition = kafka._partitioner(key, *partitions[topic])  # as `send` does
            by_partition.setdefault((topic, partition), []).append(i)
        sent = []  # (a batch's delivery, the records it holds)
        for (topic, partition), indexes in by_partition.items():
            batch, held = kafka.create_batch(), []
            for i in indexes:
                _, key, value, _ = records[i]
                if batch.append(key=key, value=value, timestamp=None) is None:  # full (and closed)
                    sent.append((await kafka.send_batch(batch, topic, partition=partition), held))
                    batch, held = kafka.create_batch(), []
                    batch.append(key=key, value=value, timestamp=None)  # a first record fits, whatever its size
                held.append(i)
            batch.close()  # no more records: sent at once, no linger
            sent.append((await kafka.send_batch(batch, topic, partition=partition), held))
        await self.flush()
        offsets = [0] * len(records)
        for delivery, held in sent:
            first = (await delivery).offset
            for n, i in enumerate(held):
                offsets[i] = first + n
        return offsets


class App(faust.App):
    """A Faust app whose producer is the one above, and whose consumer is streams.fetching's."""

    def _new_transport(self):
        if transport_by_url(self.conf.broker_consumer[0]) is not faust_aiokafka.Transport:  # not Kafka
            return super()._new_transport()
        return fetching.Transport(self.conf.broker_consumer, self)

    def _new_producer(self):
        if self.transport.Producer is not faust_aiokafka.Producer:  # not Kafka: nothing to fix
            return super()._new_producer()
        return Producer(self.transport, loop=self.loop, beacon=self.beacon)
