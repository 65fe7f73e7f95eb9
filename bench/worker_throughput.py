"""Worker throughput against a Faust no-op agent configured as the worker is, and its latency, in one run.

    python -m bench.worker_throughput                          # every figure (about 12 minutes)
    python -m bench.worker_throughput --latency-seconds 15 --repeats 1
    python -m bench.worker_throughput --bootstrap 127.0.0.1:9092   # an existing broker

Starts a test broker (tests/kafka_broker.py) unless --bootstrap is given, produces a
generated log to fresh input topics, and then:
1. times a plain aiokafka consumer reading it all (what the broker and client allow);
2. times a Faust agent that does nothing with it (`bench.faust_baseline`, run with the
   worker's DESKSTREAM_* variables, so the same loop, sensor and Faust settings), once
   with each candidate setting and once without, alternated, `--repeats` times;
3. times `deskstream worker` consuming it (its group's first commit to its last, so
   start-up is left out), between two runs of the no-op agent: the ratio is worker
   over their mean, the issue-15 target 0.5;
4. sends a second log at a steady --rate for --latency-seconds to a fresh worker and
   prints the event -> ticket-metrics latency, p50 and p99 (target p99 < 1 s).
The host may be shared: compare figures of one run. Not a test.
"""
import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import NamedTuple

import msgspec

from bench import worker_latency
from bench.generate import generate
from events.log import write_log
from projections.state import TICKET_TYPES
from streams.dashboard.view import percentile
from streams.topics import bootstrap
from tests import kafka_broker
from tests.integration.worker_harness import (WorkerProcess, consumed, deskstream, environment, isolated_settings,
                                              wait_for)

# Each candidate: what it is, the variables with it, the variables without it. deskstream
# runs with the first two (streams.settings) and without the other three, which measured
# no better than Faust's defaults (docs/benchmarks.md).
CANDIDATES = [
    ("uvloop as the event loop", {"DESKSTREAM_EVENT_LOOP": "uvloop"}, {"DESKSTREAM_EVENT_LOOP": "asyncio"}),
    ("Faust's Monitor sensor off", {"DESKSTREAM_SENSORS": "false"}, {"DESKSTREAM_SENSORS": "true"}),
    ("broker_max_poll_records 2000 (default: none)", {"DESKSTREAM_FAUST_BROKER_MAX_POLL_RECORDS": "2000"}, {}),
    ("stream_buffer_maxsize 16384 (default 4096)", {"DESKSTREAM_FAUST_STREAM_BUFFER_MAXSIZE": "16384"}, {}),
    ("stream_wait_empty off (default on)", {"DESKSTREAM_FAUST_STREAM_WAIT_EMPTY": "false"}, {}),
]


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


class Rate(NamedTuple):
    """How fast a run went: events per second of wall time, and its process's CPU time per event."""

    per_second: float
    cpu_us: float

    def __str__(self) -> str:
        return f"{self.per_second:7,.0f}/s {self.cpu_us:5.0f} µs"


def noop_rate(settings, total: int, variables: dict[str, str] | None = None) -> Rate:
    """The no-op Faust agent reading the input topics (bench.faust_baseline)."""
    topics = [arg for topic in (settings.ticket_topic, settings.conversation_topic) for arg in ("--topic", topic)]
    done = subprocess.run([sys.executable, "-m", "bench.faust_baseline", *topics, "--messages", str(total)],
                          env=environment(settings) | (variables or {}), capture_output=True, text=True,
                          timeout=1800)
    found = re.search(r"([\d,]+) messages/s, ([\d.]+) µs CPU", done.stdout)
    if found is None:
        raise SystemExit(f"bench.faust_baseline failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return Rate(float(found.group(1).replace(",", "")), float(found.group(2)))


def cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (its threads included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_rate(settings, folder: Path, faust: dict[str, str] | None = None) -> Rate:
    """A fresh worker group, between its first and last commit; `faust`: Faust settings
    changed (WorkerProcess.faust)."""
    run = uuid.uuid4().hex[:8]
    settings = msgspec.structs.replace(settings, app_id=f"{settings.app_id}-{run}", data_dir=folder / run)
    worker = WorkerProcess(settings, folder / f"worker-{run}.log")
    worker.faust = faust or {}
    worker.start()
    try:
        first, _ = wait_for(lambda: (c := consumed(settings))[0] > 0 and c, "a first commit", worker, timeout=600)
        started, cpu = time.perf_counter(), cpu_seconds(worker.process.pid)
        _, total = wait_for(lambda: (c := consumed(settings))[0] == c[1] and c, "the last commit", worker, timeout=1800)
        events = total - first
        if events == 0:
            raise SystemExit(f"the worker consumed all {total:,} events before its first commit: give it a longer "
                             "log (--tickets)")
        return Rate(events / (time.perf_counter() - started), (cpu_seconds(worker.process.pid) - cpu) / events * 1e6)
    finally:
        worker.stop()


def candidates(settings, total: int, repeats: int) -> None:
    """Each candidate setting on the no-op agent, with and without, alternated."""
    for what, on, off in CANDIDATES:
        with_it, without = [], []
        for turn in range(repeats):
            pair = [(with_it, on), (without, off)]
            for rates, variables in pair if turn % 2 == 0 else reversed(pair):
                rates.append(noop_rate(settings, total, variables))
        gain = statistics.mean(r.per_second for r in with_it) / statistics.mean(r.per_second for r in without)
        cpu = statistics.mean(r.cpu_us for r in without) / statistics.mean(r.cpu_us for r in with_it)
        print(f"  {what}: x{gain:.2f} in events/s, x{cpu:.2f} in CPU per event", flush=True)
        print(f"    with:    {'  '.join(map(str, with_it))}", flush=True)
        print(f"    without: {'  '.join(map(str, without))}", flush=True)


def latency(broker, folder: Path, args) -> None:
    settings = isolated_settings(broker.broker_url, folder, partitions=args.partitions)
    generated = int(args.rate * args.latency_seconds / 9) + 100  # tickets: ~11 events each in generated logs
    events = list(generate(generated, 0, seed=11))
    first_ticket = next(i for i, event in enumerate(events) if type(event) in TICKET_TYPES)
    reference, stream = events[:first_ticket], events[first_ticket:]
    asyncio.run(worker_latency.send_all(settings, reference))  # creates the topics, as `produce` would
    worker = WorkerProcess(settings, folder / "latency-worker.log").start()
    try:
        wait_for(lambda: (c := consumed(settings))[0] == c[1] and c, "the reference data", worker, timeout=600)
        started, cpu = time.perf_counter(), cpu_seconds(worker.process.pid)
        found, sent, tickets = asyncio.run(worker_latency.measure(settings, stream, args.rate, args.latency_seconds))
        busy = (cpu_seconds(worker.process.pid) - cpu) / (time.perf_counter() - started)
    finally:
        worker.stop()
    if not found:
        raise SystemExit("latency: no metrics record came back")
    p50, p99 = (percentile(found, f) for f in (0.5, 0.99))  # nearest rank, as the dashboard's
    print(f"latency at {args.rate:,.0f} events/s for {args.latency_seconds:g} s ({sent:,} events, {tickets:,} "
          f"of tickets, {len(found):,} of them seen downstream): p50 {p50 * 1000:,.0f} ms  p99 {p99 * 1000:,.0f} ms "
          f"(worker busy {busy:.0%} of one core; host load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--conversations", type=int, default=600)
    parser.add_argument("--partitions", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2, help="runs of each candidate setting and of the worker")
    parser.add_argument("--rate", type=float, default=500, help="events/s of the latency run")
    parser.add_argument("--latency-seconds", type=float, default=60, help="length of the latency run (0: none)")
    parser.add_argument("--skip-candidates", action="store_true", help="leave out the candidate settings")
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
            print(f"{total:,} events on {args.partitions} partitions", flush=True)
            raw = asyncio.run(raw_consume(settings, total))
            print(f"raw aiokafka consume {total / raw:10,.0f}/s", flush=True)
            if not args.skip_candidates:
                print("no-op Faust agent, with and without each candidate setting (events/s, CPU per event):",
                      flush=True)
                candidates(settings, total, args.repeats)
            for _ in range(args.repeats):
                before = noop_rate(settings, total)
                worker = worker_rate(settings, folder)
                after = noop_rate(settings, total)
                noop = Rate(*((a + b) / 2 for a, b in zip(before, after)))
                print(f"no-op agent {before} / {after}, deskstream worker {worker}: ratio worker / no-op "
                      f"{worker.per_second / noop.per_second:.3f} in events/s, "
                      f"{noop.cpu_us / worker.cpu_us:.3f} in CPU per event", flush=True)
            if args.latency_seconds > 0:
                latency(broker, folder, args)
    finally:
        if not args.bootstrap:
            broker.stop()


if __name__ == "__main__":
    main()
