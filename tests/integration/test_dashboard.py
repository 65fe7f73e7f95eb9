"""The live dashboard in a real browser: a worker on the real broker, the page in headless
Chromium (Debian's, driven by Playwright), figures that follow the events produced."""
import json
from concurrent.futures import ThreadPoolExecutor
import time
import urllib.error
import urllib.request
from pathlib import Path

import msgspec
import pytest

from tests.integration.worker_harness import (
    WorkerProcess,
    another_worker,
    consumed,
    deskstream,
    input_partitions_by_member,
    isolated_settings,
    latest_records,
    wait_for,
)

pytestmark = pytest.mark.kafka
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialing out, which this machine refuses.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
TOKEN = "dashboard-test-token"
STARTED = 120_000  # ms: a worker's first start (group join, topics, the feed's first read)
LIVE = 30_000  # ms: an event's way through the worker and the downstream topics to the page


def ticket_event(kind: str, ticket_id: int, at: str, number: int, **fields) -> dict:
    return {"type": kind, "event_id": f"t{ticket_id}-{number}", "occurred_at": at, "schema_version": 1,
            "ticket_id": ticket_id, **fields}


def created(ticket_id: int, at: str, status: str) -> dict:
    """Ticket `ticket_id` of group 21, assigned to agent 101."""
    return ticket_event("TicketCreated", ticket_id, at, 1, requester_id=9000 + ticket_id, submitter_id=9000 + ticket_id,
                        status=status, group_id=21, assignee_id=101)


def reference(kind: str, number: int, **fields) -> dict:
    return {"type": kind, "event_id": f"ref-{number}", "occurred_at": "2026-03-02T08:00:00Z", "schema_version": 1,
            **fields}


# Group 21 and agent 101 by name; Hootdesk agent a-1 (Léa) in team "Chat", available from 08:00.
DIRECTORY = (reference("GroupUpserted", 1, group_id=21, name="Tier 1"),
             reference("UserUpserted", 2, user_id=101, name="Claire Fontaine", role="agent"),
             reference("TeamUpserted", 3, team_id="chat", name="Chat"),
             reference("AgentUpserted", 4, agent_id="a-1", name="Léa Martin", team_ids=["chat"]),
             reference("AgentWentAvailable", 5, agent_id="a-1"))


def conversation(number: int, kind: str, at: str, **fields) -> dict:
    return {"type": kind, "event_id": f"c1-{number}", "occurred_at": at, "schema_version": 1, "conversation_id": "c1",
            **fields}


# Léa answers c1 at 10:05 and leaves it Pending: one open conversation for her.
ANSWERED = (conversation(1, "ConversationCreated", "2026-03-02T10:00:00Z", contact_id="k1", channel="chat",
                         medium="Web"),
            conversation(2, "MessageReceived", "2026-03-02T10:00:00Z", message_id="m1", contact_id="k1", channel="chat",
                         medium="Web"),
            conversation(3, "MessageSent", "2026-03-02T10:05:00Z", message_id="m2", sender_id="a-1", channel="chat",
                         medium="Web"),
            conversation(4, "ConversationStatusChanged", "2026-03-02T10:06:00Z", status="Pending", agent_id="a-1"))


def produce(settings, folder: Path, name: str, *events: dict) -> None:
    path = folder / f"{name}.ndjson"
    path.write_text("".join(json.dumps(event) + "\n" for event in events))
    deskstream(settings, "produce", str(path))


@pytest.fixture
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def test_dashboard_figures_follow_the_events_and_survive_a_worker_restart(kafka_broker, tmp_path, browser):
    from playwright.sync_api import expect

    settings = msgspec.structs.replace(isolated_settings(kafka_broker.broker_url, tmp_path), web_token=TOKEN)
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    base = f"http://127.0.0.1:{settings.web_port}"
    try:
        # given the directory (consumed first: records are named with the names known then),
        # two tickets of group 21, one new and one open, and a conversation Léa left Pending
        produce(settings, tmp_path, "directory", *DIRECTORY)
        wait_for(lambda: _committed(settings) == len(DIRECTORY), "the worker to consume the directory", worker)
        produce(settings, tmp_path, "first", created(1, "2026-03-02T09:00:00Z", "new"),
                created(2, "2026-03-02T10:00:00Z", "open"), *ANSWERED)
        page = browser.new_page()
        _open_once_served(page, f"{base}/?token={TOKEN}&timezone=UTC")
        # then the page shows them
        expect(page.locator("#backlog-total")).to_have_text("2", timeout=STARTED)
        expect(page.locator("#backlog-new")).to_have_text("1")
        expect(page.locator("#backlog-open")).to_have_text("1")
        expect(page.locator("#now")).to_have_text("2026-03-02 10:06 (UTC)")
        # and the owners by name, Léa's open conversation, who is available
        expect(page.locator('#team-rows tr[data-owner="group:21"] td').first).to_have_text("Tier 1", timeout=LIVE)
        expect(page.locator('#agent-rows tr[data-owner="agent:101"] td').first).to_have_text("Claire Fontaine")
        lea = page.locator('#hootdesk-agent-rows tr[data-owner="agent:a-1"] td')
        expect(lea.nth(0)).to_have_text("Léa Martin", timeout=LIVE)
        expect(lea.nth(1)).to_have_text("1")  # open
        expect(lea.nth(3)).to_have_text("5 min")  # first response
        expect(page.locator("#available-now")).to_have_text("Léa Martin")
        expect(page.locator("#team")).to_contain_text("Tier 1")

        # when the Hootdesk team Chat is chosen
        expect(page.locator('#hootdesk-teams option[value="team:chat"]')).to_have_text("Chat", timeout=LIVE)
        page.select_option("#team", "team:chat")
        # then only the Hootdesk side shows, with Chat's agent Léa; then all teams again
        expect(page.locator('#hootdesk-team-rows tr[data-owner="team:chat"] td').nth(1)).to_have_text("1",
                                                                                                      timeout=LIVE)
        expect(page.locator('#hootdesk-agent-rows tr[data-owner="agent:a-1"]')).to_be_visible()
        expect(page.locator("#backlog-total")).to_be_hidden()
        page.select_option("#team", "")
        expect(page.locator("#backlog-total")).to_be_visible(timeout=LIVE)

        # when ticket 1 is solved at 11:00, two hours after its creation
        produce(settings, tmp_path, "solve", ticket_event("TicketStatusChanged", 1, "2026-03-02T11:00:00Z", 2,
                                                          status="solved", previous_status="new"))
        # then, without reloading: one left in the backlog, one solved today, and group 21's rollup
        expect(page.locator("#backlog-total")).to_have_text("1", timeout=LIVE)
        expect(page.locator("#today-solved")).to_have_text("1")
        team = page.locator('#team-rows tr[data-owner="group:21"] td')
        expect(team.nth(1)).to_have_text("1", timeout=LIVE)  # unsolved
        expect(team.nth(2)).to_have_text("1", timeout=LIVE)  # solved
        expect(team.nth(7)).to_have_text("2 h 00")  # full resolution median, no schedule: calendar minutes
        expect(page.locator("#connection")).to_have_text("live")

        # when the worker dies, a ticket arrives meanwhile, and a new worker starts
        worker.kill()
        expect(page.locator("#connection")).to_have_text("reconnecting…", timeout=LIVE)
        produce(settings, tmp_path, "meanwhile", created(3, "2026-03-02T12:00:00Z", "new"))
        worker = WorkerProcess(settings, tmp_path / "worker-2.log").start()
        # then the same page reconnects by itself and shows the new ticket
        expect(page.locator("#backlog-total")).to_have_text("2", timeout=STARTED)
        expect(page.locator("#connection")).to_have_text("live")
        # and without the token, the page and its stream are refused
        assert _status(f"{base}/") == _status(f"{base}/dashboard/events") == 401
    finally:
        worker.stop()


# Six tickets of group 21 over the three input partitions (0: 1 and 5, 1: 4 and 6, 2: 2 and 3),
# created an hour apart from 08:00: at 13:00 their ages are 5 to 0 hours.
SPREAD = [created(ticket_id, f"2026-03-02T{7 + ticket_id:02d}:00:00Z", status)
          for ticket_id, status in enumerate(("new", "open", "pending", "hold", "new", "open"), start=1)]


def test_each_worker_page_shows_every_ticket_whichever_worker_folded_it(kafka_broker, tmp_path, browser):
    from playwright.sync_api import expect

    settings = msgspec.structs.replace(isolated_settings(kafka_broker.broker_url, tmp_path), web_token=TOKEN)
    first = WorkerProcess(settings, tmp_path / "worker.log").start()
    second = another_worker(settings, tmp_path, "second").start()
    try:
        # given two workers of one group, each holding some input partitions
        held = wait_for(lambda: _in_thread(_each_holds_some, settings), "both workers to hold input partitions",
                        second)
        # when six tickets come, over every partition, and both have folded them
        produce(settings, tmp_path, "spread", *SPREAD)
        wait_for(lambda: _committed(settings) == len(SPREAD), "the workers to fold the tickets", second)
        partition_of = {int(key): partition for key, (partition, _) in
                        _in_thread(latest_records, settings, settings.ticket_topic).items()}
        assert all(any(partition_of[t] in partitions for t in partition_of) for partitions in held), (
            f"a worker folded no ticket: partitions {held}, tickets {partition_of}")
        pages = [browser.new_page() for _ in (first, second)]
        for page, worker in zip(pages, (first, second)):
            _open_once_served(page, f"http://127.0.0.1:{worker.settings.web_port}/?token={TOKEN}&timezone=UTC")
        # then each worker's page shows all six, those of the other worker's partitions too
        for page in pages:
            expect(page.locator("#backlog-total")).to_have_text("6", timeout=LIVE)
            for status, count in (("new", "2"), ("open", "2"), ("pending", "1"), ("hold", "1")):
                expect(page.locator(f"#backlog-{status}")).to_have_text(count)
            expect(page.locator("#now")).to_have_text("2026-03-02 13:00 (UTC)")
            expect(page.locator("#backlog-median-age")).to_have_text("2.0 h")  # nearest rank: the 3rd of 6
            expect(page.locator("#backlog-oldest-age")).to_have_text("5.0 h")
            expect(page.locator('#team-rows tr[data-owner="group:21"] td').nth(1)).to_have_text("6", timeout=LIVE)
            expect(page.locator('#agent-rows tr[data-owner="agent:101"] td').nth(1)).to_have_text("6", timeout=LIVE)
        # and the same figures everywhere
        assert pages[0].inner_text("main") == pages[1].inner_text("main")
    finally:
        second.stop()
        first.stop()


def _each_holds_some(settings) -> list[set[int]] | None:
    held = input_partitions_by_member(settings)
    return held if len(held) == 2 and all(held) else None


def _open_once_served(page, url: str, deadline: float = STARTED / 1000) -> None:
    """Open the page as soon as the worker's web server answers (it starts with the worker)."""
    from playwright.sync_api import Error

    give_up = time.monotonic() + deadline
    while True:
        try:
            if page.goto(url).ok:
                return
        except Error:
            if time.monotonic() > give_up:
                raise
        time.sleep(0.5)  # a polling interval while the server starts


def _in_thread(function, *args):
    """`function(*args)` in a thread of its own: it runs an asyncio loop, and Playwright's runs in this one."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(function, *args).result()


def _committed(settings) -> int:
    """Input events the workers have committed."""
    return _in_thread(consumed, settings)[0]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
