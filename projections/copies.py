"""Copies of one event, and which of them counts.

An event is known by its time and id: two events with both equal are copies of one fact
(a producer's retry, a log concatenated twice). Identical copies change nothing. Copies
that differ (a bug upstream) are a conflict, settled the same way every run, whatever
the hash seed or the host: the copy read first is kept, the later ones are ignored.

`merged` applies the rule to a projection's timeline marks, so both hosts and every
batching agree; `Copies` applies it to whole events before a fold and counts what it
ignored, for the replay's summary.
"""
from collections.abc import Callable
from operator import attrgetter, lt

from events import Event

_at = attrgetter("at")
_mark_key = attrgetter("at", "event_id")
_event_key = attrgetter("occurred_at", "event_id")
_event_id = attrgetter("event_id")


def merged(marks: tuple, added: list) -> tuple:
    """`marks` with `added`, in (time, event_id) order, one mark per event: a mark
    already in `marks` wins over a copy in `added`, and an earlier one in `added` over
    a later one."""
    times = list(map(_at, (*marks[-1:], *added)))
    if all(map(lt, times, times[1:])):
        # The usual case: each mark strictly later than the one before, so in order and
        # none twice (copies have the same time).
        return (*marks, *added)
    # Built in C, later keys overwriting earlier ones: `added` backwards, then `marks`.
    by_key = dict(zip(map(_mark_key, reversed(added)), reversed(added)))
    by_key.update(zip(map(_mark_key, marks), marks))
    return tuple(by_key[key] for key in sorted(by_key))


ConflictHandler = Callable[[Event, Event], None]  # (kept, ignored)


class Copies:
    """Drops later copies of events from the batches a host folds, counting them."""

    def __init__(self, on_conflict: ConflictHandler | None = None) -> None:
        self.duplicates = 0  # identical copies ignored
        self.conflicts = 0  # differing copies ignored (the first read was kept)
        self.on_conflict = on_conflict

    @property
    def ignored(self) -> int:
        return self.duplicates + self.conflicts

    def distinct(self, events: list[Event]) -> list[Event]:
        """`events` (one entity's, in read order) with only the first read of each event."""
        # The usual case, checked in C on the ids alone (strings hash once): no id twice, so
        # no copy. Only ids seen twice need the times too.
        if len(set(map(_event_id, events))) == len(events):
            return events
        first: dict[tuple, Event] = {}
        kept = []
        for key, event in zip(map(_event_key, events), events):
            seen = first.get(key)
            if seen is None:
                first[key] = event
                kept.append(event)
            elif seen == event:
                self.duplicates += 1
            else:
                self.conflicts += 1
                if self.on_conflict is not None:
                    self.on_conflict(seen, event)
        return kept
