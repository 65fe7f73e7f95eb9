"""Agent and team rollups: totals over the tickets each agent (assignee) and team (group)
holds now, as a fold of per-ticket contributions.

A ticket contributes to its current assignee and its current group. When it changes,
its owners get its new contribution, and an owner it left gets `None` for it: the
rollup state keeps each ticket's latest contribution, so a contribution delivered twice
changes nothing and a ticket is never counted twice.
"""
from collections.abc import Mapping
from typing import TypeVar

import msgspec

from events.downstream import Minutes, Rollup, TicketMetrics
from projections.directory import Directory, known
from projections.ticket_metrics import UNSOLVED
from projections.tickets import TicketState

NO_MINUTES = Minutes(0, 0)
K, V = TypeVar("K"), TypeVar("V")


class Contribution(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """What one ticket adds to its owners' rollups."""

    unsolved: bool
    reopens: int
    replies: int
    reply_time: Minutes | None
    full_resolution_time: Minutes | None


class RollupState(msgspec.Struct, frozen=True, gc=False):
    contributions: dict[int, Contribution] = {}


def owners(ticket: TicketState) -> tuple[str, ...]:
    """The rollup keys a ticket counts in now: its assignee and its group."""
    keys = []
    if ticket.assignee_id is not None:
        keys.append(f"agent:{ticket.assignee_id}")
    if ticket.group_id is not None:
        keys.append(f"group:{ticket.group_id}")
    return tuple(keys)


def contribution(ticket: TicketState, metrics: TicketMetrics) -> Contribution:
    return Contribution(
        unsolved=ticket.status in UNSOLVED,
        reopens=metrics.reopens,
        replies=metrics.replies,
        reply_time=metrics.reply_time,
        full_resolution_time=metrics.full_resolution_time,
    )


def initial() -> RollupState:
    return RollupState()


def latest(kept: Mapping[K, V], changes: Mapping[K, V | None]) -> dict[K, V]:
    """An owner's contributions by entity, with the latest ones given (None: the entity
    left the owner): the fold of the ticket rollups and of the Hootdesk figures."""
    contributions = dict(kept)
    for entity_id, given in changes.items():
        if given is None:
            contributions.pop(entity_id, None)
        else:
            contributions[entity_id] = given
    return contributions


def apply(state: RollupState, changes: dict[int, Contribution | None]) -> RollupState:
    """The owner's rollup state with each ticket's latest contribution (None: it left)."""
    contributions = latest(state.contributions, changes)
    return state if contributions == state.contributions else RollupState(contributions)


def _sum(values: list[Minutes]) -> Minutes:
    return Minutes(sum(v.calendar for v in values), sum(v.business for v in values)) if values else NO_MINUTES


def owner_name(owner: str, parts: Mapping[str, Directory]) -> str | None:
    """The agent's (user's) or group's name in the directory parts; None when unknown."""
    kind, _, ident = owner.partition(":")
    found = known(parts, "user" if kind == "agent" else "group", int(ident))
    return None if found is None else found.name


def rollup(owner: str, state: RollupState, name: str | None = None) -> Rollup:
    tickets = list(state.contributions.values())
    replied = [t.reply_time for t in tickets if t.reply_time is not None]
    resolved = [t.full_resolution_time for t in tickets if t.full_resolution_time is not None]
    return Rollup(
        owner=owner,
        unsolved_tickets=sum(t.unsolved for t in tickets),
        solved_tickets=sum(not t.unsolved for t in tickets),
        reopens=sum(t.reopens for t in tickets),
        replies=sum(t.replies for t in tickets),
        replied_tickets=len(replied),
        reply_minutes=_sum(replied),
        resolved_tickets=len(resolved),
        full_resolution_minutes=_sum(resolved),
        owner_name=name,
    )
