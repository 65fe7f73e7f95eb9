"""Faust's own cost per message on this machine: an agent that does nothing, or only sends.

    python -m tests.kafka_broker start                      # prints the broker address
    python -m bench.generate --tickets 1500 --conversations 0 --out /tmp/1500.ndjson
    DESKSTREAM_BROKER_URL=kafka://ADDRESS deskstream produce /tmp/1500.ndjson
    python -m bench.faust_baseline --bootstrap ADDRESS --topic deskstream.tickets --messages 16000 --sends 0
    python -m bench.faust_baseline --bootstrap ADDRESS --topic deskstream.tickets --messages 16000 --sends 1

Consumes the topic from the start with a fresh consumer group, sends `--sends` messages
per message read, and prints messages/s once `--messages` were read. The ceiling any
Faust worker has here, whatever its agents do (seen: ~3,000/s with no send, ~1,200/s with
one). `bench.worker_throughput` runs it with no send next to the worker. Not a test.
"""
import argparse
import os
import tempfile
import time
import uuid

import faust

from streams.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True, action="append", help="a topic to read (repeat for several)")
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--sends", type=int, default=0)
    args = parser.parse_args()

    run = uuid.uuid4().hex[:8]
    app = faust.App(f"baseline-{run}", broker=f"kafka://{args.bootstrap}", store="memory://",
                    datadir=tempfile.mkdtemp(prefix="faust-baseline-"), web_enabled=False,
                    env_prefix="BASELINE_", producer_linger=Settings().producer_linger)
    raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}
    source = app.topic(*args.topic, **raw)
    sink = app.topic(f"baseline-{run}-out", partitions=4, internal=True, **raw)
    seen, started = 0, None

    @app.agent(source)
    async def read(stream):
        nonlocal seen, started
        async for event in stream.events():
            started = started or time.perf_counter()
            for _ in range(args.sends):
                sink.send_soon(key=event.message.key, value=event.message.value)
            seen += 1
            if seen == args.messages:
                rate = seen / (time.perf_counter() - started)
                print(f"{seen:,} messages, {args.sends} sends each: {rate:,.0f} messages/s", flush=True)
                os._exit(0)  # a measurement, not a service: no graceful stop needed

    worker = faust.Worker(app, loglevel="error", redirect_stdouts=False)
    worker.spinner = None  # Faust's spinner turns the root logger to DEBUG (see streams/commands/worker.py)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
