"""The lock book: which Hootdesk agent can take a conversation, and from when."""
import random
from bisect import bisect_right

from bench.generate.schedule import NEVER


class Locks:
    """When each Hootdesk agent can take a conversation: available (presence) and not
    already holding a lock. Reservations are half-open and one second longer than the lock,
    so one lock ends strictly before the agent's next begins; back-to-back ones are joined,
    which keeps a busy agent's list short."""

    def __init__(self, availability: dict[str, list[tuple[int, int]]]):
        self.agents = list(availability)
        self.available = {agent: ([s for s, _ in spans], [e for _, e in spans])
                          for agent, spans in availability.items()}
        self.busy: dict[str, tuple[list[int], list[int]]] = {a: ([], []) for a in self.agents}

    def earliest(self, agent: str, t: int, duration: int, latest: int) -> int:
        """The first start >= t, and <= latest, of a free lock of `duration`; else NEVER."""
        starts, ends = self.available[agent]
        busy_starts, busy_ends = self.busy[agent]
        for i in range(bisect_right(ends, t), len(starts)):
            s = max(t, starts[i])
            j = bisect_right(busy_ends, s)  # the first reservation still running at s
            while s <= latest and j < len(busy_starts) and busy_starts[j] <= s + duration:
                s = busy_ends[j]  # overlaps: try right after it
                j += 1
            if s > latest:
                break
            if s + duration < ends[i]:
                return s
        return NEVER

    def book(self, rng: random.Random, t: int, duration: int, latest: int,
             prefer: str | None) -> tuple[str, int] | None:
        """The agent who can start soonest (the previous one first, if free as soon), and when."""
        order = rng.sample(self.agents, len(self.agents))
        if prefer is not None and rng.random() < 0.6:
            order.insert(0, prefer)
        s, best = NEVER, ""
        for agent in order:
            start = self.earliest(agent, t, duration, min(latest, s - 1))
            if start < s:
                s, best = start, agent
                if s == t:  # nobody can start sooner
                    break
        if s == NEVER:
            return None
        busy_starts, busy_ends = self.busy[best]
        begins, ends = s, s + duration + 1
        i = bisect_right(busy_starts, s)
        if i and busy_ends[i - 1] == begins:  # joins the reservation before: one longer one
            i -= 1
            begins = busy_starts.pop(i)
            busy_ends.pop(i)
        if i < len(busy_starts) and busy_starts[i] == ends:  # and the one after
            busy_starts.pop(i)
            ends = busy_ends.pop(i)
        busy_starts.insert(i, begins)
        busy_ends.insert(i, ends)
        return best, s

    def forget(self, before: int) -> None:
        """Drop reservations over before `before`: no later lock can start that early."""
        for busy_starts, busy_ends in self.busy.values():
            if len(busy_ends) > 64:
                i = bisect_right(busy_ends, before)
                del busy_starts[:i], busy_ends[:i]
