"""Several workers in one consumer group on the real broker: reference data reaches all."""
import pytest

from events.downstream import TICKET_METRICS
from events.log import read_log, write_log
from projections.state import DIRECTORY_TYPES, ProjectionState
from projections.ticket_metrics import ticket_metrics
from streams.topics import TICKET_SIDE
from tests.integration.test_worker import EXAMPLE, all_consumed
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
