"""What a replay shows while it runs: on a terminal, a bar for each stage; elsewhere nothing
(a log or a pipe gets the one summary line a replay ends with).

Reading counts the bytes of the logs, so it has an ETA, and tells the events read a
second; folding, the events read and not folded yet, with an ETA too. Writing counts exports done and tells which: their costs
differ a thousandfold, so a time left reckoned from their count would mislead.
"""
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TextIO

import click

from events import Event


class ReplayProgress:
    def __init__(self, file: TextIO | None = None):
        self.file = file if file is not None else sys.stderr
        self.shown = self.file.isatty()
        self.events = 0  # read so far; counted only when shown
        self._current = None  # the bar drawn last, until it is finished

    def counted(self, events: Iterable[Event]) -> Iterable[Event]:
        """`events`, counted as they go by when the bars are shown (else untouched: a
        replay off a terminal pays nothing)."""
        return self._count(events) if self.shown else events

    def _count(self, events: Iterable[Event]) -> Iterator[Event]:
        for self.events, event in enumerate(events, 1):
            yield event

    @contextmanager
    def reading(self, total_bytes: int) -> Iterator[Callable[[int], None]]:
        """A bar over the bytes of the logs; yields what to tell bytes read."""
        with self._bar("Reading", total_bytes, lambda bar, _: f"{self.events:,} events, "
                                                               f"{_per_second(self.events, bar)} events/s") as bar:
            yield bar.update

    @contextmanager
    def folding(self, events: int) -> Iterator[Callable[[int], None]]:
        """A bar over the events read and not folded yet (a log's tickets are folded
        once it is read); yields what to tell events folded."""
        folded = 0

        def told(count: int) -> None:
            nonlocal folded
            folded += count
            bar.update(count)

        with self._bar("Folding", events, lambda bar, _: f"{_per_second(folded, bar)} events/s") as bar:
            yield told

    @contextmanager
    def writing(self, names: Sequence[str]) -> Iterator[Callable[[str], None]]:
        """A bar over the exports; yields what to tell an export's name once it is written."""
        with self._bar("Writing", len(names), lambda _, name: name and f"{name} written",
                       show_eta=False, show_pos=True) as bar:
            yield lambda name: bar.update(1, name)

    @contextmanager
    def _bar(self, label: str, length: int, info: Callable[..., str | None], **options):
        """A bar in place of the one before, finished first if it is not."""
        self._finish()
        bar = click.progressbar(length=length, label=f"{label:<8}", file=self.file, hidden=not self.shown, **options)
        bar.item_show_func = lambda item: info(bar, item)
        self._current = bar.__enter__()
        try:
            yield bar
        finally:
            if self._current is bar:
                self._finish()

    def _finish(self) -> None:
        if self._current is not None:
            self._current.render_progress()  # with the counts of the end
            self._current.__exit__(None, None, None)
            self._current = None


def _per_second(count: int, bar) -> str:
    return f"{count / max(time.time() - bar.start, 1e-6):,.0f}"
