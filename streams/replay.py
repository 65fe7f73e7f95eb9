"""The embedded host: fold event logs in-process, then write exports. No broker.

This is the reference every streaming result must equal byte for byte.
"""
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from datetime import datetime
from pathlib import Path

import msgspec

from events import Event
from events.errors import SourceError
from events.log import read_log
from projections.state import ProjectionState

SOURCES = ("events", "zendesk-api")


class ReplayStats(msgspec.Struct):
    applied: int = 0
    after_as_of: int = 0  # events later than the as-of time, left out of the snapshot


def read_source(
    paths: list[Path],
    source: str,
    on_error: Callable[[SourceError], None],
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[Event]:
    """Events from event logs (NDJSON or Avro), or from one Zendesk API dump folder."""
    if source == "zendesk-api":
        from events.zendesk_api import read_zendesk_api

        return chain.from_iterable(read_zendesk_api(Path(folder), on_error) for folder in paths)
    return chain.from_iterable(read_log(Path(path), on_error, on_progress) for path in paths)


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


def fold(events: Iterable[Event], as_of: datetime | None, stats: ReplayStats) -> ProjectionState:
    """Fold events into every projection, leaving out those after `as_of`."""
    state = ProjectionState()
    if as_of is not None:
        events = _until(as_of, events, stats)
    stats.applied += state.fold(events)
    return state


def _until(as_of: datetime, events: Iterable[Event], stats: ReplayStats) -> Iterator[Event]:
    for event in events:
        if event.occurred_at > as_of:
            stats.after_as_of += 1
        else:
            yield event
