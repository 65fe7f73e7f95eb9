"""How soon the dashboard shows a change: from the downstream record's produce time to the
number changing on the page, in headless Chromium. Not a test (docs/benchmarks.md).

    python -m bench.dashboard_latency --changes 30
    python -m bench.dashboard_latency --bootstrap 127.0.0.1:9092   # an existing broker

Starts a test broker (tests/kafka_broker.py) unless --bootstrap is given, and a worker
(tests/integration/worker_harness.py); opens the page in Debian's Chromium through
Playwright, with a MutationObserver noting when the backlog total changes (Date.now()).
Then, one change at a time, produces a new ticket (the backlog grows by one) and waits for
the page to show it. Each change's latency is the page's time minus the Kafka timestamp of
that ticket's record on the ticket-metrics topic, which the worker's producer sets when it
sends it: both clocks are this machine's. Prints p50, p99 and the slowest; and, for scale,
the same from the input event's send (the worker's own work included).
"""
import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from events import TicketCreated, codec
from streams.dashboard.view import percentile
from streams.topics import bootstrap, ensure_topics, input_topic
from tests import kafka_broker
from tests.integration.test_dashboard import CHROMIUM, CHROMIUM_FLAGS
from tests.integration.worker_harness import WorkerProcess, isolated_settings, read_to_end

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
SHOWN = 60_000  # ms: the page's first figures (a worker's first start) or one change, at most
# Notes each new backlog total the page shows, with the browser's wall-clock time.
OBSERVER = """() => {
  window.shown = [];
  const total = document.getElementById("backlog-total");
  new MutationObserver(() => window.shown.push([total.textContent, Date.now()]))
    .observe(total, { childList: true, characterData: true, subtree: true });
}"""


def new_ticket(number: int) -> TicketCreated:
    return TicketCreated(event_id=f"bench-{number}", occurred_at=START + timedelta(minutes=number), ticket_id=number,
                         requester_id=9000 + number, submitter_id=9000 + number, status="new", group_id=21,
                         assignee_id=101)


def produced_at(settings, topic: str) -> dict[bytes, int]:
    """The Kafka timestamp (ms) of the first record of each key on `topic`."""
    first: dict[bytes, int] = {}
    for message in read_to_end(settings, topic):
        first.setdefault(message.key, message.timestamp)
    return first


async def measure(settings, changes: int) -> tuple[dict[int, int], dict[int, int]]:
    """When the page showed each backlog total, and when each change's input event was sent
    (ms since the epoch)."""
    from aiokafka import AIOKafkaProducer
    from playwright.async_api import async_playwright

    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap(settings), acks="all")
    await producer.start()

    inputs: dict[int, int] = {}

    async def send(number: int) -> None:
        event = new_ticket(number)
        inputs[number] = time.time_ns() // 1_000_000
        await producer.send_and_wait(input_topic(event, settings), key=event.key.encode(),
                                     value=codec.encode_avro(event))

    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = await browser.new_page()
            await send(0)  # the first figures: the page has a total to watch
            await open_once_served(page, f"http://127.0.0.1:{settings.web_port}/?timezone=UTC")
            await page.wait_for_function("document.getElementById('backlog-total').textContent === '1'",
                                         timeout=SHOWN)
            await page.evaluate(OBSERVER)
            for number in range(1, changes + 1):
                await asyncio.sleep(random.uniform(0.2, 0.5))  # not in step with the feed's reads
                await send(number)
                await page.wait_for_function(
                    f"document.getElementById('backlog-total').textContent === '{number + 1}'", timeout=SHOWN)
            shown: dict[int, int] = {}
            for text, at in await page.evaluate("window.shown"):  # the page sets the total again on every view
                shown.setdefault(int(text), at)
            await browser.close()
    finally:
        await producer.stop()
    return shown, inputs


async def open_once_served(page, url: str) -> None:
    """Open the page as soon as the worker's web server answers (it starts with the worker)."""
    from playwright.async_api import Error

    for _ in range(SHOWN // 500):
        try:
            if (await page.goto(url)).ok:
                return
        except Error:
            pass
        await asyncio.sleep(0.5)  # a polling interval while the server starts
    raise SystemExit(f"the worker's page at {url} did not answer")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--bootstrap", help="an existing broker, host:port (default: start a test broker)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium`")
    broker = kafka_broker.external(args.bootstrap) if args.bootstrap else kafka_broker.start()
    try:
        with tempfile.TemporaryDirectory(prefix="dashboard-latency-") as folder:
            settings = isolated_settings(broker.broker_url, Path(folder))
            worker = WorkerProcess(settings, Path(folder) / "worker.log").start()
            try:
                shown, inputs = asyncio.run(measure(settings, args.changes))
                sent = produced_at(settings, settings.ticket_metrics_topic)
            finally:
                worker.stop()
    finally:
        if not args.bootstrap:
            broker.stop()
    numbers = range(1, args.changes + 1)
    latencies = [shown[n + 1] - sent[str(n).encode()] for n in numbers]
    end_to_end = [shown[n + 1] - inputs[n] for n in numbers]
    print(f"{len(latencies)} changes (nearest-rank percentiles)")
    for what, values in (("downstream record produced -> number changed on the page", latencies),
                         ("input event sent -> number changed on the page", end_to_end)):
        print(f"  {what}: p50 {percentile(values, 0.5)} ms, p99 {percentile(values, 0.99)} ms, "
              f"max {max(values)} ms, mean {statistics.mean(values):.0f} ms")


if __name__ == "__main__":
    main()
