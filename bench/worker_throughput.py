"""Worker throughput next to a raw aiokafka consume of the same topics, in one run.

    python -m bench.worker_throughput --tickets 3000 --conversations 600
    python -m bench.worker_throughput --bootstrap 127.0.0.1:9092   # an existing broker

Starts a test broker (tests/kafka_broker.py) unless --bootstrap is given, produces
generated events to fresh input topics, times a plain aiokafka consumer reading them
all, then a Faust agent that does nothing with them (`bench.faust_baseline`: Faust's own
ceiling here), then times `deskstream worker` consuming them (from its group's first
commit to its last, so start-up is left out). Prints the rates and the ratios. Not a test.
"""
import argparse
import asyncio
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from events.log import write_log
from streams.topics import bootstrap
from tests import kafka_broker
from tests.integration.worker_harness import WorkerProcess, consumed, deskstream, isolated_settings, wait_for


async def raw_consume(settings, total: int) -> float:
    """Seconds for one aiokafka consumer to read `total` messages of the input topics."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(settings.ticket_topic, settings.conversation_topic,
                                bootstrap_servers=bootstrap(settings), auto_offset_reset="earliest",
                                enable_auto_commit=False, group_id=None)
    await consumer.start()
    try:
        seen, started = 0, time.perf_counter()
        while seen < total:
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            seen += sum(len(messages) for messages in batches.values())
        return time.perf_counter() - started
    finally:
        await consumer.stop()


def faust_ceiling(broker, settings, total: int) -> float:
    """Messages/s of a Faust agent that only reads the same topics (bench.faust_baseline)."""
    topics = [arg for topic in (settings.ticket_topic, settings.conversation_topic) for arg in ("--topic", topic)]
    done = subprocess.run([sys.executable, "-m", "bench.faust_baseline", "--bootstrap", broker.bootstrap, *topics,
                           "--messages", str(total)], capture_output=True, text=True, timeout=1800)
    found = re.search(r"([\d,]+) messages/s", done.stdout)
    if found is None:
        raise SystemExit(f"bench.faust_baseline failed:\n{done.stdout}\n{done.stderr}")
    return float(found.group(1).replace(",", ""))


def worker_consume(settings, folder: Path) -> tuple[int, float]:
    """(events, seconds) between the worker group's first and last commit."""
    worker = WorkerProcess(settings, folder / "worker.log").start()
    try:
        first, _ = wait_for(lambda: (c := consumed(settings))[0] > 0 and c, "a first commit", worker, timeout=600)
        started = time.perf_counter()
        _, total = wait_for(lambda: (c := consumed(settings))[0] == c[1] and c, "the last commit", worker, timeout=1800)
        return total - first, time.perf_counter() - started
    finally:
        worker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--conversations", type=int, default=600)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--bootstrap", help="use this broker instead of starting one")
    args = parser.parse_args()

    broker = kafka_broker.external(args.bootstrap) if args.bootstrap else kafka_broker.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            folder = Path(folder)
            settings = isolated_settings(broker.broker_url, folder, partitions=args.partitions)
            log = folder / "events.ndjson"
            total = write_log(log, generate(args.tickets, args.conversations, seed=5))
            deskstream(settings, "produce", str(log), timeout=1800)
            raw = asyncio.run(raw_consume(settings, total))
            ceiling = faust_ceiling(broker, settings, total)
            events, seconds = worker_consume(settings, folder)
    finally:
        if not args.bootstrap:
            broker.stop()
    raw_rate, worker_rate = total / raw, events / seconds
    print(f"{total:,} events on {args.partitions} partitions")
    print(f"raw aiokafka consume  {raw:7.2f} s  {raw_rate:10,.0f} events/s")
    print(f"Faust agent, no work             {ceiling:10,.0f} events/s")
    print(f"deskstream worker     {seconds:7.2f} s  {worker_rate:10,.0f} events/s  ({events:,} events timed)")
    print(f"ratio worker / raw    {worker_rate / raw_rate:.3f}")
    print(f"ratio worker / Faust  {worker_rate / ceiling:.3f}")


if __name__ == "__main__":
    main()
