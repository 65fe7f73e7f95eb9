"""Events read and not folded yet, and where they wait when too many do.

A projection folds each entity's events together, once, when its state is first read:
that merges its timelines once instead of once per event. Meanwhile the events wait by
entity, in memory. A replay of a whole account gives an `Overflow` to bound how many:
beyond its limit, those of the entities least likely to have more to come move there
(to disk, in a replay: `streams/state_store.py`), and come back when the entity is folded.
"""
from collections.abc import Iterable, Iterator
from datetime import datetime
from operator import itemgetter
from typing import Protocol

from events import Event, TicketStatusChanged

Waiting = dict[object, list[Event]]  # entity id -> its events not folded yet, in read order


class Overflow(Protocol):
    """Where events wait once too many wait in memory; the host's to keep."""

    limit: int  # events that may wait in memory

    def put(self, kind: str, entity_id, events: list[Event]) -> None:
        """Keep these events of one entity of `kind`, after those kept before."""

    def take(self, kind: str) -> Iterator[tuple[object, list[Event]]]:
        """Every entity of `kind` with the events kept of it, in the order put; then
        forget them."""


def make_room(kinds: Iterable[tuple[str, Waiting]], overflow: Overflow) -> int:
    """Move the waiting events of the entities least likely to have more to come to the
    overflow, until half its limit waits in memory: closed tickets first (Zendesk changes
    a closed ticket no more), then the entities idle longest in the log's time. Returns
    the room made: how many more events may wait."""
    ranked = sorted(
        ((_staleness(events), entity_id, kind, waiting) for kind, waiting in kinds
         for entity_id, events in waiting.items()),
        key=itemgetter(0),
    )
    held = sum(len(waiting[entity_id]) for _, entity_id, _, waiting in ranked)
    for _, entity_id, kind, waiting in ranked:
        if held <= overflow.limit // 2:
            break
        events = waiting.pop(entity_id)
        held -= len(events)
        overflow.put(kind, entity_id, events)
    return max(overflow.limit - held, 1)


def take_all(kind: str, waiting: Waiting, overflow: Overflow | None) -> Iterator[tuple[object, list[Event]]]:
    """Every waiting entity of `kind` with all its events in read order (those in the
    overflow came first), each popped as it is given: its events are freed right after
    they are folded, while still in cache, and their memory takes the new states."""
    if overflow is not None:
        for entity_id, events in overflow.take(kind):
            yield entity_id, events + waiting.pop(entity_id, [])
    for entity_id in list(waiting):
        yield entity_id, waiting.pop(entity_id)


def _staleness(events: list[Event]) -> tuple[bool, datetime]:
    """The order in which entities leave memory, by their waiting events: closed tickets
    first, then by the time of their last event."""
    last = events[-1]
    return type(last) is not TicketStatusChanged or last.status != "closed", last.occurred_at
