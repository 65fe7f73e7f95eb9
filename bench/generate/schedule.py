"""The time stories live in: the log's default start, Paris business hours and the working-time
calendar agents act in."""
import random
from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris
TIME_ZONE = ZoneInfo("Europe/Paris")
OPENS, CLOSES = 9 * 60, 18 * 60  # local minutes of a working day
WORKDAYS = range(1, 6)  # Monday to Friday, counted from Sunday = 0 as Zendesk does
MINUTE, HOUR, DAY = 60, 3600, 86400
NEVER = 2**62  # later than any horizon: a story step that can't happen in the log


def at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _local(day: date, minute: int) -> int:
    """Epoch seconds of a local wall-clock minute in the schedule's time zone."""
    return int(datetime.combine(day, time(minute // 60, minute % 60), TIME_ZONE).timestamp())


class Calendar:
    """The schedule's working time as sorted UTC intervals in epoch seconds, holidays removed."""

    def __init__(self, start: int, end: int, holiday: date):
        self.starts: list[int] = []
        self.ends: list[int] = []
        first = at(start).astimezone(TIME_ZONE).date() - timedelta(1)
        for n in range((end - start) // DAY + 60):  # past the horizon: a step may land there
            day = first + timedelta(n)
            if day.isoweekday() % 7 in WORKDAYS and day != holiday:
                self.starts.append(_local(day, OPENS))
                self.ends.append(_local(day, CLOSES))
        self.start, self.end = start, end
        self._spans = [(max(s, start), min(e, end)) for s, e in zip(self.starts, self.ends)
                       if s < end and e > start]

    def at_or_after(self, t: int) -> int:
        i = bisect_right(self.ends, t)
        return max(t, self.starts[i]) if i < len(self.starts) else NEVER

    def after(self, t: int, seconds: float) -> int:
        """The instant `seconds` of working time after t (agents only act in working time)."""
        i = bisect_right(self.ends, t)
        while i < len(self.starts):
            t = max(t, self.starts[i])
            if t + seconds < self.ends[i]:
                return int(t + seconds)
            seconds -= self.ends[i] - t
            i += 1
        return NEVER

    def sample(self, rng: random.Random) -> int:
        """A working instant in [start, end), uniformly drawn; any instant if none works."""
        x = rng.randrange(sum(e - s for s, e in self._spans) or 1)
        for s, e in self._spans:
            if x < e - s:
                return s + x
            x -= e - s
        return rng.randrange(self.start, self.end)
