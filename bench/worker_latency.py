"""Event -> downstream metrics latency of a running worker, at a steady rate (bench.worker_throughput).

Sends ticket events at `rate` per second from a generated log, noting when each was
sent, and reads the ticket-metrics topic meanwhile: an event has arrived downstream
when a metrics record of its ticket shows it (the record's `updated_at` reaches the
event's time; a tombstone shows them all). Times are taken by this one process, on one
clock, so no clock is compared with another.
"""
import asyncio
import time
from collections import deque

from events import codec
from events.downstream import TICKET_METRICS
from projections.state import TICKET_TYPES
from streams.topics import bootstrap, ensure_topics, input_topic

TICK = 0.01  # seconds between two sends of the events that fell due


async def send_all(settings, events) -> None:
    """Create the topics, send `events` as fast as the producer takes them, and wait until
    all are acknowledged."""
    from aiokafka import AIOKafkaProducer

    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap(settings), linger_ms=5, acks="all")
    await producer.start()
    try:
        for event in events:
            await producer.send(input_topic(event, settings), key=event.key.encode(), value=codec.encode_avro(event))
        await producer.flush()
    finally:
        await producer.stop()


async def measure(settings, events: list, rate: float, seconds: float) -> tuple[list[float], int, int]:
    """(latencies in seconds of the ticket events whose metrics came back, events sent, ticket events sent) after
    sending `events` at `rate` per second for at most `seconds`, then waiting a little for
    the last ones."""
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

    servers = bootstrap(settings)
    producer = AIOKafkaProducer(bootstrap_servers=servers, linger_ms=5, acks=1)
    consumer = AIOKafkaConsumer(settings.ticket_metrics_topic, bootstrap_servers=servers,
                                auto_offset_reset="latest", group_id=None)
    await producer.start()
    await consumer.start()
    await consumer.seek_to_end()
    pending: dict[bytes, deque] = {}  # ticket key -> (event time, send time) of each event not seen yet
    latencies: list[float] = []

    async def read() -> None:
        while True:
            batches = await consumer.getmany(timeout_ms=100)
            now = time.monotonic()
            for records in batches.values():
                for record in records:
                    waiting = pending.get(record.key)
                    if not waiting:
                        continue
                    shown = None if record.value is None else TICKET_METRICS.decode(record.value).updated_at
                    while waiting and (shown is None or waiting[0][0] <= shown):
                        latencies.append(now - waiting.popleft()[1])

    reader = asyncio.create_task(read())
    sent = 0
    try:
        started = time.monotonic()
        due = min(len(events), int(rate * seconds))
        while sent < due:
            await asyncio.sleep(TICK)
            now = time.monotonic()
            until = min(due, int((now - started) * rate))
            for event in events[sent:until]:
                key = event.key.encode()
                if type(event) in TICKET_TYPES:
                    pending.setdefault(key, deque()).append((event.occurred_at, now))
                await producer.send(input_topic(event, settings), key=key, value=codec.encode_avro(event),
                                    timestamp_ms=int(time.time() * 1000))
            sent = until
        await producer.flush()
        tickets = sum(1 for event in events[:sent] if type(event) in TICKET_TYPES)
        deadline = time.monotonic() + 10  # the last events' metrics: a batch or two away
        while time.monotonic() < deadline and len(latencies) < tickets:
            await asyncio.sleep(0.1)
    finally:
        reader.cancel()
        await producer.stop()
        await consumer.stop()
    return latencies, sent, tickets

