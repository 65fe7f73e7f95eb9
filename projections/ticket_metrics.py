"""Ticket metrics derived from a ticket's state and the account directory (semantics.md).

Durations count closed status segments only; each instant is floored to its minute
before subtracting, as Zendesk does. Business minutes use the schedule in force when the
value was recorded (the fulfilling event, or the close of the last counted segment),
over the whole interval measured; with no schedule yet they equal calendar minutes.
"""
from collections.abc import Iterator
from datetime import datetime

import msgspec

from events.downstream import Minutes, TicketMetrics
from projections.business_hours import business_minutes, calendar_minutes
from projections.directory import Directory
from projections.tickets import Mark, TicketState

UNSOLVED = frozenset({"new", "open", "pending", "hold"})
RESOLVED = frozenset({"solved", "closed"})
WAITING = frozenset({"new", "open"})  # the requester waits on the agents
PENDING = frozenset({"pending"})  # the agents wait on the requester
HOLD = frozenset({"hold"})


class Segment(msgspec.Struct, frozen=True, array_like=True):
    status: str
    start: datetime
    end: datetime | None  # None while the ticket is still in this status


def segments(state: TicketState) -> list[Segment]:
    """Status segments in time order; a repeated status continues its segment."""
    changes = [m for i, m in enumerate(state.statuses) if i == 0 or m.value != state.statuses[i - 1].value]
    ends = [m.at for m in changes[1:]] + [None]
    return [Segment(m.value, m.at, end) for m, end in zip(changes, ends)]


def stations(marks: tuple[Mark, ...]) -> list[Mark]:
    """Changes to a non-empty value, the first assignment included."""
    previous = None
    found = []
    for mark in marks:
        if mark.value is not None and mark.value != previous:
            found.append(mark)
        previous = mark.value
    return found


def _reopens(parts: list[Segment]) -> int:
    return sum(1 for a, b in zip(parts, parts[1:]) if a.status == "solved" and b.status in UNSOLVED)


def _has_left(parts: list[Segment], statuses: frozenset[str]) -> bool:
    """Whether the ticket ever went from one of `statuses` to a status outside them."""
    return any(a.status in statuses and b.status not in statuses for a, b in zip(parts, parts[1:]))


def _requester_wait_segments(parts: list[Segment]) -> Iterator[Segment]:
    following = [s.status for s in parts[1:]] + [None]
    for segment, after in zip(parts, following):
        if segment.status in WAITING:
            yield segment
        elif segment.status == "solved" and after in UNSOLVED:
            yield segment  # solved time that ended in a reopen


def ticket_metrics(state: TicketState, directory: Directory) -> TicketMetrics:
    """Every metric of one created ticket."""
    created_at = state.created_at
    parts = segments(state)
    schedule_id = state.id_field("schedule_id")

    def measured(start: datetime, end: datetime) -> Minutes:
        schedule = directory.schedule_at(schedule_id, end)
        calendar = calendar_minutes(start, end)
        business = calendar if schedule is None else business_minutes(schedule, start, end)
        return Minutes(calendar, business)

    def total(statuses: frozenset[str], chosen: list[Segment], never: Minutes | None = None) -> Minutes | None:
        """Sum of the closed `chosen` segments; empty until the ticket first leaves
        `statuses`, and `never` when it was never in them."""
        if not any(s.status in statuses for s in parts):
            return never
        if not _has_left(parts, statuses):
            return None
        closed = [s for s in chosen if s.end is not None]
        schedule = directory.schedule_at(schedule_id, closed[-1].end)
        calendar = sum(calendar_minutes(s.start, s.end) for s in closed)
        if schedule is None:
            return Minutes(calendar, calendar)
        return Minutes(calendar, sum(business_minutes(schedule, s.start, s.end) for s in closed))

    solves = [s.start for s in parts if s.status == "solved"]
    replies = [
        c for c in state.comments if c.public and not c.is_description and directory.is_agent(c.author_id)
    ]
    assignments = stations(state.assignees)
    resolved_now = parts[-1].status in RESOLVED
    return TicketMetrics(
        ticket_id=state.ticket_id,
        created_at=created_at,
        updated_at=state.updated_at,
        group_stations=len(stations(state.groups)),
        assignee_stations=len(assignments),
        reopens=_reopens(parts),
        replies=len(replies),
        assigned_at=assignments[-1].at if assignments else None,
        initially_assigned_at=assignments[0].at if assignments else None,
        solved_at=solves[-1] if solves else None,
        status_updated_at=parts[-1].start,
        reply_time=measured(created_at, replies[0].at) if replies else None,
        first_resolution_time=measured(created_at, solves[0]) if solves else None,
        full_resolution_time=measured(created_at, solves[-1]) if solves and resolved_now else None,
        agent_wait_time=total(PENDING, [s for s in parts if s.status in PENDING]),
        requester_wait_time=total(WAITING, list(_requester_wait_segments(parts))),
        on_hold_time=total(HOLD, [s for s in parts if s.status in HOLD], never=Minutes(0, 0)),
    )


def resolution_hours(metrics: TicketMetrics) -> int | None:
    """The CSV's Resolution time: full resolution calendar minutes in hours, half up."""
    if metrics.full_resolution_time is None:
        return None
    return (metrics.full_resolution_time.calendar + 30) // 60
