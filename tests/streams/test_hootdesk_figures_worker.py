"""The Hootdesk figures in the worker, with Faust's test_context(): per-owner changes out of
the conversations agent, folded by the figures agent into its table and published."""
import msgspec

from events import codec
from events.downstream import HOOTDESK_FIGURES
from streams.hootdesk_figures import FigureChanges
from tests.projections.conversations_story import ANA, BOB, created, directory, inbound, locked, outbound, resolved, t
from tests.projections.presence_story import available
from tests.streams.test_agents import worker  # noqa: F401 (the fixture: a worker with its sends recorded)

# Noah writes at 10:00; Ana locks at 10:01, Bob takes the conversation at 10:03, replies at
# 10:04 and resolves at 10:06; Ana is available from 08:30.
STOLEN = directory() + [
    available(t("08:30:00"), ANA),
    created(t("10:00:00")), inbound(t("10:00:00"), "m1"), locked(t("10:01:00"), ANA), locked(t("10:03:00"), BOB),
    outbound(t("10:04:00"), "m2", BOB), resolved(t("10:06:00"), BOB),
]


async def _feed(worker, events):
    async with worker.agents["conversations"].test_context() as agent:
        for event in events:
            await agent.put(codec.encode_avro(event), key=event.key.encode())


async def _roll_up(worker, calls):
    async with worker.agents["hootdesk-figures"].test_context() as agent:
        for call in calls:
            await agent.put(call.kwargs["value"], key=call.kwargs["key"])


def _published(topic) -> dict:
    """The latest figures published for each owner."""
    return {call.kwargs["key"].decode(): HOOTDESK_FIGURES.decode(call.kwargs["value"])
            for call in topic.send_soon.call_args_list}


async def test_conversation_changes_are_sent_to_their_owners_by_owner_key(worker):
    # when
    await _feed(worker, STOLEN)
    # then: Ana's presence, then each owner the conversation's figures moved for, by key
    sends = worker.runtime.figure_changes_topic.send_soon.call_args_list
    changes = [msgspec.msgpack.decode(c.kwargs["value"], type=FigureChanges) for c in sends]
    assert [c.kwargs["key"] for c in sends] == [change.owner.encode() for change in changes]
    assert changes[0].owner == f"agent:{ANA}" and changes[0].presence.since == t("08:30:00")
    assert {change.owner for change in changes} == {f"agent:{ANA}", f"agent:{BOB}", "team:care", "team:sales"}


async def test_figures_agent_folds_changes_and_publishes_agent_and_team_figures(worker):
    # given the changes the conversations agent sent
    await _feed(worker, STOLEN)
    changes = worker.runtime.figure_changes_topic.send_soon.call_args_list
    # when
    await _roll_up(worker, changes)
    # then: Ana 2 minutes cherry-picked, available since 08:30; Bob 3 minutes, the reply and
    # the resolve; team Care (both) one conversation handled for 5 minutes; each by its name
    agents, teams = _published(worker.runtime.agent_figures_topic), _published(worker.runtime.team_figures_topic)
    ana, bob, care = agents[f"agent:{ANA}"], agents[f"agent:{BOB}"], teams["team:care"]
    assert (ana.handle_seconds, ana.cherry_pick_seconds, ana.available, ana.presence_since) == (
        120, 120, True, t("08:30:00"))
    assert (bob.handle_seconds, bob.replies, bob.resolves_with_reply, bob.available) == (180, 1, 1, None)
    assert (care.conversations, care.handle_seconds, care.handled_conversations) == (1, 300, 1)
    assert set(teams) == {"team:care", "team:sales"}
    assert (ana.owner_name, care.owner_name) == ("Ana Agent", "Customer care")  # the directory's names
    assert (ana.team_ids, bob.team_ids, care.team_ids) == (("care",), ("sales", "care"), ())  # and teams


async def test_redelivered_figure_changes_end_in_the_same_figures(worker):
    # given every change folded once
    await _feed(worker, STOLEN)
    changes = worker.runtime.figure_changes_topic.send_soon.call_args_list
    await _roll_up(worker, changes)
    stored = {owner: worker.runtime.hootdesk_figures[owner] for owner in (f"agent:{ANA}", f"agent:{BOB}", "team:care")}
    published = worker.runtime.agent_figures_topic.send_soon.call_count
    # when the last change comes again, then all of them again, in order (at-least-once
    # delivery redelivers what follows the last committed offset)
    await _roll_up(worker, changes[-1:])
    again = worker.runtime.agent_figures_topic.send_soon.call_count
    await _roll_up(worker, changes)
    # then the last change changed nothing, and the figures end as they were
    assert again == published
    assert {owner: worker.runtime.hootdesk_figures[owner] for owner in stored} == stored
