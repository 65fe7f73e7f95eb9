"""Ticket metrics computed once and kept with the ticket's state: in the worker's tickets
table, read back by a snapshot only while the reference data they were computed under is
unchanged; in a replay, for every export that writes them."""
from pathlib import Path

import pytest

from events import UserUpserted, codec
from events.commands import ExportRequest
from events.log import read_log
from projections import directory, metrics_memo
from projections.state import ProjectionState
from projections.ticket_metrics import ticket_metrics
from sinks.registry import write_exports
from projections.tickets import TicketSummary
from streams.processing import (
    decode_stored_ticket,
    decode_ticket,
    decode_ticket_metrics,
    decode_ticket_summary,
    encode_state,
)
from streams.replay import MemoryBudget, ReplayStats, fold
from streams.snapshots import Stored
from tests.projections import conversations_story
from tests.projections.tickets_story import ANA, REQUESTER, at, comment, created, people, schedule, status, weekdays


async def _feed(worker, events) -> None:
    async with worker.agents["tickets"].test_context() as agent:
        for event in events:
            await agent.put(codec.encode_avro(event), key=event.key.encode())


def _snapshot_state(worker, *later_reference_events) -> ProjectionState:
    """The state a snapshot reads: the tickets table's values as stored, and the reference
    data as it is now (with `later_reference_events` folded in after the tickets were stored)."""
    parts = dict(worker.processor.directory.parts())
    for event in later_reference_events:
        parts[event.key] = directory.apply(parts.get(event.key) or directory.initial(), event)
    table = dict(worker.runtime.tickets.items())
    return ProjectionState(tickets=Stored(table, decode_ticket, int), directory_parts=parts,
                           ticket_metrics=Stored(table, decode_ticket_metrics, int),
                           ticket_summaries=Stored(table, decode_ticket_summary, int))


# A ticket created Monday 09:00 and solved at 11:00, under a Mon-Fri 09:00-17:00 schedule.
STORY = [*people(), schedule(), created(at("03-02 09:00")), comment(at("03-02 10:30"), ANA),
         status(at("03-02 11:00"), "solved")]


async def test_stored_metrics_are_kept_in_the_tickets_table_with_the_state(worker):
    # when
    await _feed(worker, STORY)
    # then the table's value holds the state and its metrics, stamped with the account's revision
    stored = decode_stored_ticket(worker.runtime.tickets["1"])
    assert stored.metrics.revision == metrics_memo.revision(worker.processor.account())
    assert stored.metrics.metrics == ticket_metrics(stored.state, worker.processor.account())
    assert (stored.metrics.metrics.full_resolution_time.calendar, stored.metrics.metrics.full_resolution_time.business) == (120, 120)


async def test_stored_metrics_are_read_by_a_snapshot_while_the_reference_data_is_unchanged(worker, monkeypatch):
    # given
    await _feed(worker, STORY)
    computed = []
    monkeypatch.setattr(metrics_memo, "ticket_metrics", lambda *args: computed.append(args))
    state = _snapshot_state(worker)
    # when
    (ticket,) = state.live_tickets()
    metrics = state.metrics_of(ticket)
    # then none is computed
    assert computed == []
    assert metrics.full_resolution_time.business == 120


async def test_stored_metrics_after_a_schedule_change_are_computed_again_not_read_stale(worker):
    # given the ticket stored under 09:00-17:00 (120 business minutes to resolution)
    await _feed(worker, STORY)
    # when the schedule becomes 10:00-17:00 from before the ticket, after it was stored
    later = schedule(intervals=weekdays(10, 17), since=at("03-01 00:00"))
    state = _snapshot_state(worker, later)
    (ticket,) = state.live_tickets()
    # then its metrics are those of the new schedule: 10:00 to 11:00, 60 business minutes
    metrics = state.metrics_of(ticket)
    assert (metrics.full_resolution_time.calendar, metrics.full_resolution_time.business) == (120, 60)
    assert metrics.reply_time.business == 30


async def test_stored_metrics_after_a_user_made_agent_are_computed_again(worker):
    # given a ticket whose only public comment is by a user not yet an agent
    events = [*people(), schedule(), created(at("03-02 09:00")), comment(at("03-02 10:30"), REQUESTER)]
    await _feed(worker, events)
    assert decode_stored_ticket(worker.runtime.tickets["1"]).metrics.metrics.replies == 0
    # when that user becomes an agent
    promoted = UserUpserted(event_id="u7b", occurred_at=at("03-03 00:00"), user_id=REQUESTER,
                            name="Rita Requester", role="agent")
    state = _snapshot_state(worker, promoted)
    (ticket,) = state.live_tickets()
    # then the reply counts
    assert state.metrics_of(ticket).replies == 1


async def test_stored_summaries_are_read_with_their_metrics_while_the_reference_data_is_unchanged(worker, monkeypatch):
    # given
    await _feed(worker, STORY)
    computed = []
    monkeypatch.setattr(metrics_memo, "ticket_metrics", lambda *args: computed.append(args))
    state = _snapshot_state(worker)
    # when
    ((summary, metrics),) = state.live_ticket_summaries()
    # then the summary is the ticket without its comments, and no metrics are computed
    assert type(summary) is TicketSummary
    assert (summary.ticket_id, summary.status, summary.created_at) == (1, "solved", at("03-02 09:00"))
    assert computed == []
    assert metrics.full_resolution_time.business == 120


async def test_stored_summaries_after_a_schedule_change_have_their_metrics_computed_again(worker):
    # given the ticket stored under 09:00-17:00 (120 business minutes to resolution)
    await _feed(worker, STORY)
    # when the schedule becomes 10:00-17:00 from before the ticket, after it was stored
    later = schedule(intervals=weekdays(10, 17), since=at("03-01 00:00"))
    ((summary, metrics),) = _snapshot_state(worker, later).live_ticket_summaries()
    # then its metrics are those of the new schedule, from the whole state (comments included)
    assert (metrics.full_resolution_time.calendar, metrics.full_resolution_time.business) == (120, 60)
    assert metrics.reply_time.business == 30


async def test_zendesk_csv_from_stored_summaries_is_the_csv_of_a_replay(worker, tmp_path):
    # given the same events stored by the worker and folded in memory
    events = [*STORY, created(at("03-03 09:00"), ticket_id=2), comment(at("03-03 09:40"), ANA, ticket_id=2)]
    await _feed(worker, events)
    replayed = ProjectionState()
    replayed.fold(events)
    request = ExportRequest(export="zendesk-csv", time_zone="Europe/Paris", as_of=at("03-04 00:00"))
    # when
    (stored,) = write_exports(_snapshot_state(worker), ["zendesk-csv"], request, tmp_path / "stored")
    (folded,) = write_exports(replayed, ["zendesk-csv"], request, tmp_path / "replayed")
    # then
    assert stored.rows == folded.rows == 2
    assert stored.sha256 == folded.sha256


def test_stored_ticket_of_a_table_written_before_the_metrics_were_kept_is_read_without_them():
    # given a value as the tickets table held it before: the encoded state alone
    state = ProjectionState()
    for event in STORY:
        state.apply(event)
    old_value = encode_state(state.tickets[1])
    # when / then
    assert decode_ticket(old_value) == state.tickets[1]
    assert decode_ticket_metrics(old_value) is None
    assert decode_stored_ticket(old_value).metrics is None
    summary, metrics = decode_ticket_summary(old_value)
    assert metrics is None
    assert (summary.ticket_id, summary.status, summary.fields) == (1, "solved", state.tickets[1].fields)


@pytest.mark.parametrize("kept_states", [1, 10**6], ids=["on disk", "in memory"])
def test_replay_computes_each_ticket_metrics_once_for_every_export(tmp_path, monkeypatch, kept_states):
    # given the example log, and a count of the metrics computed
    computed = []
    real = metrics_memo.ticket_metrics
    monkeypatch.setattr(metrics_memo, "ticket_metrics", lambda ticket, account: computed.append(1) or real(ticket, account))
    state = fold(read_log(Path("examples/events.ndjson"), pytest.fail), None, ReplayStats(),
                 MemoryBudget(kept_states=kept_states))
    # when the four exports that write ticket metrics are written
    names = ["ticket-metrics", "zendesk-csv", "zendesk-json", "zendesk-xml"]
    results = write_exports(state, names, ExportRequest(export=""), tmp_path)
    # then each live ticket's were computed once, while folding
    live = state.live["ticket"]
    assert [result.rows for result in results[:2]] == [live, live]
    assert len(computed) == live


@pytest.mark.parametrize("kept", [True, False], ids=["metrics kept", "no metrics kept"])
def test_folding_with_or_without_kept_metrics_counts_events_of_uncreated_tickets_and_conversations(kept):
    # given a ticket and a conversation whose creations are not among their events
    events = [status(at("03-02 11:00"), "solved", ticket_id=2),
              conversations_story.status(conversations_story.t("10:00"), "open", conversation_id="c9")]
    state = ProjectionState(ticket_metrics={} if kept else None)
    # when
    state.fold(events)
    state.settle()
    # then
    assert state.uncreated == {"ticket": {2: 1}, "conversation": {"c9": 1}}
