"""What the Hootdesk rollup exports share: the rollups of a request and their rows.

The rollups count the activity inside the request's range, on the conversations of the
channels asked for (docs/metrics.md): the channel filter of an export without a channel
column restricts what is counted, not which rows exist.
"""
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple
from weakref import WeakKeyDictionary

from events.commands import ExportRequest
from projections.conversation_metrics import seconds
from projections.hootdesk_directory import People
from projections.hootdesk_rollups import Rollups, Tally, merge, rollups
from projections.sorted_rows import SortedRows
from projections.state import ProjectionState
from sinks.hootdesk_columns import channel_filter


@dataclass(frozen=True, slots=True)
class RollupRow:
    """One owner's figures: `owner` is its rollup key (kind, id, and the channel if any)."""

    owner: tuple
    tally: Tally
    people: People
    zone: tzinfo

    @property
    def owner_id(self) -> str:
        return self.owner[1]


class _Figures(NamedTuple):
    owners: Rollups  # every owner's but the contacts'
    contacts: SortedRows[tuple[str, Tally]]  # (contact id, tally) of each conversation, by contact id


# The rollups of a folded state, by the request options they depend on: the seven
# rollup exports of one snapshot each need them, and they take a pass over every conversation.
_computed: WeakKeyDictionary[ProjectionState, dict[tuple, _Figures]] = WeakKeyDictionary()


def _figures(state: ProjectionState, request: ExportRequest) -> _Figures:
    known = _computed.setdefault(state, {})
    options = (request.date_from, request.date_to, frozenset(request.channels))
    if options not in known:
        wanted = channel_filter(state.live_conversations(), request)
        contacts = state.sorted_rows(tuple[str, Tally])

        def aside(contact_id: str, tally: Tally) -> None:
            contacts.add((contact_id,), (contact_id, tally))

        owners = rollups(state.live_conversations(), state.people, request.in_range, wanted, aside)
        known[options] = _Figures(owners, contacts)
    return known[options]


def request_rollups(state: ProjectionState, request: ExportRequest) -> Rollups:
    """The rollups of the conversations asked for, counted in the request's range, of
    every owner but the contacts (`contact_rows`)."""
    return _figures(state, request).owners


def rows_of(state: ProjectionState, request: ExportRequest, kind: str) -> list[RollupRow]:
    """The rows of the owners of one kind (not contacts), by their key."""
    found = request_rollups(state, request)
    people, zone = state.people, request.zone
    return [RollupRow(owner, found[owner], people, zone) for owner in sorted(found) if owner[0] == kind]


def contact_rows(state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
    """The rows of the contacts, by id: each contact's figures merged as they are read
    back sorted, so that only one contact's are in memory at a time."""
    contacts, people, zone = _figures(state, request).contacts, state.people, request.zone
    return (RollupRow(("contact", contact_id), _merged([tally for _, tally in figures]), people, zone)
            for contact_id, figures in groupby(contacts.in_order(), key=itemgetter(0)))


def _merged(tallies: list[Tally]) -> Tally:
    # Most contacts wrote in one conversation: their one tally is their figures as they are.
    return tallies[0] if len(tallies) == 1 else merge({None: tally} for tally in tallies)[None]


def whole_seconds(get: Callable[[Tally], timedelta | None]) -> Callable[[RollupRow], int | None]:
    """A duration in whole seconds, truncated; empty where there is nothing to average."""
    return lambda row: None if (value := get(row.tally)) is None else seconds(value)


def how_many(field: str) -> Callable[[RollupRow], int]:
    """The number of distinct items (conversations, contacts, messages) a tally keeps."""
    return lambda row: len(getattr(row.tally, field))


def name(row: RollupRow) -> str | None:
    return None if row.tally.name is None else row.tally.name[2]


# Medium, Channel and Channel Display Name of the exports whose rows are per item and channel.
CHANNEL_COLUMNS = (
    ("Medium", lambda row: row.owner[2]),
    ("Channel", lambda row: row.owner[3]),
    ("Channel Display Name", lambda row: row.owner[4]),
)
