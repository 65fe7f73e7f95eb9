"""The log: one seeded world, its tickets' and conversations' stories, merged in time order."""
import random
from collections.abc import Iterator
from datetime import datetime
from itertools import count
from operator import itemgetter

from bench.generate.conversations import conversation_story
from bench.generate.locks import Locks
from bench.generate.schedule import DAY, DEFAULT_START, MINUTE, NEVER
from bench.generate.tickets import ticket_story
from bench.generate.world import World
from events import Event


class _Reorder:
    """Events made out of time order, given back in time order, ties in the order made.

    They wait in one-minute buckets (a stable sort of a small bucket is cheaper than a heap
    of the whole window); a bucket goes out once the caller says nothing earlier will come.
    """

    def __init__(self, start: int):
        self.buckets: dict[int, list[tuple[int, Event]]] = {}
        self.cursor = start // MINUTE  # minutes before it are released

    def add(self, events: list[tuple[int, Event]]) -> None:
        for item in events:
            self.buckets.setdefault(item[0] // MINUTE, []).append(item)

    def release(self, until: int) -> Iterator[Event]:
        """Every event of the minutes wholly before `until`'s minute: no event is still to
        come before `until`."""
        minutes = range(self.cursor, until // MINUTE) if until < NEVER else sorted(self.buckets)
        for minute in minutes:
            bucket = self.buckets.pop(minute, None)
            if bucket:
                bucket.sort(key=itemgetter(0))
                for _, event in bucket:
                    yield event
        self.cursor = max(self.cursor, until // MINUTE)


def generate(
    tickets: int,
    conversations: int,
    *,
    seed: int = 7,
    start: datetime = DEFAULT_START,
    days: int = 5,
    agents: int = 6,
) -> Iterator[Event]:
    """A synthetic log in time order: reference data at `start`, then presence, tickets and
    conversations until `start + days` (whole seconds). Same arguments, same events.

    Bad arguments raise ValueError here, not when the first event is asked for.
    """
    if start.utcoffset() is None:
        raise ValueError(f"start: expected an aware datetime, got naive {start.isoformat()}")
    if agents < 2 or days < 1 or tickets < 0 or conversations < 0:
        raise ValueError(f"expected agents >= 2, days >= 1 and counts >= 0, got agents={agents}, "
                         f"days={days}, tickets={tickets}, conversations={conversations}")
    return _events(tickets, conversations, seed, int(start.timestamp()), days, agents)


def _events(tickets: int, conversations: int, seed: int, begin: int, days: int,
            agents: int) -> Iterator[Event]:
    rng = random.Random(seed)
    # about two tickets per end user and three conversations per two contacts
    world = World(rng, begin, begin + days * DAY, agents, users=max(10, tickets // 2),
                  contacts=max(8, conversations * 2 // 3))
    yield from world.reference
    waiting = _Reorder(begin)
    waiting.add(world.presence())
    locks = Locks(world.availability)
    ticket_ids, conversation_ids = count(1001), count(1)
    for created, kind, by_agent in world.arrivals(tickets, conversations):
        yield from waiting.release(created)  # nothing still to come can precede these
        if kind == 0:
            waiting.add(ticket_story(world, next(ticket_ids), created, by_agent))
        else:
            locks.forget(created)
            waiting.add(conversation_story(world, locks, f"conv-{next(conversation_ids):06d}", created))
    yield from waiting.release(NEVER)
