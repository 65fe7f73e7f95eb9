"""An agent's presence as a pure fold of its presence events, and the intervals it gives.

The state keeps the agent's presence changes (Available, or Away with its away-state
name) sorted by (time, event_id): a duplicate event adds a change already there and a late
one is placed by its time, so folding is idempotent and order-free; of two copies of an
event that differ, the first read counts (`projections.copies`). The intervals are
derived at a snapshot: each change starts an interval that ends at the next change to
another state; the interval still running is closed at the snapshot's as-of time, and
changes after it are left out (docs/metrics.md).

`fold` takes many events at once (replay), `apply` one (the worker), as for conversations.
"""
from collections.abc import Iterable
from datetime import datetime, timedelta
import msgspec

from events import AgentWentAvailable, AgentWentAway, Event
from projections.copies import merged

AVAILABLE, AWAY = "Available", "Away"
ZERO = timedelta(0)


class PresenceMark(msgspec.Struct, frozen=True, array_like=True, gc=False):
    at: datetime
    event_id: str
    type: str  # AVAILABLE or AWAY
    away_state: str | None = None  # the custom away state's name; None when available


class PresenceState(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    agent_id: str
    changes: tuple[PresenceMark, ...] = ()

    @property
    def updated_at(self) -> datetime | None:
        return self.changes[-1].at if self.changes else None


class Interval(msgspec.Struct, frozen=True, gc=False):
    type: str
    away_state: str | None
    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, date_from: datetime | None, date_to: datetime | None) -> bool:
        """Whether the interval is in the range [date_from, date_to) (None: unbounded):
        it starts in the range, or starts before it and runs into it."""
        if date_to is not None and self.start >= date_to:
            return False
        return date_from is None or self.start >= date_from or self.end > date_from

    def time_within(self, date_from: datetime | None, date_to: datetime | None) -> timedelta:
        """The part of the interval inside the range."""
        start = self.start if date_from is None else max(self.start, date_from)
        end = self.end if date_to is None else min(self.end, date_to)
        return max(end - start, ZERO)


def initial(agent_id: str) -> PresenceState:
    return PresenceState(agent_id=agent_id)


def apply(state: PresenceState, event: Event) -> PresenceState:
    """The presence after one event; other agents' and other events change nothing."""
    return fold(state, (event,))


def fold(state: PresenceState, events: Iterable[Event]) -> PresenceState:
    """The presence after `events`, in any order."""
    added = [mark for event in events if (mark := _mark(event, state.agent_id)) is not None]
    if not added:
        return state
    changes = merged(state.changes, added)
    return state if changes == state.changes else msgspec.structs.replace(state, changes=changes)


def _mark(event: Event, agent_id: str) -> PresenceMark | None:
    match event:
        case AgentWentAvailable(agent_id=agent) if agent == agent_id:
            return PresenceMark(event.occurred_at, event.event_id, AVAILABLE)
        case AgentWentAway(agent_id=agent) if agent == agent_id:
            return PresenceMark(event.occurred_at, event.event_id, AWAY, event.away_state)
    return None


def intervals(state: PresenceState, as_of: datetime) -> list[Interval]:
    """The agent's presence intervals up to `as_of`, in time order.

    A change restating the current state continues its interval; two changes at the same
    instant leave only the later (by event_id), as no time was spent in the first.
    """
    found: list[Interval] = []
    current: PresenceMark | None = None
    for mark in state.changes:
        if mark.at > as_of:
            break
        if current is not None and (mark.type, mark.away_state) == (current.type, current.away_state):
            continue
        if current is not None and mark.at > current.at:
            found.append(Interval(current.type, current.away_state, current.at, mark.at))
        current = mark
        if found and found[-1].end == mark.at and (found[-1].type, found[-1].away_state) == (
                mark.type, mark.away_state):
            # Back to the state just left, at the instant of a change that took no time.
            current = PresenceMark(found.pop().start, mark.event_id, mark.type, mark.away_state)
    if current is not None:
        found.append(Interval(current.type, current.away_state, current.at, as_of))
    return found
