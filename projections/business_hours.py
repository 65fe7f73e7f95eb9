"""Calendar and business time between two instants, in Zendesk's whole minutes.

Zendesk's Ticket Metrics take the exact elapsed time and round it to the nearest minute,
half up (15:41:04 -> 14:45:47 six days later is 8584.72 minutes: 8585). Business time is
exact too, to the microsecond, then rounded the same way. So this module measures in
microseconds, an instant being its epoch minute and the microseconds into it (`split`),
and rounds once, at the end (`whole_minutes`): a metric made of several segments sums
their exact durations first.

Business time follows the wall clock: a real minute is working when its local reading
in the schedule's time zone falls in a weekly working interval and its local date is not
a holiday, and every microsecond of a working minute counts. So local times skipped by a
spring-forward contain no minute and count nothing (an interval 02:30-03:30 on that
night yields 30 minutes, 03:00-03:30), and local times repeated by a fall-back are lived
twice and count twice (00:00-24:00 on that day is 25 h). UTC offsets are whole minutes
in every zone since 1972, so a real minute never straddles two local minutes.

How it stays cheap: a span is its whole minutes plus the two partial minutes at its ends.
Whole minutes `[lo, hi)` are cut where the zone's UTC offset changes (found once per zone
and ~364-day block by probing zoneinfo, then cached), so each piece reads as one
contiguous run of local minutes. A run's working minutes come from a per-schedule prefix
sum over the week (`_Plan.prefix`, minute by minute, 20 KB) and prefix sums over merged
holidays (bisect): O(1) per piece plus O(log holidays), never a loop over days or weeks.

Spans of centuries (an as-of time far away, a wide event time window) don't cost a
piece per year: from 2100, once the tz database's listed offset changes are over and only
yearly rules remain, and past a schedule's last holiday, working time repeats every 400
Gregorian years (`ERA`: dates, weekdays and the rules' changes all come back), so whole
eras are counted once per schedule (`_Plan.era_worked`) and multiplied. A span's cost
is thus bounded, whatever its length.

Most measured spans (a ticket's waits) are hours or days long, so the pieces are also
turned, once per schedule and ~45-day block, into running counts of working minutes per
real minute (`_Plan.counts`, 256 KB): a span inside one block is then four reads, two
for its whole minutes and two telling whether its end minutes are working. Spans
crossing a block end are summed piece by piece as above.
"""
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from events.accounts import HolidayUpserted, ScheduleUpserted

WEEK = 7 * 24 * 60
_DAY = 24 * 60
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MINUTE = timedelta(minutes=1)
_MICROSECOND = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MINUTE_US = 60_000_000  # microseconds in a minute
HALF_MINUTE_US = MINUTE_US // 2
_SUNDAY = 3 * _DAY  # local minute of Sunday 1970-01-04 00:00, the origin of weekly minutes
_BLOCK_BITS = 19  # offset-change cache blocks of 2**19 minutes (~364 days)
_PROBE = 360  # probe every 6 h: assumes a zone never changes offset twice within 6 h
_COUNT_BITS = 16  # running counts of working minutes kept per block of 2**16 minutes (~45 days)
# 400 Gregorian years: 146 097 days, a whole number of weeks (20 871).
ERA = 146_097 * _DAY
# From 2100 every zone's offsets repeat each era (the explicit changes of the tz database
# end in 2087, Morocco's); datetime ends in 9999: offsets later are read an era earlier.
_RULES_FROM = (date(2100, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY
_LATEST = (date(9999, 1, 1).toordinal() - _EPOCH_ORDINAL) * _DAY


class Schedule(msgspec.Struct, frozen=True, cache_hash=True):
    """A weekly working pattern in local wall-clock time, with whole-day holidays."""

    schedule_id: int
    time_zone: str  # IANA name
    # (start_minute, end_minute) from Sunday 00:00 local, end exclusive; any order, may overlap
    intervals: tuple[tuple[int, int], ...]
    holidays: tuple[tuple[date, date], ...] = ()  # inclusive local date ranges

    def __post_init__(self) -> None:
        # Fail when the schedule is built, not on the first segment it measures.
        where = f"schedule {self.schedule_id}"
        try:
            _zone(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            got = self.time_zone
            raise ValueError(f"{where}: expected an IANA time zone in `time_zone`, got {got!r}") from None
        for start, end in self.intervals:
            if not (type(start) is int and type(end) is int and 0 <= start < end <= WEEK):
                raise ValueError(
                    f"{where}: expected intervals with 0 <= start_minute < end_minute <= {WEEK},"
                    f" got ({start!r}, {end!r})"
                )
        for first, last in self.holidays:
            _check_holiday(where, first, last)

    @classmethod
    def from_event(
        cls, event: ScheduleUpserted, holidays: Iterable[tuple[date, date] | HolidayUpserted] = ()
    ) -> "Schedule":
        """The schedule an upsert describes, with holidays given as date pairs or `HolidayUpserted`."""
        intervals = tuple((i.start_minute, i.end_minute) for i in event.intervals)
        schedule = cls(event.schedule_id, event.time_zone, intervals)
        for holiday in holidays:
            if isinstance(holiday, HolidayUpserted):
                if holiday.schedule_id != event.schedule_id:
                    raise ValueError(
                        f"holiday {holiday.holiday_id}: expected schedule_id {event.schedule_id},"
                        f" got {holiday.schedule_id}"
                    )
                holiday = (holiday.start_date, holiday.end_date)
            schedule = schedule.with_holiday(*holiday)
        return schedule

    def with_holiday(self, start: date, end: date) -> "Schedule":
        """A new schedule with local days `start`..`end` (inclusive) off; a repeat is a no-op."""
        _check_holiday(f"schedule {self.schedule_id}", start, end)
        holidays = tuple(sorted({*self.holidays, (start, end)}))
        return self if holidays == self.holidays else msgspec.structs.replace(self, holidays=holidays)


def whole_minutes(micros: int) -> int:
    """Microseconds as whole minutes, rounded to the nearest, half up (30 s rounds up)."""
    return (micros + HALF_MINUTE_US) // MINUTE_US


def calendar_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes from `start` to `end`: the exact time, rounded half up; 0 if end <= start."""
    (lo, lo_into), (hi, hi_into) = split(start, "start"), split(end, "end")
    return max(0, whole_minutes((hi - lo) * MINUTE_US + hi_into - lo_into))


def business_minutes(schedule: Schedule, start: datetime, end: datetime) -> int:
    """Whole working minutes of `[start, end)` under `schedule`: the exact working time,
    rounded half up; 0 if end <= start.

    Minutes follow the local wall clock: skipped local times count nothing, repeated ones
    count twice (see the module docstring).
    """
    return whole_minutes(business_micros(schedule, start, end))


def business_micros(schedule: Schedule, start: datetime, end: datetime) -> int:
    """The exact working time of `[start, end)` under `schedule`, in microseconds."""
    return business_micros_between(schedule, *split(start, "start"), *split(end, "end"))


def business_micros_between(schedule: Schedule, lo: int, lo_into: int, hi: int, hi_into: int) -> int:
    """Working microseconds from `lo_into` microseconds into epoch minute `lo` to `hi_into`
    into epoch minute `hi` (instants as `split` gives them), for callers that measure many
    spans between the same instants and split each once; 0 if the end is not later."""
    if hi <= lo and (hi < lo or hi_into <= lo_into):
        return 0
    b = lo >> _COUNT_BITS
    if hi >> _COUNT_BITS == b:  # the usual case, four reads from one block of running counts
        plan = _PLANS.get(schedule) or _plan(schedule)
        counts = plan.counts.get(b) or plan.load_counts(b)
        i, j = lo - (b << _COUNT_BITS), hi - (b << _COUNT_BITS)
        at_lo, at_hi = counts[i], counts[j]
        lo_works, hi_works = counts[i + 1] != at_lo, counts[j + 1] != at_hi
        whole = at_hi - at_lo
    else:
        whole = business_minutes_between(schedule, lo, hi)
        lo_works = business_minutes_between(schedule, lo, lo + 1)
        hi_works = business_minutes_between(schedule, hi, hi + 1)
    # The whole minutes [lo, hi), less the part of minute `lo` before the start if it is
    # working, plus the part of minute `hi` before the end if it is (when lo == hi, that is
    # the span itself, in a working minute).
    return whole * MINUTE_US + (hi_into if hi_works else 0) - (lo_into if lo_works else 0)


def business_minutes_between(schedule: Schedule, lo: int, hi: int) -> int:
    """Working minutes among the whole epoch minutes `[lo, hi)`."""
    if hi <= lo:
        return 0
    plan = _plan(schedule)
    b = lo >> _COUNT_BITS
    if (hi - 1) >> _COUNT_BITS == b:  # both ends in one block of running counts
        counts = plan.counts.get(b) or plan.load_counts(b)
        base = b << _COUNT_BITS
        return counts[hi - base] - counts[lo - base]
    eras = (hi - max(lo, plan.periodic_from)) // ERA
    if eras > 0:  # the span ends with whole eras that repeat one another
        return eras * plan.era_worked() + business_minutes_between(schedule, lo, hi - eras * ERA)
    return sum(plan.worked(first, last) for _, _, first, last in plan.pieces(lo, hi))


def weekly_minutes(schedule: Schedule) -> int:
    """Working minutes in one week of the schedule's pattern, holidays aside."""
    return _plan(schedule).weekly


def _check_holiday(where: str, first: object, last: object) -> None:
    if not (type(first) is date and type(last) is date and first <= last):
        raise ValueError(
            f"{where}: expected a holiday as (start_date, end_date) with start <= end, got ({first!r}, {last!r})"
        )


def split(instant: datetime, where: str = "instant") -> tuple[int, int]:
    """The aware `instant` as the epoch minute it falls in and the microseconds it is into
    that minute: exact, and small numbers (an epoch microsecond count is a big one, whose
    arithmetic costs twice as much)."""
    if instant.tzinfo is UTC:  # as decoded event times are: whole fields, 3x faster
        minute = (instant.toordinal() - _EPOCH_ORDINAL) * _DAY + instant.hour * 60 + instant.minute
        return minute, instant.second * 1_000_000 + instant.microsecond
    if instant.tzinfo is None:
        raise ValueError(f"`{where}`: expected an aware datetime, got {instant!r}")
    return divmod((instant - _EPOCH) // _MICROSECOND, MINUTE_US)


@lru_cache(maxsize=None)
def _zone(name: str) -> tuple[ZoneInfo, dict]:
    """The zone and its cache of offset-change blocks, shared by every schedule in it."""
    return ZoneInfo(name), {}


def _offset(zone: ZoneInfo, minute: int) -> int:
    """UTC offset in whole minutes at the epoch `minute` (second-level historic offsets floor)."""
    if minute >= _LATEST:
        minute -= ((minute - _LATEST) // ERA + 1) * ERA
    return datetime.fromtimestamp(minute * 60, zone).utcoffset() // _MINUTE


def _load_block(zone: ZoneInfo, blocks: dict, b: int) -> tuple[list[int], list[int]]:
    """Offset changes in block `b`: (change minutes + block end, offset in force before each)."""
    first, last = b << _BLOCK_BITS, (b + 1) << _BLOCK_BITS
    times, offsets = [], [_offset(zone, first)]
    probes = [*range(first, last, _PROBE), last - 1]
    for before, after in zip(probes, probes[1:]):
        if _offset(zone, after) != offsets[-1]:
            old = offsets[-1]
            while after - before > 1:  # the first minute with the new offset
                mid = (before + after) // 2
                before, after = (mid, after) if _offset(zone, mid) == old else (before, mid)
            times.append(after)
            offsets.append(_offset(zone, after))
    times.append(last)
    blocks[b] = block = (times, offsets)
    return block


class _Plan:
    """Per-schedule prefix sums over local minutes counted from Sunday 1970-01-04 00:00 local."""

    __slots__ = (
        "zone", "blocks", "pattern", "weekly", "prefix", "hol_starts", "hol_ends", "hol_before", "counts",
        "periodic_from", "era",
    )

    def __init__(self, schedule: Schedule) -> None:
        self.zone, self.blocks = _zone(schedule.time_zone)
        working = bytearray(WEEK)
        for start, end in schedule.intervals:  # overlaps merge by marking
            working[start:end] = b"\x01" * (end - start)
        self.pattern = bytes(working)  # 1 for each working minute of the week
        # prefix[r]: working minutes of the week before weekly minute r; uint16 keeps it 20 KB
        self.prefix = array("H", accumulate(working, initial=0))
        self.counts: dict[int, array] = {}  # by block: see `load_counts`
        self.weekly = self.prefix[WEEK]
        days: list[list[int]] = []
        for first, last in sorted(schedule.holidays):
            lo = (first.toordinal() - _EPOCH_ORDINAL) * _DAY - _SUNDAY
            hi = (last.toordinal() - _EPOCH_ORDINAL + 1) * _DAY - _SUNDAY
            if days and lo <= days[-1][1]:
                days[-1][1] = max(days[-1][1], hi)
            else:
                days.append([lo, hi])
        self.hol_starts = [lo for lo, _ in days]
        self.hol_ends = [hi for _, hi in days]
        self.hol_before, removed = [], 0  # working minutes inside the earlier holidays
        for lo, hi in days:
            self.hol_before.append(removed)
            removed += self.weekly_worked(hi) - self.weekly_worked(lo)
        # The epoch minute from which working time repeats every era: a day after the last
        # holiday in any time zone, and not before the zones' offsets do.
        self.periodic_from = max(_RULES_FROM, (self.hol_ends[-1] + _SUNDAY + _DAY) if days else 0)
        self.era: int | None = None  # working minutes in an era from `periodic_from`, when needed

    def weekly_worked(self, x: int) -> int:
        """Working minutes of the weekly pattern in [0, x) (negative for x < 0)."""
        weeks, r = divmod(x, WEEK)
        return weeks * self.weekly + self.prefix[r]

    def pieces(self, lo: int, hi: int) -> Iterator[tuple[int, int, int, int]]:
        """`[lo, hi)` cut where the UTC offset changes: (start, end) in epoch minutes and
        (first, last) in local minutes, for each piece."""
        while lo < hi:
            b = lo >> _BLOCK_BITS
            times, offsets = self.blocks.get(b) or _load_block(self.zone, self.blocks, b)
            i = bisect_right(times, lo)
            # times[i] is the next offset change; the block's end is a sentinel in `times`
            end = times[i] if times[i] < hi else hi
            yield lo, end, lo + offsets[i] - _SUNDAY, end + offsets[i] - _SUNDAY
            lo = end

    def worked(self, first: int, last: int) -> int:
        """Working minutes in the local minutes [first, last), holidays off."""
        worked = self.weekly_worked(last) - self.weekly_worked(first)
        return worked - self.holiday_worked(first, last) if self.hol_starts else worked

    def era_worked(self) -> int:
        """Working minutes in any era that starts at `periodic_from` or later."""
        if self.era is None:
            start = self.periodic_from
            self.era = sum(self.worked(first, last) for _, _, first, last in self.pieces(start, start + ERA))
        return self.era

    def load_counts(self, b: int) -> array:
        """counts[k]: working minutes in the first k real minutes of block `b` of 2**_COUNT_BITS."""
        working = bytearray()
        for lo, hi, first, last in self.pieces(b << _COUNT_BITS, (b + 1) << _COUNT_BITS):
            at = len(working)
            r = first % WEEK
            working += (self.pattern * ((r + hi - lo) // WEEK + 1))[r : r + hi - lo]
            for j in range(max(bisect_right(self.hol_starts, first) - 1, 0), bisect_right(self.hol_starts, last)):
                start, end = max(self.hol_starts[j], first), min(self.hol_ends[j], last)
                if start < end:
                    working[at + start - first : at + end - first] = bytes(end - start)
        self.counts[b] = counts = array("I", accumulate(working, initial=0))
        return counts

    def holiday_worked(self, first: int, last: int) -> int:
        """Working minutes of the weekly pattern that holidays hold in local minutes [first, last)."""
        j = bisect_right(self.hol_starts, last) - 1
        if j < 0 or self.hol_ends[j] <= first:  # the usual case: no holiday in the piece
            return 0
        return self._before(last, j) - self._before(first, bisect_right(self.hol_starts, first) - 1)

    def _before(self, x: int, j: int) -> int:
        """Working minutes in holidays before local minute `x`; holiday `j` is the last to start by `x`."""
        if j < 0:
            return 0
        start, end = self.hol_starts[j], self.hol_ends[j]
        return self.hol_before[j] + self.weekly_worked(x if x < end else end) - self.weekly_worked(start)


_PLANS: dict[Schedule, _Plan] = {}  # read inline where spans are measured: no call
_MAX_PLANS = 1024  # ~20 KB each, and 256 KB per block counted; a changed schedule is a new key


def _plan(schedule: Schedule) -> _Plan:
    plan = _PLANS.get(schedule)
    if plan is None:
        if len(_PLANS) >= _MAX_PLANS:  # rare: a worker that saw a thousand schedule versions
            _PLANS.clear()
        plan = _PLANS[schedule] = _Plan(schedule)
    return plan
