"""Several workers in one consumer group on the real broker: reference data reaches all,
and a snapshot asked of either covers every partition."""
import asyncio
import json
import urllib.request

import pytest

from events.downstream import TICKET_METRICS
from events.log import read_log, write_log
from projections.state import DIRECTORY_TYPES, ProjectionState
from projections.ticket_metrics import ticket_metrics
from streams.topics import TICKET_SIDE, bootstrap, snapshot_parts_topic
from tests.integration.test_worker import ADMIN, EXAMPLE, _ready, all_consumed, replay_bytes
from tests.integration.worker_harness import (
    another_worker,
    deskstream,
    input_partitions_by_member,
    latest_records,
    wait_for,
)

pytestmark = pytest.mark.kafka


def test_reference_data_reaches_every_worker_so_agent_replies_count_on_both(run, tmp_path):
    settings, first = run
    # given the example account's users, groups and schedules, folded by a first worker
    events = [e for e in read_log(EXAMPLE, on_error=pytest.fail) if type(e) in TICKET_SIDE]
    reference, tickets = tmp_path / "reference.ndjson", tmp_path / "tickets.ndjson"
    write_log(reference, (e for e in events if type(e) in DIRECTORY_TYPES))
    write_log(tickets, (e for e in events if type(e) not in DIRECTORY_TYPES))
    deskstream(settings, "produce", str(reference))
    first.start()
    wait_for(lambda: all_consumed(settings), "the first worker to fold the reference data", first)
    # and a second worker joining the group, which takes some of the partitions over
    second = another_worker(settings, tmp_path, "second").start()
    try:
        held = wait_for(lambda: _each_holds_some(settings), "both workers to hold input partitions", second)
        # when the tickets come, over every partition
        deskstream(settings, "produce", str(tickets))
        wait_for(lambda: all_consumed(settings), "both workers to fold the tickets", second)
        # then each ticket's metrics on the downstream topic are replay's, agent replies
        # and first reply times included, whichever worker folded it
        records = {key: (partition, TICKET_METRICS.decode(value))
                   for key, (partition, value) in latest_records(settings, settings.ticket_metrics_topic).items()
                   if value is not None}
        assert {int(key): metrics for key, (_, metrics) in records.items()} == _replayed(events)
        for partitions in held:
            replied = [m for partition, m in records.values() if partition in partitions and m.replies > 0]
            assert replied, f"no ticket with an agent reply on the partitions {sorted(partitions)} of one worker"
    finally:
        second.stop()


def _each_holds_some(settings) -> list[set[int]] | None:
    held = input_partitions_by_member(settings)
    return held if len(held) == 2 and all(held) else None


def _replayed(events) -> dict:
    state = ProjectionState()
    state.fold(events)
    return {ticket.ticket_id: ticket_metrics(ticket, state.account) for ticket in state.live_tickets()}


def test_snapshot_asked_of_either_worker_covers_every_partition_and_equals_replay(run, tmp_path):
    settings, first = run
    # given two workers sharing the input partitions, which consumed the example log
    first.start()
    second = another_worker(settings, tmp_path, "second").start()
    try:
        wait_for(lambda: _each_holds_some(settings), "both workers to hold input partitions", second)
        deskstream(settings, "produce", str(EXAMPLE))
        wait_for(lambda: all_consumed(settings), "both workers to fold the log", second)
        # and each holds the part requests of the input partitions it holds (co-partitioned)
        for tickets, parts in _held_by_member(settings, settings.ticket_topic, snapshot_parts_topic(settings)):
            assert parts == tickets and tickets
        expected = replay_bytes(settings, EXAMPLE, tmp_path / "replay")
        every_partition = {f"{settings.ticket_topic}:{p}" for p in range(settings.partitions)}
        # when a snapshot is asked on the command topic, then of each worker over HTTP
        done = deskstream(settings, "snapshot", "ticket-metrics", "--as", ADMIN, "--timeout", "120")
        answers = [(open(done.stdout.strip(), "rb").read(), _offsets(done.stderr))]
        for worker in (first, second):
            answers.append(_http_snapshot(worker))
        # then each is replay's bytes, and lists the offset of every input partition
        for asked, (content, offsets) in zip(("command topic", "first worker", "second worker"), answers):
            assert _ticket_ids(content) == _ticket_ids(expected), f"snapshot asked of the {asked}"
            assert content == expected, f"snapshot asked of the {asked}"
            assert every_partition <= offsets.keys()
    finally:
        second.stop()


@pytest.mark.slow  # about 30 s: the group waits out the dead worker's session
def test_snapshot_whose_part_holder_died_is_completed_by_the_partition_new_owner(run, tmp_path):
    settings, survivor = run
    # given two workers that consumed the example log
    survivor.start()
    victim = another_worker(settings, tmp_path, "victim").start()
    try:
        held = wait_for(lambda: _each_holds_some(settings), "both workers to hold input partitions", victim)
        deskstream(settings, "produce", str(EXAMPLE))
        wait_for(lambda: all_consumed(settings), "both workers to fold the log", victim)
        # when one stops dead (its part requests unanswered), a snapshot is asked of the
        # other, and the stopped one is killed
        victim.pause()
        export_id = _ask(survivor, "ticket-metrics")
        victim.kill()
        # then the survivor takes the dead one's partitions over, answers their part
        # requests again, and the export is whole: replay's bytes
        content, offsets = _http_result(survivor, export_id)
        assert content == replay_bytes(settings, EXAMPLE, tmp_path / "replay")
        assert len(held) == 2
        # and it lists the offsets of the partitions the survivor folded events of; those
        # it took over idle have their entities but no offset known (docs/decisions.md)
        ticket_offsets = {key for key in offsets if key.startswith(f"{settings.ticket_topic}:")}
        assert ticket_offsets and ticket_offsets < {f"{settings.ticket_topic}:{p}" for p in range(settings.partitions)}
    finally:
        victim.stop()


def _ticket_ids(content: bytes) -> list[int]:
    return [json.loads(line)["ticket_id"] for line in content.splitlines()]


def _offsets(stderr: str) -> dict[str, int]:
    """The offsets `deskstream snapshot` prints: "N rows, sha256 H, offsets {...}"."""
    return json.loads(stderr.strip().splitlines()[-1].split(", offsets ", 1)[1])


def _ask(worker, export: str) -> str:
    base = f"http://127.0.0.1:{worker.settings.web_port}"
    request = urllib.request.Request(f"{base}/exports/{export}", method="POST",
                                     headers={"X-Deskstream-As": ADMIN})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["id"]


def _http_result(worker, export_id: str) -> tuple[bytes, dict[str, int]]:
    base = f"http://127.0.0.1:{worker.settings.web_port}"
    status = wait_for(lambda: _ready(f"{base}/exports/{export_id}"), "the export to be ready", worker)
    with urllib.request.urlopen(f"{base}/exports/{export_id}?download=1", timeout=30) as response:
        return response.read(), status["offsets"]


def _http_snapshot(worker) -> tuple[bytes, dict[str, int]]:
    return _http_result(worker, _ask(worker, "ticket-metrics"))


def _held_by_member(settings, *topics: str) -> list[tuple[set[int], ...]]:
    """For each member of the worker's group, the partitions of each of `topics` it holds."""
    return asyncio.run(_described(settings, topics))


async def _described(settings, topics) -> list[tuple[set[int], ...]]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap(settings))
    await admin.start()
    try:
        (response,) = await admin.describe_consumer_groups([settings.app_id])
        (group,) = response.to_object()["groups"]
        held = []
        for member in group["members"]:
            assignment = dict(ConsumerProtocolMemberAssignment.decode(member["member_assignment"]).assignment)
            held.append(tuple(set(assignment.get(topic, ())) for topic in topics))
        return held
    finally:
        await admin.close()
