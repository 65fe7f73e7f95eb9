"""The README's picture of the dashboard: the example log through a worker, the page in
headless Chromium, a full-page screenshot. Not a test.

    python -m bench.dashboard_screenshot docs/dashboard.png

Starts a test broker and a worker as bench.dashboard_latency does; produces the example
log's reference data first (records are named with the names known when they change),
then the rest, and shoots the page in Europe/Paris once every event is consumed, the
owners' rows are shown and the page has stopped changing.
"""
import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.dashboard_latency import open_once_served
from events.log import read_log, write_log
from projections.hootdesk_directory import HOOTDESK_REFERENCE_TYPES
from projections.state import DIRECTORY_TYPES
from tests import kafka_broker
from tests.integration.test_dashboard import CHROMIUM, CHROMIUM_FLAGS
from tests.integration.worker_harness import WorkerProcess, consumed, deskstream, isolated_settings, wait_for

EXAMPLE = Path(__file__).parents[1] / "examples" / "events.ndjson"
REFERENCE = DIRECTORY_TYPES | HOOTDESK_REFERENCE_TYPES
STILL = 3.0  # seconds the page must stay the same to be taken as complete


def produce_in_order(settings, folder: Path, worker: WorkerProcess) -> None:
    events = list(read_log(EXAMPLE, on_error=print))
    for name, part in (("reference", [e for e in events if type(e) in REFERENCE]),
                       ("activity", [e for e in events if type(e) not in REFERENCE])):
        write_log(folder / f"{name}.ndjson", part)
        deskstream(settings, "produce", str(folder / f"{name}.ndjson"))
        wait_for(lambda: all_consumed(settings), f"the worker to consume the {name} events", worker)


def all_consumed(settings) -> bool:
    done, total = consumed(settings)
    return done == total


async def shoot(settings, target: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = await browser.new_page(viewport={"width": 1400, "height": 900})
        await open_once_served(page, f"http://127.0.0.1:{settings.web_port}/?timezone=Europe/Paris")
        for rows in ("#agent-rows", "#hootdesk-agent-rows"):  # the rollups come a step after the metrics
            await page.wait_for_selector(f"{rows} tr[data-owner]", timeout=120_000)
        seen, since = None, time.monotonic()
        while time.monotonic() - since < STILL:
            await asyncio.sleep(0.5)  # a polling interval: the page settles as the downstream topics are read
            text = await page.inner_text("main")
            if text != seen:
                seen, since = text, time.monotonic()
        await page.screenshot(path=str(target), full_page=True)
        await browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    broker = kafka_broker.start()
    try:
        with tempfile.TemporaryDirectory(prefix="dashboard-screenshot-") as folder:
            settings = isolated_settings(broker.broker_url, Path(folder))
            worker = WorkerProcess(settings, Path(folder) / "worker.log").start()
            try:
                produce_in_order(settings, Path(folder), worker)
                asyncio.run(shoot(settings, args.target))
            except Exception:
                print(f"the worker's log, last lines:\n{worker.log_tail()}")
                raise
            finally:
                worker.stop()
    finally:
        broker.stop()
    print(f"wrote {args.target}")


if __name__ == "__main__":
    main()
