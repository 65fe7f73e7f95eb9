"""Faust's own cost per message on this machine: an agent that does nothing, or only sends.

    python -m tests.kafka_broker start                      # prints the broker address
    python -m bench.generate --tickets 1500 --conversations 0 --out /tmp/1500.ndjson
    DESKSTREAM_BROKER_URL=kafka://ADDRESS deskstream produce /tmp/1500.ndjson
    DESKSTREAM_BROKER_URL=kafka://ADDRESS python -m bench.faust_baseline --topic deskstream.tickets --messages 16000
    DESKSTREAM_BROKER_URL=kafka://ADDRESS python -m bench.faust_baseline --topic deskstream.tickets --messages 16000 --sends 1

Consumes the topic from the start with a fresh consumer group, sends `--sends` messages
per message read, and prints messages/s once `--messages` were read. The app is
configured as `deskstream worker` configures its own, from the same DESKSTREAM_*
variables (streams.faust_config: event loop, sensor, Faust settings), so it is the
ceiling the worker has here whatever its agents do. `bench.worker_throughput` runs it
with no send next to the worker. Not a test.
"""
import argparse
import os
import tempfile
import time
import uuid

import faust

from streams.faust_config import app_options, use_event_loop
from streams.producer import App
from streams.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topic", required=True, action="append", help="a topic to read (repeat for several)")
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--sends", type=int, default=0)
    args = parser.parse_args()

    settings = Settings.from_env()
    use_event_loop(settings)
    run = uuid.uuid4().hex[:8]
    options = app_options(settings) | {"datadir": tempfile.mkdtemp(prefix="faust-baseline-")}
    app = App(f"{settings.app_id}-baseline-{run}", **options)  # the worker's own App class
    raw = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}
    source = app.topic(*args.topic, **raw)
    sink = app.topic(f"baseline-{run}-out", partitions=4, internal=True, **raw)
    seen, started, cpu = 0, None, None

    @app.task
    async def create_sink() -> None:  # a topic only sent to is not one Faust creates at start
        await sink.maybe_declare()

    @app.agent(source)
    async def read(stream):
        nonlocal seen, started, cpu
        async for event in stream.events():
            if started is None:
                started, cpu = time.perf_counter(), time.process_time()
            for _ in range(args.sends):
                sink.send_soon(key=event.message.key, value=event.message.value)
            seen += 1
            if seen == args.messages:
                rate = seen / (time.perf_counter() - started)
                # The process's CPU time (its threads' too), which other work on the host moves less.
                per_message = (time.process_time() - cpu) / seen * 1e6
                print(f"{seen:,} messages, {args.sends} sends each: {rate:,.0f} messages/s, "
                      f"{per_message:.1f} µs CPU per message", flush=True)
                os._exit(0)  # a measurement, not a service: no graceful stop needed

    worker = faust.Worker(app, loglevel="error", redirect_stdouts=False)
    worker.spinner = None  # Faust's spinner turns the root logger to DEBUG (see streams/commands/worker.py)
    worker.execute_from_commandline()


if __name__ == "__main__":
    main()
