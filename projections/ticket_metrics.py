"""Ticket metrics derived from a ticket's state and the account (docs/metrics.md).

Durations run from the ticket's `created_at` and count closed status segments only. Each
is measured exactly and rounded to the nearest minute, half up, as Zendesk's Ticket
Metrics are; a metric of several segments sums their exact durations and rounds once.
Business minutes use the schedule in force when the value was recorded (the fulfilling
event, or the close of the last counted segment), over the whole interval measured; with
no schedule yet they equal calendar minutes.

This runs once per ticket per export (and per change in the worker), so each instant is
split once into its epoch minute and the microseconds into it (small numbers, cheap to
add), and segments are indices into those lists.
"""
from datetime import datetime

from events.downstream import Minutes, TicketMetrics
from projections.account import Account
from projections.business_hours import HALF_MINUTE_US, MINUTE_US, business_micros_between, split
from projections.tickets import Mark, TicketState

UNSOLVED = frozenset({"new", "open", "pending", "hold"})
RESOLVED = frozenset({"solved", "closed"})
WAITING = frozenset({"new", "open"})  # the requester waits on the agents
NONE = Minutes(0, 0)  # on hold when never on hold; agent wait of a solved ticket never pending


def status_changes(state: TicketState) -> list[Mark]:
    """The status timeline without repeats: setting the same status continues its segment."""
    changes: list[Mark] = []
    previous = None
    for mark in state.statuses:
        if mark.value != previous:
            changes.append(mark)
            previous = mark.value
    return changes


def stations(marks: tuple[Mark, ...]) -> list[Mark]:
    """Changes to a non-empty value, the first assignment included."""
    previous = None
    found = []
    for mark in marks:
        if mark.value is not None and mark.value != previous:
            found.append(mark)
        previous = mark.value
    return found


def ticket_metrics(state: TicketState, account: Account) -> TicketMetrics:
    """Every metric of one created ticket."""
    changes = status_changes(state)
    statuses = [m.value for m in changes]
    instants = [split(m.at) for m in changes]  # (epoch minute, microseconds into it)
    created = split(state.created_at)
    schedule_id = state.id_field("schedule_id")

    # Exact microseconds are rounded to whole minutes, half up, as
    # business_hours.whole_minutes does: written out, as this runs a few times per ticket.
    def measured(at: datetime, end: tuple[int, int]) -> Minutes:
        """Creation to the instant `end`, recorded at `at`."""
        (lo, lo_into), (hi, hi_into) = created, end
        # Whole minutes and microseconds apart: small numbers, cheaper than their sum.
        calendar = max(0, hi - lo + (hi_into - lo_into + HALF_MINUTE_US) // MINUTE_US)
        schedule = account.schedule_at(schedule_id, at)
        if schedule is None:
            return Minutes(calendar, calendar)
        worked = business_micros_between(schedule, lo, lo_into, hi, hi_into)
        return Minutes(calendar, (worked + HALF_MINUTE_US) // MINUTE_US)

    def summed(runs: list[list[int]]) -> Minutes:
        """Runs of closed segments, under the schedule in force when the last of them closed:
        their exact durations added up, then rounded once."""
        schedule = account.schedule_at(schedule_id, changes[runs[-1][1]].at)
        minutes = micros = worked = 0  # calendar time as whole minutes and microseconds, apart
        for start, end in runs:
            (lo, lo_into), (hi, hi_into) = instants[start], instants[end]
            minutes += hi - lo
            micros += hi_into - lo_into
            if schedule is not None:
                worked += business_micros_between(schedule, lo, lo_into, hi, hi_into)
        calendar = minutes + (micros + HALF_MINUTE_US) // MINUTE_US
        return Minutes(calendar, (worked + HALF_MINUTE_US) // MINUTE_US if schedule is not None else calendar)

    # File each closed segment (change i to change i + 1) under the one duration it counts
    # in, as runs [first change, last change] of adjacent segments: minutes add up across a
    # shared end, so a run is measured as one span.
    waiting: list[list[int]] = []  # new and open time, and solved time that ended in a reopen
    pending: list[list[int]] = []
    hold: list[list[int]] = []
    reopens = 0
    left_waiting = False
    for i in range(len(changes) - 1):
        status, following = statuses[i], statuses[i + 1]
        if status in WAITING:
            runs = waiting
            left_waiting = left_waiting or following not in WAITING
        elif status == "pending":
            runs = pending
        elif status == "hold":
            runs = hold
        elif status == "solved" and following == "open":  # the seed's reopen: solved to open
            reopens += 1
            runs = waiting
        else:
            continue
        if runs and runs[-1][1] == i:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1])
    solves = [i for i, status in enumerate(statuses) if status == "solved"]
    resolved = statuses[-1] in RESOLVED
    first_resolution = full_resolution = None
    if solves:  # full resolution: to the current solve; none while a reopened ticket is unsolved
        first, last = solves[0], solves[-1]
        first_resolution = measured(changes[first].at, instants[first])
        if resolved:
            full_resolution = first_resolution if last == first else measured(changes[last].at, instants[last])
    is_agent = account.is_agent
    replies = [c for c in state.comments if c.public and not c.is_description and is_agent(c.author_id)]
    assignments = stations(state.assignees)
    return TicketMetrics(
        ticket_id=state.ticket_id,
        created_at=state.created_at,
        updated_at=state.updated_at,
        group_stations=len(stations(state.groups)),
        assignee_stations=len(assignments),
        reopens=reopens,
        replies=len(replies),
        # The assignment of the current assignee: none while the ticket has no assignee.
        assigned_at=assignments[-1].at if assignments and state.assignee_id is not None else None,
        initially_assigned_at=assignments[0].at if assignments else None,
        solved_at=changes[solves[-1]].at if solves and resolved else None,
        status_updated_at=changes[-1].at,
        reply_time=measured(replies[0].at, split(replies[0].at)) if replies else None,
        first_resolution_time=first_resolution,
        full_resolution_time=full_resolution,
        # Empty until the ticket first leaves pending, but 0 once solved if never pending.
        agent_wait_time=summed(pending) if pending else (NONE if resolved else None),
        # Empty until the ticket first leaves new/open; hold is 0 when never on hold.
        requester_wait_time=summed(waiting) if left_waiting else None,
        on_hold_time=summed(hold) if hold else (None if "hold" in statuses else NONE),
        status=statuses[-1],
        group_id=state.group_id,
        assignee_id=state.assignee_id,
    )


def resolution_hours(metrics: TicketMetrics) -> int | None:
    """The CSV's Resolution time: full resolution calendar minutes in hours, half up."""
    if metrics.full_resolution_time is None:
        return None
    return (metrics.full_resolution_time.calendar + 30) // 60
