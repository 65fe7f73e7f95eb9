"""Agent wiring with Faust's test_context(): memory tables, downstream topics mocked."""
import json
from unittest.mock import AsyncMock, Mock

import msgspec
import pytest

from events import TicketDeleted, codec
from events.commands import ExportRequest, SnapshotRequested
from events.downstream import CONVERSATION_METRICS, ROLLUP, TICKET_METRICS
from projections import tickets as ticket_fold
from projections.state import ProjectionState
from streams.folded import Folded
from streams.processing import RollupChanges, StoredTicket, decode_conversation, decode_ticket
from streams.settings import Settings
from streams.worker import Worker
from tests.projections import conversations_story
from tests.projections.conversations_story import ANA as ANA_AGENT
from tests.projections.conversations_story import t
from tests.projections.tickets_story import ANA, BOB, assignee, at, comment, created, people, schedule, status
from tests.streams.own_parts import own_parts

STORY = people() + [schedule()] + [
    created(at("03-02 09:00"), ticket_id=1),
    comment(at("03-02 10:30"), ANA, ticket_id=1),
    status(at("03-02 11:00"), "solved", ticket_id=1),
]

# A ticket assigned to Ana in group 3, then moved to Bob.
MOVED = people() + [
    created(at("03-02 09:00"), ticket_id=1, assignee_id=ANA, group_id=3),
    assignee(at("03-02 10:00"), BOB, ticket_id=1),
]


@pytest.fixture
def worker(tmp_path):
    return _mocked(Worker(Settings(store="memory://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports")))


def _mocked(worker: Worker) -> Worker:
    """The worker with its sends recorded instead of produced."""
    runtime = worker.runtime
    for topic in ("dead_letter_topic", "export_ready_topic", "export_audit_topic", "ticket_topic"):
        setattr(getattr(runtime, topic), "send", AsyncMock())
    for topic in ("ticket_metrics_topic", "conversation_metrics_topic", "rollup_changes_topic", "agent_rollups_topic",
                  "team_rollups_topic", "figure_changes_topic", "agent_figures_topic", "team_figures_topic"):
        setattr(getattr(runtime, topic), "send_soon", Mock())
    worker.gather = own_parts(worker)
    return worker


async def _feed(worker, events, encode=codec.encode_avro):
    async with worker.agents["tickets"].test_context() as agent:
        for event in events:
            await agent.put(encode(event), key=event.key.encode())


async def test_tickets_agent_stores_the_folded_state_in_the_table(worker):
    # when
    await _feed(worker, STORY)
    # then
    assert decode_ticket(worker.runtime.tickets["1"]).status == "solved"


async def test_tickets_agent_publishes_metrics_on_each_change(worker):
    await _feed(worker, STORY)
    sends = worker.runtime.ticket_metrics_topic.send_soon.call_args_list
    assert [call.kwargs["key"] for call in sends] == [b"1", b"1", b"1"]
    last = TICKET_METRICS.decode(sends[-1].kwargs["value"])
    assert (last.reply_time.calendar, last.full_resolution_time.calendar) == (90, 120)


async def test_redelivered_event_changes_nothing_and_publishes_nothing(worker):
    # given the story, then its last event delivered again
    await _feed(worker, STORY)
    before = worker.runtime.tickets["1"]
    # when
    await _feed(worker, STORY[-1:])
    # then
    assert worker.runtime.tickets["1"] == before
    assert worker.runtime.ticket_metrics_topic.send_soon.call_count == 3


async def test_events_of_one_batch_are_stored_and_published_once(tmp_path):
    # given a worker whose batches hold the whole story
    settings = Settings(store="memory://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports",
                        batch_size=len(STORY), batch_wait=30.0)
    worker = _mocked(Worker(settings))
    # when the story comes in one batch
    async with worker.agents["tickets"].test_context() as agent:
        for event in STORY:
            await agent.put(codec.encode_avro(event), key=event.key.encode(), wait=event is STORY[-1])
    # then the ticket is stored and its final metrics go out, once
    (call,) = worker.runtime.ticket_metrics_topic.send_soon.call_args_list
    assert TICKET_METRICS.decode(call.kwargs["value"]).full_resolution_time.calendar == 120
    assert decode_ticket(worker.runtime.tickets["1"]).status == "solved"


async def test_copy_of_an_event_with_other_content_in_one_batch_is_ignored_as_replay_ignores_it(tmp_path):
    # given the story in one batch, then a comment claiming the solving event's id and time
    solved = STORY[-1]
    copy = msgspec.structs.replace(comment(solved.occurred_at, BOB, ticket_id=1), event_id=solved.event_id)
    events = [*STORY, copy]
    settings = Settings(store="memory://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports",
                        batch_size=len(events), batch_wait=30.0)
    worker = _mocked(Worker(settings))
    # when
    async with worker.agents["tickets"].test_context() as agent:
        for event in events:
            await agent.put(codec.encode_avro(event), key=event.key.encode(), wait=event is copy)
    # then the ticket is the one replay folds, and the story's own: the copy ignored
    replayed, story = ProjectionState(), ProjectionState()
    replayed.fold(events)
    story.fold(STORY)
    assert decode_ticket(worker.runtime.tickets["1"]) == replayed.tickets[1] == story.tickets[1]


async def test_json_events_are_accepted_too(worker):
    await _feed(worker, STORY, encode=codec.encode_json)
    assert "1" in worker.runtime.tickets


async def test_undecodable_event_goes_to_dead_letters_and_the_agent_goes_on(worker):
    # given a broken message between good ones
    async with worker.agents["tickets"].test_context() as agent:
        await agent.put(codec.encode_avro(STORY[-3]), key=b"1")
        await agent.put(b'{"type":"TicketCreated","ticket_id":"x"}', key=b"1")
        await agent.put(codec.encode_avro(STORY[-2]), key=b"1")
    # then
    (call,) = worker.runtime.dead_letter_topic.send.call_args_list
    assert call.kwargs["value"] == b'{"type":"TicketCreated","ticket_id":"x"}'
    assert call.kwargs["headers"]["deskstream-reason"] == b"Expected `int`, got `str` - at `$.ticket_id`"
    assert call.kwargs["headers"]["deskstream-source"].endswith(b":1")  # the offset of the bad message
    assert "1" in worker.runtime.tickets


async def test_event_keyed_otherwise_is_sent_round_under_its_entity_key(worker):
    event = STORY[-1]
    async with worker.agents["tickets"].test_context() as agent:
        await agent.put(codec.encode_avro(event), key=b"wrong-key")
    (call,) = worker.runtime.ticket_topic.send.call_args_list
    assert call.kwargs["key"] == b"1"
    assert "1" not in worker.runtime.tickets


async def test_snapshot_command_writes_the_export_from_the_tables(worker, tmp_path):
    # given the story in the tables
    await _feed(worker, STORY)
    command = SnapshotRequested(request_id="r1", request=ExportRequest(export="ticket-metrics"))
    # when
    async with worker.agents["commands"].test_context() as agent:
        await agent.put(msgspec.json.encode(command))
    # then
    ready = worker.ready["r1"]
    assert ready.path == str(tmp_path / "exports" / "r1" / "ticket_metrics.ndjson")
    assert ready.rows == 1 and ready.error is None
    row = json.loads(open(ready.path).readline())
    assert row["reply_time_in_minutes"] == {"calendar": 90, "business": 90}
    assert ready.export == "ticket-metrics"


async def test_snapshot_of_unknown_export_answers_with_an_error(worker):
    async with worker.agents["commands"].test_context() as agent:
        await agent.put(b'{"type":"SnapshotRequested","request_id":"r2","request":{"export":"nope"}}')
    assert worker.ready["r2"].error.startswith("unknown export 'nope'")


async def test_ticket_changes_are_sent_to_their_owners_rollups(worker):
    # when
    await _feed(worker, MOVED)
    # then: creation went to Ana and the group; the move goes to Bob and tells Ana the
    # ticket left her; the group, whose contribution did not change, hears nothing new
    sends = worker.runtime.rollup_changes_topic.send_soon.call_args_list
    changes = [(c.kwargs["key"], _changes(c).tickets[1] is None) for c in sends]
    assert changes == [(b"agent:11", False), (b"group:3", False), (b"agent:12", False), (b"agent:11", True)]


async def test_rollups_agent_folds_contributions_and_publishes_the_rollup(worker):
    # given the changes the tickets agent sent for the ticket moved from Ana to Bob
    await _feed(worker, MOVED)
    changes = worker.runtime.rollup_changes_topic.send_soon.call_args_list
    # when
    async with worker.agents["rollups"].test_context() as agent:
        for call in changes:
            await agent.put(call.kwargs["value"], key=call.kwargs["key"])
    # then: Ana holds nothing any more, Bob one unsolved ticket; each named as the directory says
    published = {c.kwargs["key"]: ROLLUP.decode(c.kwargs["value"])
                 for c in worker.runtime.agent_rollups_topic.send_soon.call_args_list}
    assert (published[b"agent:11"].unsolved_tickets, published[b"agent:12"].unsolved_tickets) == (0, 1)
    assert (published[b"agent:11"].owner_name, published[b"agent:12"].owner_name) == ("Ana Agent", "Bob Admin")
    teams = {c.kwargs["key"]: ROLLUP.decode(c.kwargs["value"])
             for c in worker.runtime.team_rollups_topic.send_soon.call_args_list}
    assert {key: rollup.owner_name for key, rollup in teams.items()} == {b"group:3": "Support"}


def _changes(call) -> RollupChanges:
    return msgspec.msgpack.decode(call.kwargs["value"], type=RollupChanges)


async def test_conversations_agent_stores_the_conversation_and_publishes_its_metrics(worker):
    # given Ana's directory entry, then a contact writing at 09:00, Ana locking at 09:01,
    # answering at 09:03:30 and resolving at 09:05
    story = conversations_story.directory() + [
        conversations_story.created(t("09:00")),
        conversations_story.inbound(t("09:00"), "m1"),
        conversations_story.locked(t("09:01"), ANA_AGENT),
        conversations_story.outbound(t("09:03:30"), "m2"),
        conversations_story.resolved(t("09:05"), ANA_AGENT),
    ]
    # when
    async with worker.agents["conversations"].test_context() as agent:
        for event in story:
            await agent.put(codec.encode_avro(event), key=event.key.encode())
    # then the state is stored, and the last record says: first response 210 s, resolved
    # after 300 s, a 240 s lock that had a reply
    assert decode_conversation(worker.runtime.conversations["conv-1"]).status == "Resolved"
    sends = worker.runtime.conversation_metrics_topic.send_soon.call_args_list
    last = CONVERSATION_METRICS.decode(sends[-1].kwargs["value"])
    assert sends[-1].kwargs["key"] == b"conv-1"
    assert (last.first_response_time, last.resolution_time, last.resolved_at) == (210, 300, t("09:05"))
    assert (last.handle_time, last.no_reply_time, last.cherry_pick_time) == (240, 0, 0)
    assert (last.inbound_messages, last.outbound_messages) == (1, 1)


async def test_ticket_deleted_in_the_batch_that_created_it_gets_its_tombstone_and_leaves_its_owners(worker):
    # given a ticket of Ana's in group 3 created then deleted, folded in one batch from no
    # stored state: what a worker does when it was killed after publishing the creation
    # (its record and contributions downstream) and before storing it (streams.folded)
    await _feed(worker, people())
    made = created(at("03-02 09:00"), ticket_id=7, assignee_id=ANA, group_id=3)
    gone = TicketDeleted(event_id="deleted-7", occurred_at=at("03-02 10:00"), ticket_id=7)
    before = StoredTicket(ticket_fold.initial(7))
    after = StoredTicket(ticket_fold.fold(before.state, [made, gone]))
    # when its change is published
    folded = Folded()
    worker.processor.publish([(before, after)], folded)
    await folded.deliver(worker.runtime.app)
    # then its metrics record is a tombstone, and both owners are told it left them
    (send,) = worker.runtime.ticket_metrics_topic.send_soon.call_args_list
    assert (send.kwargs["key"], send.kwargs["value"]) == (b"7", None)
    told = {call.kwargs["key"]: msgspec.msgpack.decode(call.kwargs["value"], type=RollupChanges)
            for call in worker.runtime.rollup_changes_topic.send_soon.call_args_list}
    assert told == {f"agent:{ANA}".encode(): RollupChanges(f"agent:{ANA}", {7: None}),
                    b"group:3": RollupChanges("group:3", {7: None})}
