"""What tickets and conversations have in common: a story, one entity's events as it makes them."""
from itertools import count

from bench.generate.schedule import at
from events import Event


class Story:
    """One entity's events, numbered for their ids; a step at or after the horizon is dropped."""

    def __init__(self, prefix: str, end: int, key: str, value: int | str):
        self.prefix, self.end, self.key, self.value = prefix, end, key, value
        self.events: list[tuple[int, Event]] = []
        self._n = count(1)

    def add(self, ts: int, cls: type[Event], **fields) -> None:
        n = next(self._n)  # numbered even when dropped, so a longer log keeps the same ids
        if ts < self.end:
            fields[self.key] = self.value
            self.events.append((ts, cls(event_id=f"{self.prefix}-{n:03d}", occurred_at=at(ts), **fields)))
