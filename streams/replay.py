"""The embedded host: fold event logs in-process, then write exports. No broker.

This is the reference every streaming result must equal byte for byte.
"""
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from functools import partial
from itertools import chain
from pathlib import Path

import msgspec

from events import AnyEvent, Event
from events.base import DEFAULT_TIME_WINDOW, TimeWindow
from events.errors import ErrorHandler, NoteHandler
from events.log import read_log
from projections.conversations import ConversationState
from projections.metrics_memo import Stamped
from projections.state import ProjectionState
from projections.tickets import TicketState
from streams.hootdesk_parts_store import HootdeskPartsStore
from streams.state_store import EventOverflow, StateStore
from streams.sorted_rows_store import SortedRowsStore

# Given the events to fold, what to tell the events folded (a progress bar's update).
Folding = Callable[[int], AbstractContextManager[Callable[[int], None]]]

SOURCES = ("events", "zendesk-api")


class ReplayStats(msgspec.Struct):
    read: int = 0  # events read from the logs
    after_as_of: int = 0  # events later than the as-of time, left out of the snapshot
    duplicates: int = 0  # identical copies of an event read before, ignored
    conflicts: int = 0  # differing copies of an event read before, ignored
    uncreated: int = 0  # events of tickets and conversations whose creation is not in the log

    @property
    def applied(self) -> int:
        return self.read - self.after_as_of - self.duplicates - self.conflicts - self.uncreated

    def count_state(self, state: ProjectionState) -> None:
        """Take the counts only a folded state knows."""
        self.duplicates, self.conflicts = state.copies.duplicates, state.copies.conflicts
        self.uncreated = sum(n for entities in state.uncreated.values() for n in entities.values())


def read_source(
    paths: list[Path],
    source: str,
    on_error: ErrorHandler,
    on_progress: Callable[[int], None] | None = None,
    on_note: NoteHandler | None = None,
    window: TimeWindow = DEFAULT_TIME_WINDOW,
) -> Iterator[Event]:
    """Events from event logs (NDJSON or Avro, gzip-compressed or not, "-" for stdin),
    or from Zendesk API dump folders (which tell `on_note` what they hold); events dated
    outside `window` are bad records."""
    if source == "zendesk-api":
        from events.zendesk_api import read_zendesk_api

        return chain.from_iterable(read_zendesk_api(Path(folder), on_error, on_note, window) for folder in paths)
    return chain.from_iterable(read_log(Path(path), on_error, on_progress, window) for path in paths)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a replay.

    A replay allocates millions of objects that live until it ends and form no cycle
    (events and states are gc=False structs); the collector would walk them again and
    again for nothing. They are still freed by reference counting; only cyclic garbage
    made before or during the replay is never collected, which a command that ends
    with its replay can afford.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Frozen: left out of every later pass too. Else the first pass after resuming
        # would walk everything the replay allocated (about a second for a million
        # events), and so would the one at exit.
        gc.freeze()
        if was_enabled:
            gc.enable()


class MemoryBudget(msgspec.Struct, frozen=True):
    """What a replay holds in memory, whatever the size of the log (docs/benchmarks.md
    has the peak RSS this gives); beyond it, on disk until the process ends."""

    waiting_events: int = 500_000  # read and not folded yet: about 420 bytes each
    kept_states: int = 20_000  # folded, of tickets and of conversations: about 6 KB each
    kept_rows: int = 100_000  # of an export, sorted before they are written: about 900 bytes each
    # Of the reference data (contacts, and reference events by id to tell a copy): smaller
    # than states and read for most rows, so more of them stay; about 1.5 KB a contact.
    kept_references: int = 100_000


def fold(events: Iterable[Event], as_of: datetime | None, stats: ReplayStats,
         budget: MemoryBudget = MemoryBudget(), folding: Folding | None = None) -> ProjectionState:
    """Fold events into every projection, leaving out those after `as_of`; `stats` counts.

    States beyond the `budget` stay in a store on disk, which the exports then read
    (`streams/state_store.py`). Most of the folding comes once the events are read
    (`ProjectionState.settle`): `folding(events to fold)` is a context manager that yields
    what to tell the events folded, for a progress bar."""
    tickets = StateStore(TicketState, int, budget.kept_states)
    # Each ticket's metrics, computed as it is folded: once, for every export that needs them.
    metrics = StateStore(Stamped, int, budget.kept_states)
    conversations = StateStore(ConversationState, str, budget.kept_states)
    # Reference data: contacts (Hootdesk parts) and every reference event (to tell a copy)
    # grow with the account; `kept_references` of each stay in memory.
    hootdesk_parts = HootdeskPartsStore(budget.kept_references)
    references = StateStore(AnyEvent, str, budget.kept_references)
    overflow = EventOverflow(budget.waiting_events)
    state = ProjectionState(tickets=tickets, conversations=conversations, overflow=overflow, ticket_metrics=metrics,
                            hootdesk_parts=hootdesk_parts, references=references,
                            sorted_rows=partial(SortedRowsStore, keep=budget.kept_rows))
    if as_of is not None:
        events = _until(as_of, events, stats)
    stats.read += state.fold(events)
    # Now, so that the counts below are known before any export is written.
    with folding(state.waiting_events) if folding is not None else nullcontext() as on_folded:
        state.settle(on_folded)
    overflow.close()
    for store in (tickets, metrics, conversations, hootdesk_parts, references):
        store.seal()
    stats.count_state(state)
    return state


def _until(as_of: datetime, events: Iterable[Event], stats: ReplayStats) -> Iterator[Event]:
    for event in events:
        if event.occurred_at > as_of:
            stats.read += 1
            stats.after_as_of += 1
        else:
            yield event
