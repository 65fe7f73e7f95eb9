"""A conversation's locks and the metrics derived from its state (docs/metrics.md, Hootdesk).

Locks: only human agents lock, and only a New or Pending conversation; a lock ends when
its agent leaves, when another agent takes the conversation (a steal) or when the status
changes. One agent holds at most one lock. A lock still held at the snapshot is not
counted (durations count closed segments only).

Each closed lock is handle time; it is no-reply time when it ended in its agent's resolve
with no outbound message of that agent during it, and cherry-pick time when it had no
such message and did not end in that agent's resolve. Durations are whole seconds,
truncated, of the exact sum of their segments. Metrics are computed when a snapshot is
taken, with the directory as it is then (who is a virtual agent).
"""
from collections.abc import Iterator
from datetime import datetime, timedelta

import msgspec

from projections.conversations import ConversationState, MessageMark, StatusMark
from projections.hootdesk_directory import People

LOCKABLE = frozenset({"New", "Pending"})
ZERO = timedelta(0)


class Lock(msgspec.Struct, frozen=True, gc=False):
    agent_id: str
    start: datetime
    end: datetime
    ended_by: str  # "unlock", "steal", "status" or "resolve" (a resolve by the lock's agent)
    replied: bool  # its agent sent an outbound message during it

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @property
    def no_reply(self) -> bool:
        return not self.replied and self.ended_by == "resolve"

    @property
    def cherry_pick(self) -> bool:
        return not self.replied and self.ended_by != "resolve"


class LockTimes(msgspec.Struct, frozen=True, gc=False):
    """Handle, no-reply and cherry-pick time, in whole seconds."""

    handle: int = 0
    no_reply: int = 0
    cherry_pick: int = 0


class ConversationMetrics(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    inbound_count: int
    outbound_count: int
    first_response_time: int | None  # empty until the first response
    resolution_time: int | None  # of the current resolution; empty while not resolved
    resolution: StatusMark | None  # the latest resolution, while the conversation is resolved
    last_status_change: StatusMark | None  # the last move to Resolved or Pending
    times: LockTimes
    agent_times: dict[str, LockTimes]


def locks(conversation: ConversationState, people: People) -> list[Lock]:
    """The conversation's closed locks, in the order they started."""
    marks = sorted((*conversation.statuses, *conversation.locks), key=lambda m: (m.at, m.event_id))
    outbound = [m for m in conversation.messages if not m.inbound]
    closed: list[Lock] = []
    status: str | None = None
    holder: tuple[str, datetime] | None = None  # (agent, since)

    def close(at: datetime, ended_by: str) -> None:
        agent, since = holder
        replied = any(m.author_id == agent and since <= m.at <= at for m in outbound)
        closed.append(Lock(agent, since, at, ended_by, replied))

    for mark in marks:
        if isinstance(mark, StatusMark):
            if mark.status != status and holder is not None:
                resolved_by_holder = mark.status == "Resolved" and mark.agent_id == holder[0]
                close(mark.at, "resolve" if resolved_by_holder else "status")
                holder = None
            status = mark.status
        elif mark.locked:
            if status not in LOCKABLE or people.is_virtual_agent(mark.agent_id):
                continue
            if holder is not None and holder[0] != mark.agent_id:
                close(mark.at, "steal")
                holder = None
            if holder is None:
                holder = (mark.agent_id, mark.at)
        elif holder is not None and holder[0] == mark.agent_id:
            close(mark.at, "unlock")
            holder = None
    return closed


def lock_times(closed: list[Lock]) -> LockTimes:
    """The three lock-based times of `closed`: each the exact sum, truncated once."""
    return LockTimes(
        handle=seconds(sum((lock.duration for lock in closed), ZERO)),
        no_reply=seconds(sum((lock.duration for lock in closed if lock.no_reply), ZERO)),
        cherry_pick=seconds(sum((lock.duration for lock in closed if lock.cherry_pick), ZERO)),
    )


def conversation_metrics(conversation: ConversationState, people: People) -> ConversationMetrics:
    closed = locks(conversation, people)
    agents = sorted({lock.agent_id for lock in closed})
    inbound = [m for m in conversation.messages if m.inbound]
    resolution = conversation.statuses[-1] if conversation.status == "Resolved" else None
    first_inbound = inbound[0].at if inbound else None
    return ConversationMetrics(
        inbound_count=len(inbound),
        outbound_count=len(conversation.messages) - len(inbound),
        first_response_time=first_response_time(conversation),
        resolution_time=_between(first_inbound, resolution.at if resolution else None),
        resolution=resolution,
        last_status_change=next(
            (m for m in reversed(conversation.statuses) if m.status in ("Resolved", "Pending")), None
        ),
        times=lock_times(closed),
        agent_times={agent: lock_times([lock for lock in closed if lock.agent_id == agent]) for agent in agents},
    )


def first_response_time(conversation: ConversationState) -> int | None:
    """After a handover to the New queue: from the (first) handover to the first outbound
    message of a human agent; otherwise from the first inbound message to the first
    outbound message. None until that message exists."""
    found = first_response(conversation)
    return None if found is None else _between(found[0], found[1])


def first_response(conversation: ConversationState) -> tuple[datetime, datetime, MessageMark] | None:
    """When the first response time starts, when it ends, and the message that ends it."""
    if conversation.handovers:
        since, answers = conversation.handovers[0].at, _human_replies(conversation)
    else:
        inbound = [m for m in conversation.messages if m.inbound]
        if not inbound:
            return None
        since, answers = inbound[0].at, (m for m in conversation.messages if not m.inbound)
    answer = next((m for m in answers if m.at >= since), None)
    return None if answer is None else (since, answer.at, answer)


def _human_replies(conversation: ConversationState) -> Iterator[MessageMark]:
    return (m for m in conversation.messages if not m.inbound and m.sender_kind == "agent")


def _between(start: datetime | None, end: datetime | None) -> int | None:
    return None if start is None or end is None else seconds(end - start)


def seconds(duration: timedelta) -> int:
    """Whole seconds, truncated (docs/metrics.md)."""
    return int(duration.total_seconds())  # int() truncates
