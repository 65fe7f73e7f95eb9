"""Hootdesk rollups: per agent, contact, topic, tag and virtual agent, the counters and sums
the catalogue exports list, counted from the activity inside a range (docs/metrics.md).

Each conversation contributes a `Rollups` of its own (`conversation_rollups`), and rollups
merge (`merge`): counters and durations add up, "how many distinct" figures are kept as
sets and joined, averages as a sum and a count, first times as a minimum. So rollups of
parts merged give the rollups of the whole, whatever the split. A team's figures are those
of its agents merged (`team_rollup`). Durations stay exact; exports truncate them.

Owner keys: `("agent", id)`, `("contact", id)`, and for the exports with channel columns
one key per item and channel: `("topic" | "tag" | "virtual_agent", id, medium, channel,
channel display name)`.
"""
import operator
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import msgspec

from projections.conversation_metrics import first_response, locks
from projections.conversations import ConversationState, MessageMark, current_labels
from projections.hootdesk_directory import People

ZERO = timedelta(0)
# A handover "because of an error of the virtual agent" (spec §3.11): the events carry only
# a free-text reason; these are the reasons that say the virtual agent failed.
ERROR_REASONS = frozenset({"intent not recognized", "error"})


class Tally(msgspec.Struct, frozen=True, kw_only=True, gc=False, omit_defaults=True):
    """What one owner did in the range; every field merges (see `merge`).

    The worker stores one per conversation and owner (projections.hootdesk_figures):
    `omit_defaults` encodes only the few figures a conversation gives an owner."""

    first_at: datetime | None = None  # first outbound (agents), first inbound (contacts)
    replies: int = 0
    resolves_with_reply: int = 0
    resolves_without_reply: int = 0
    resolves: int = 0  # by a virtual agent
    first_response: timedelta = ZERO
    first_responses: int = 0
    resolution: timedelta = ZERO
    resolutions: int = 0
    handle: timedelta = ZERO
    no_reply: timedelta = ZERO
    cherry_pick: timedelta = ZERO
    locked_conversations: frozenset[str] = frozenset()
    contacts: frozenset[str] = frozenset()  # helped (agents), whose messages were tagged (tags)
    conversations: frozenset[str] = frozenset()
    current_conversations: frozenset[str] = frozenset()  # still carrying the topic at the snapshot
    messages: frozenset[str] = frozenset()  # tagged
    current_messages: frozenset[str] = frozenset()  # still carrying the tag at the snapshot
    inbound: int = 0
    outbound: int = 0
    csat: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    tags_added: int = 0
    topics_added: int = 0
    handovers: frozenset[str] = frozenset()
    error_handovers: frozenset[str] = frozenset()
    name: tuple[datetime, str, str] | None = None  # (time, event id, name): the latest wins
    open_conversations: frozenset[str] = frozenset()  # New or Pending now: the dashboard's figures only

    def average_first_response(self) -> timedelta | None:
        return self.first_response / self.first_responses if self.first_responses else None

    def average_resolution(self) -> timedelta | None:
        return self.resolution / self.resolutions if self.resolutions else None

    def average_handle(self) -> timedelta | None:
        return self.handle / len(self.locked_conversations) if self.locked_conversations else None


Rollups = dict[tuple, Tally]


def _earliest(x, y):
    return y if x is None else x if y is None else min(x, y)


def _latest(x, y):
    return y if x is None else x if y is None else max(x, y)


def _counts(x: tuple, y: tuple) -> tuple:
    return tuple(i + j for i, j in zip(x, y))


def _joined(x: set | frozenset, y: frozenset) -> set | frozenset:
    if not y:
        return x
    if type(x) is frozenset:  # still the empty one `_opened` left
        x = set(x)
    x |= y  # in place: a set grown one part at a time stays linear in its size
    return x


_FIELDS = Tally.__struct_fields__
# How each field merges, in field order: sets join, counters and durations add up.
_MERGES = tuple(
    {"first_at": _earliest, "name": _latest, "csat": _counts}.get(field)
    or (_joined if isinstance(default, frozenset) else operator.add)
    for field, default in zip(_FIELDS, msgspec.structs.astuple(Tally()))
)


def _opened(tally: Tally) -> list:
    """A tally's fields as a list to merge into, its sets copied to mutable ones; empty
    ones stay the shared empty frozenset until something joins them (most of a tally's
    sets stay empty, and an account has an owner per contact: 200 bytes a set)."""
    return [set(value) if isinstance(value, frozenset) and value else value
            for value in msgspec.structs.astuple(tally)]


def _closed(values: list) -> Tally:
    return Tally(**{field: frozenset(value) if isinstance(value, set) else value
                    for field, value in zip(_FIELDS, values)})


def merge(parts: Iterable[Rollups]) -> Rollups:
    """The rollups of all `parts` together, in time linear in their size."""
    merging: dict[tuple, list] = {}
    for part in parts:
        for owner, tally in part.items():
            values = merging.get(owner)
            if values is None:
                merging[owner] = _opened(tally)
            else:
                for index, (merged, value) in enumerate(zip(_MERGES, msgspec.structs.astuple(tally))):
                    values[index] = merged(values[index], value)
    return {owner: _closed(values) for owner, values in merging.items()}


def rollups(conversations: Iterable[ConversationState], people: People,
            in_range: Callable[[datetime], bool], wanted: Callable[[str], bool],
            contacts_aside: Callable[[str, Tally], None] | None = None) -> Rollups:
    """The rollups of the activity in range of the conversations on a channel `wanted`.

    With `contacts_aside`, each conversation's figures for its contact go to
    `contacts_aside(contact id, tally)` instead, for the caller to merge: an account has
    about one contact for every two conversations, too many owners to merge in memory."""
    parts = (conversation_rollups(c, people, in_range) for c in conversations
             if c.creation is not None and wanted(c.creation.channel))
    if contacts_aside is not None:
        parts = (_without_contacts(part, contacts_aside) for part in parts)
    return merge(parts)


def _without_contacts(part: Rollups, contacts_aside: Callable[[str, Tally], None]) -> Rollups:
    for owner, tally in part.items():
        if owner[0] == "contact":
            contacts_aside(owner[1], tally)
    return {owner: tally for owner, tally in part.items() if owner[0] != "contact"}


def team_rollup(found: Rollups, people: People, team_id: str) -> Tally | None:
    """The team's figures: those of every agent having the team among its teams."""
    members = [tally for owner, tally in found.items() if owner[0] == "agent" and team_id in _teams(people, owner[1])]
    return merge({None: tally} for tally in members)[None] if members else None


def team_ids(found: Rollups, people: People) -> set[str]:
    """The teams of the agents with figures in `found`."""
    return {team for owner in found if owner[0] == "agent" for team in _teams(people, owner[1])}


def _teams(people: People, agent_id: str) -> tuple[str, ...]:
    agent = people.agent(agent_id)
    return () if agent is None else agent.team_ids


def conversation_rollups(conversation: ConversationState, people: People,
                         in_range: Callable[[datetime], bool]) -> Rollups:
    """What one conversation's activity in range adds to each owner."""
    found: list[tuple[tuple, Tally]] = []

    def add(owner: tuple, **figures) -> None:
        found.append((owner, Tally(**figures)))

    cid, creation = conversation.conversation_id, conversation.creation
    contact = creation.contact_id
    on_channel = (creation.medium, creation.channel, creation.channel_display_name)
    outbound = [m for m in conversation.messages if not m.inbound]

    for message in conversation.messages:
        if not in_range(message.at):
            continue
        if message.inbound:
            add(("contact", contact), first_at=message.at, inbound=1, conversations=frozenset({cid}))
            continue
        add(("contact", contact), outbound=1, conversations=frozenset({cid}))
        if _by_human(message, people):
            add(("agent", message.author_id), first_at=message.at, replies=1, contacts=frozenset({contact}))
        elif message.sender_kind == "virtual_agent" or people.is_virtual_agent(message.author_id):
            add(("virtual_agent", message.author_id, *on_channel), conversations=frozenset({cid}))

    response = first_response(conversation)
    if response is not None and in_range(response[1]) and _by_human(response[2], people):
        since, until, message = response
        add(("agent", message.author_id), first_response=until - since, first_responses=1)

    first_inbound = next((m.at for m in conversation.messages if m.inbound), None)
    for mark in conversation.statuses:
        if mark.status != "Resolved" or mark.agent_id is None or not in_range(mark.at):
            continue
        if mark.trigger == "virtual_agent" or people.is_virtual_agent(mark.agent_id):
            add(("virtual_agent", mark.agent_id, *on_channel), resolves=1)
            continue
        replied = any(m.author_id == mark.agent_id and m.at <= mark.at for m in outbound)
        timed = first_inbound is not None and first_inbound <= mark.at
        add(("agent", mark.agent_id), resolves_with_reply=int(replied), resolves_without_reply=int(not replied),
            resolution=mark.at - first_inbound if timed else ZERO, resolutions=int(timed))

    for lock in locks(conversation, people):
        if in_range(lock.end):  # a lock counts when it closes, with its whole duration
            add(("agent", lock.agent_id), handle=lock.duration, locked_conversations=frozenset({cid}),
                no_reply=lock.duration if lock.no_reply else ZERO,
                cherry_pick=lock.duration if lock.cherry_pick else ZERO)

    for answer in conversation.csat:
        if answer.answered and answer.score in range(1, 6) and in_range(answer.at):
            resolver = _resolver_at(conversation, answer.at)
            if resolver is not None:
                add(("agent", resolver), csat=tuple(int(score == answer.score) for score in range(1, 6)))

    _labels(conversation, people, in_range, on_channel, add)

    for handover in conversation.handovers:
        if in_range(handover.at):
            error = (handover.reason or "").strip().lower() in ERROR_REASONS
            add(("virtual_agent", handover.virtual_agent_id, *on_channel), handovers=frozenset({cid}),
                error_handovers=frozenset({cid}) if error else frozenset())
    return merge([{owner: tally} for owner, tally in found])


def _labels(conversation: ConversationState, people: People, in_range, on_channel: tuple, add) -> None:
    """Topics and tags applied in range: to the topic or tag, and to the agent or virtual
    agent who applied them."""
    cid, contact = conversation.conversation_id, conversation.creation.contact_id
    current_topics = {mark.label_id for mark in current_labels(conversation.topics)}
    for mark in conversation.topics:
        if mark.added and in_range(mark.at):
            current = frozenset({cid}) if mark.label_id in current_topics else frozenset()
            add(("topic", mark.label_id, *on_channel), conversations=frozenset({cid}),
                current_conversations=current, name=(mark.at, mark.event_id, mark.name))
            _by_whom(people, mark.agent_id, on_channel, add, topics_added=1)

    channels = {m.message_id: (m.medium, m.channel, on_channel[2]) for m in conversation.messages}
    for mark in conversation.tags:
        if mark.added and in_range(mark.at):
            still = any(tag.label_id == mark.label_id for tag in current_labels(
                t for t in conversation.tags if t.message_id == mark.message_id))
            add(("tag", mark.label_id, *channels.get(mark.message_id, on_channel)), contacts=frozenset({contact}),
                messages=frozenset({mark.message_id}), current_messages=frozenset({mark.message_id} if still else ()),
                name=(mark.at, mark.event_id, mark.name))
            _by_whom(people, mark.agent_id, on_channel, add, tags_added=1, messages=frozenset({mark.message_id}))


def _by_whom(people: People, agent_id: str | None, on_channel: tuple, add, **figures) -> None:
    if agent_id is None:
        return
    if people.is_virtual_agent(agent_id):
        add(("virtual_agent", agent_id, *on_channel), **figures)
    else:
        figures.pop("messages", None)  # tagged messages are a virtual-agent figure only
        add(("agent", agent_id), **figures)


def _by_human(message: MessageMark, people: People) -> bool:
    """An outbound message of a human agent (not a virtual agent's nor an automated one)."""
    return message.sender_kind == "agent" and not people.is_virtual_agent(message.author_id)


def _resolver_at(conversation: ConversationState, at: datetime) -> str | None:
    """Who made the latest resolution at or before `at`: the agent a survey answer is for."""
    resolution = next((m for m in reversed(conversation.statuses) if m.status == "Resolved" and m.at <= at), None)
    return None if resolution is None else resolution.agent_id
