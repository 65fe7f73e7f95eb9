"""The worker's producer: a `send` per record against `send_all`'s record batches, CPU per record.

    python -m bench.producer_sends                 # 20,000 records of 200 bytes, 3 rounds
    python -m bench.producer_sends --records 5000 --size 2000

Starts a test broker (tests/kafka_broker.py), creates a topic of 4 partitions, and sends
the same keyed records through `streams.producer.Producer` both ways in turn: one `send`
each, waited for together after a flush (what the agents did before), then one
`send_all` (streams/folded.py). Prints the process's CPU time per record of each, which
includes the producer's sending and the broker's answers. Not a test.
"""
import argparse
import asyncio
import time
import uuid

from streams.producer import App
from tests import kafka_broker

PARTITIONS = 4


async def one_send_each(producer, records) -> None:
    sent = [await producer.send(topic, key, value, partition, None, None) for topic, key, value, partition in records]
    await producer.flush()
    await asyncio.gather(*sent)


async def measure(broker, records: int, size: int, rounds: int) -> None:
    topic = await kafka_broker.create_topic(broker.bootstrap, "bench-sends", PARTITIONS)
    batch = [(topic, f"ticket-{n}".encode(), b"x" * size, None) for n in range(records)]
    producer = App(f"bench-sends-{uuid.uuid4().hex[:8]}", broker=broker.broker_url).producer
    await producer.start()
    try:
        await producer.send_all(batch[:1])  # metadata and connections, left out of the figures
        for turn in range(rounds):
            figures = []
            for way in (one_send_each, producer.send_all) if turn % 2 == 0 else (producer.send_all, one_send_each):
                started = time.process_time()
                await (way(producer, batch) if way is one_send_each else way(batch))
                figures.append((way.__name__, (time.process_time() - started) / records * 1e6))
            print(f"round {turn + 1}: " + ", ".join(f"{name} {us:.1f} µs" for name, us in sorted(figures)), flush=True)
    finally:
        await producer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--size", type=int, default=200, help="bytes per record value")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    broker = kafka_broker.start()
    try:
        asyncio.run(measure(broker, args.records, args.size, args.rounds))
    finally:
        broker.stop()


if __name__ == "__main__":
    main()
