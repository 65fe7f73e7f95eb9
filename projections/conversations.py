"""A Hootdesk conversation's state as a pure fold of its events.

The state keeps its timelines (statuses with their resolutions, locks, messages, handovers,
topic and tag changes, CSAT steps) sorted by (time, event_id), plus the creation event and
the time of the latest event. Folding is idempotent and order-free: a duplicate event adds
a mark already there, and a late one is placed by its time; of two copies of an event
that differ, the first read counts (`projections.copies`). Locks, response times and the
other metrics are derived from this state in `projections.conversation_metrics`.

`fold` takes many events at once (replay groups a log's events by conversation), `apply`
one (the worker); `apply` is `fold` of one event, so the two can't disagree.
"""
from collections.abc import Iterable
from datetime import datetime
import msgspec

from events import (
    ConversationCreated,
    ConversationLocked,
    ConversationResolved,
    ConversationStatusChanged,
    ConversationTopicAdded,
    ConversationTopicRemoved,
    ConversationUnlocked,
    CsatAnswered,
    CsatSent,
    Event,
    MessageReceived,
    MessageSent,
    MessageTagAdded,
    MessageTagRemoved,
    VirtualAgentHandedOver,
)
from projections.copies import merged

_MARK = dict(frozen=True, array_like=True, gc=False)


class StatusMark(msgspec.Struct, **_MARK):
    """A status the conversation took; a move to Resolved carries how it was resolved."""

    at: datetime
    event_id: str
    status: str
    agent_id: str | None = None
    trigger: str | None = None
    reason: str | None = None
    comment: str | None = None


class LockMark(msgspec.Struct, **_MARK):
    """An agent opening (locked) or leaving (not locked) the conversation."""

    at: datetime
    event_id: str
    agent_id: str
    locked: bool


class MessageMark(msgspec.Struct, **_MARK):
    """A message: inbound from the contact (author: the contact) or outbound (the sender)."""

    at: datetime
    event_id: str
    message_id: str
    inbound: bool
    author_id: str
    channel: str
    medium: str
    sender_kind: str | None = None  # outbound only: agent, virtual_agent or automation
    message_type: str = "message"
    origin: str | None = None
    content: str = ""
    post_url: str | None = None


class HandoverMark(msgspec.Struct, **_MARK):
    """A virtual agent or automated reply handing the conversation to the New queue."""

    at: datetime
    event_id: str
    virtual_agent_id: str
    reason: str | None = None


class LabelMark(msgspec.Struct, **_MARK):
    """A topic added to or removed from the conversation, or a tag on one of its messages."""

    at: datetime
    event_id: str
    label_id: str
    added: bool
    name: str = ""
    message_id: str | None = None  # tags only
    agent_id: str | None = None


class CsatMark(msgspec.Struct, **_MARK):
    """A survey sent (answered False) or answered."""

    at: datetime
    event_id: str
    answered: bool
    score: int | None = None
    text: str | None = None  # the follow-up question sent, or the follow-up answer


class ConversationState(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    conversation_id: str
    creation: ConversationCreated | None = None
    updated_at: datetime | None = None
    statuses: tuple[StatusMark, ...] = ()
    locks: tuple[LockMark, ...] = ()
    messages: tuple[MessageMark, ...] = ()
    handovers: tuple[HandoverMark, ...] = ()
    topics: tuple[LabelMark, ...] = ()
    tags: tuple[LabelMark, ...] = ()
    csat: tuple[CsatMark, ...] = ()

    @property
    def created_at(self) -> datetime | None:
        return None if self.creation is None else self.creation.occurred_at

    @property
    def status(self) -> str | None:
        return self.statuses[-1].status if self.statuses else None

    def status_at(self, at: datetime | None) -> str | None:
        """The status in force at `at` (now, without one); None before the first."""
        if at is None:
            return self.status
        return next((mark.status for mark in reversed(self.statuses) if mark.at <= at), None)

    @property
    def first_resolved_at(self) -> datetime | None:
        return next((mark.at for mark in self.statuses if mark.status == "Resolved"), None)


def initial(conversation_id: str) -> ConversationState:
    return ConversationState(conversation_id=conversation_id)


def apply(state: ConversationState, event: Event) -> ConversationState:
    """The conversation after one event; events of other conversations change nothing."""
    return fold(state, (event,))


def fold(state: ConversationState, events: Iterable[Event]) -> ConversationState:
    """The conversation after `events`, in any order: new marks are collected, then merged once."""
    added: dict[str, list] = {name: [] for name in _TIMELINES}
    changes: dict = {}
    creation, updated_at = state.creation, state.updated_at
    for event in events:
        if getattr(event, "conversation_id", None) != state.conversation_id:
            continue
        at, event_id = event.occurred_at, event.event_id
        if updated_at is None or updated_at < at:
            updated_at = at
        mark = _mark(event)
        if mark is not None:
            added[_TIMELINE_OF[type(event)]].append(mark)
        if type(event) is ConversationCreated:
            if creation is None or (at, event_id) < (creation.occurred_at, creation.event_id):
                creation = changes["creation"] = event  # the earliest creation wins
            added["statuses"].append(StatusMark(at, event_id, "New"))
    for timeline, marks in added.items():
        if marks:
            changes[timeline] = merged(getattr(state, timeline), marks)
    if updated_at != state.updated_at:
        changes["updated_at"] = updated_at
    return msgspec.structs.replace(state, **changes) if changes else state


def _mark(event: Event):
    """The timeline mark an event makes; None for the creation (handled by `fold`)."""
    at, event_id = event.occurred_at, event.event_id
    match event:
        case MessageReceived():
            return MessageMark(at, event_id, event.message_id, True, event.contact_id, event.channel, event.medium,
                               None, event.message_type, None, event.content, event.post_url)
        case MessageSent():
            return MessageMark(at, event_id, event.message_id, False, event.sender_id, event.channel, event.medium,
                               event.sender_kind, event.message_type, event.origin, event.content, event.post_url)
        case ConversationLocked() | ConversationUnlocked():
            return LockMark(at, event_id, event.agent_id, type(event) is ConversationLocked)
        case ConversationStatusChanged():
            return StatusMark(at, event_id, event.status, event.agent_id)
        case ConversationResolved():
            return StatusMark(at, event_id, "Resolved", event.agent_id, event.trigger, event.reason, event.comment)
        case VirtualAgentHandedOver():
            return HandoverMark(at, event_id, event.virtual_agent_id, event.reason)
        case ConversationTopicAdded():
            return LabelMark(at, event_id, event.topic_id, True, event.topic_name, None, event.agent_id)
        case ConversationTopicRemoved():
            return LabelMark(at, event_id, event.topic_id, False, "", None, event.agent_id)
        case MessageTagAdded():
            return LabelMark(at, event_id, event.tag_id, True, event.tag_name, event.message_id, event.agent_id)
        case MessageTagRemoved():
            return LabelMark(at, event_id, event.tag_id, False, "", event.message_id, event.agent_id)
        case CsatSent():
            return CsatMark(at, event_id, False, None, event.follow_up_question)
        case CsatAnswered():
            return CsatMark(at, event_id, True, event.score, event.follow_up_answer)
    return None


_TIMELINE_OF = {
    MessageReceived: "messages", MessageSent: "messages",
    ConversationLocked: "locks", ConversationUnlocked: "locks",
    ConversationStatusChanged: "statuses", ConversationResolved: "statuses",
    VirtualAgentHandedOver: "handovers",
    ConversationTopicAdded: "topics", ConversationTopicRemoved: "topics",
    MessageTagAdded: "tags", MessageTagRemoved: "tags",
    CsatSent: "csat", CsatAnswered: "csat",
}
_TIMELINES = ("statuses", "locks", "messages", "handovers", "topics", "tags", "csat")


def current_labels(marks: Iterable[LabelMark]) -> list[LabelMark]:
    """The labels still applied after `marks` (in time order), in the order they were applied."""
    applied: dict[str, LabelMark] = {}
    for mark in marks:
        if mark.added:
            applied.setdefault(mark.label_id, mark)
        else:
            applied.pop(mark.label_id, None)
    return list(applied.values())
