"""Hootdesk agent and team figures in the worker, the ticket rollups' repartition pattern.

The conversations agent tells each owner ("agent:ID", "team:ID") what changed for it, on
the figure-changes topic keyed by owner (`send_figure_changes`); the figures agent folds
those changes into the owner-keyed `hootdesk_figures` table and publishes each changed
owner's figures downstream (`roll_up_figures`). The rules are `projections.hootdesk_figures`.
"""
from collections.abc import Sequence

import msgspec
from faust.types import EventT

from events.downstream import HOOTDESK_FIGURES
from projections import hootdesk_figures as figures_fold
from projections.conversations import ConversationState
from projections.hootdesk_directory import People
from projections.hootdesk_figures import AGENT, FiguresState, Presence
from projections.hootdesk_rollups import Tally
from projections.presence import PresenceState
from streams.folded import Folded
from streams.table_entries import source, stored_value

_encoder = msgspec.msgpack.Encoder()


class FigureChanges(msgspec.Struct, frozen=True, array_like=True):
    """What changed for one owner in one batch: the latest contribution of each of its
    conversations that changed (None: the conversation left it), and the agent's presence
    now when it changed (None: no news)."""

    owner: str
    conversations: dict[str, Tally | None] = {}
    presence: Presence | None = None


_changes_decoder = msgspec.msgpack.Decoder(FigureChanges)
_state_decoder = msgspec.msgpack.Decoder(FiguresState)


def send_figure_changes(runtime, folded: Folded, conversations: list[tuple[ConversationState, ConversationState]],
                        presence: list[tuple[PresenceState, PresenceState]], people: People) -> None:
    """One message per owner whose figures a batch's changed conversations or presence
    move, published with the batch (`folded`), delivered before its states are stored.

    Each changed conversation's contributions are counted once for its state before the
    batch and once after: the owners it left are those it had before.
    """
    told: dict[str, dict[str, Tally | None]] = {}
    for before, after in conversations:
        was, now = figures_fold.contributions(before, people), figures_fold.contributions(after, people)
        for owner, given in figures_fold.changes(was, now).items():
            told.setdefault(owner, {})[after.conversation_id] = given
    present: dict[str, Presence] = {}
    for before, after in presence:
        now = figures_fold.presence_now(after)
        if now != figures_fold.presence_now(before):
            present[AGENT + after.agent_id] = now
    for owner in {**told, **present}:
        change = FigureChanges(owner, told.get(owner, {}), present.get(owner))
        folded.publish(runtime.figure_changes_topic, owner.encode(), _encoder.encode(change))


async def roll_up_figures(runtime, batch: Sequence[EventT], people: People) -> None:
    """Fold a batch of owner changes into the owners' figures, and publish the figures of
    each owner they changed, named (and an agent's teams given) as `people` knows them now;
    stored once delivered (streams.folded)."""
    told: dict[str, dict[str, Tally | None]] = {}
    present: dict[str, Presence] = {}
    last: dict[str, EventT] = {}
    for received in batch:
        change = _changes_decoder.decode(received.message.value)
        told.setdefault(change.owner, {}).update(change.conversations)
        if change.presence is not None:
            present[change.owner] = change.presence
        last[change.owner] = received
    folded = Folded()
    for owner, conversations in told.items():
        with source(last[owner]):
            stored = stored_value(runtime.hootdesk_figures, owner)
        before = _state_decoder.decode(stored) if stored is not None else figures_fold.initial()
        after = figures_fold.apply(before, conversations, present.get(owner))
        if after == before:  # a change delivered again
            continue
        folded.stage(runtime.hootdesk_figures, owner, last[owner], after)
        topic = runtime.agent_figures_topic if owner.startswith(AGENT) else runtime.team_figures_topic
        published = figures_fold.figures(owner, after, figures_fold.owner_name(owner, people),
                                         figures_fold.team_ids(owner, people))
        folded.publish(topic, owner.encode(), HOOTDESK_FIGURES.encode(published))
    await folded.deliver(runtime.app)
    await folded.store(runtime.app)
