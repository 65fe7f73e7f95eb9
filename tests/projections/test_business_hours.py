"""Calendar and business minutes: paper examples, DST days, and properties."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from events.accounts import HolidayUpserted, ScheduleUpserted, WeeklyInterval
from projections.business_hours import (
    MINUTE_US,
    WEEK,
    Schedule,
    business_micros,
    business_minutes,
    calendar_minutes,
    split,
    weekly_minutes,
)

UTC = timezone.utc
PARIS, NEW_YORK = ZoneInfo("Europe/Paris"), ZoneInfo("America/New_York")
DAY = 24 * 60
MON_FRI_9_17 = tuple((day * DAY + 9 * 60, day * DAY + 17 * 60) for day in range(1, 6))  # Monday is day 1
PARIS_OFFICE = Schedule(1, "Europe/Paris", MON_FRI_9_17)
NEW_YORK_OFFICE = Schedule(2, "America/New_York", MON_FRI_9_17)
NY_SUNDAY = Schedule(3, "America/New_York", ((0, DAY),))  # open all Sunday, 00:00-24:00
NY_02_30_TO_03_30 = Schedule(4, "America/New_York", ((150, 210),))  # Sunday 02:30-03:30
NY_01_00_TO_01_30 = Schedule(5, "America/New_York", ((60, 90),))  # Sunday 01:00-01:30
UTC_OFFICE = Schedule(11, "UTC", MON_FRI_9_17)


def paris(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=PARIS)


def new_york(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=NEW_YORK)


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# March 2026: Mon 9, Fri 13, Sat 14, Sun 15, Mon 16; Paris is UTC+1 until Sunday 29.
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(paris(2026, 3, 9, 10, 0), paris(2026, 3, 9, 12, 30), 150, id="within-a-day"),
        # 31 min 40 s
        pytest.param(paris(2026, 3, 9, 10, 57, 49), paris(2026, 3, 9, 11, 29, 29), 32, id="rounds-the-exact-time"),
        pytest.param(paris(2026, 3, 9, 7, 0), paris(2026, 3, 9, 9, 30), 30, id="before-opening"),
        pytest.param(paris(2026, 3, 9, 8, 59, 30), paris(2026, 3, 9, 9, 0, 30), 1, id="half-a-minute-worked-rounds-up"),
        pytest.param(paris(2026, 3, 9, 16, 59, 31), paris(2026, 3, 9, 17, 30), 0, id="29-seconds-worked-round-down"),
        pytest.param(paris(2026, 3, 9, 16, 59, 30), paris(2026, 3, 9, 17, 0, 29), 1, id="30-seconds-before-closing"),
        pytest.param(paris(2026, 3, 9, 16, 0), paris(2026, 3, 10, 10, 0), 60 + 60, id="across-a-night"),
        pytest.param(paris(2026, 3, 13, 16, 0), paris(2026, 3, 16, 10, 0), 60 + 60, id="across-a-weekend"),
        pytest.param(paris(2026, 3, 14, 10, 0), paris(2026, 3, 15, 20, 0), 0, id="inside-a-weekend"),
        pytest.param(paris(2026, 3, 9, 18, 0), paris(2026, 3, 10, 8, 59, 59), 0, id="inside-a-night"),
        pytest.param(paris(2026, 3, 9, 0, 0), paris(2026, 3, 16, 0, 0), 5 * 480, id="a-whole-week"),
        pytest.param(paris(2026, 3, 9, 12, 0), paris(2026, 3, 9, 11, 0), 0, id="end-before-start"),
        # 08:30 UTC is 09:30 in Paris
        pytest.param(paris(2026, 3, 9, 8, 0), datetime(2026, 3, 9, 8, 30, tzinfo=UTC), 30, id="mixed-zones"),
    ],
)
def test_business_minutes_paris_office(start, end, expected):
    # given Mon-Fri 09:00-17:00 in Paris
    # when
    minutes = business_minutes(PARIS_OFFICE, start, end)
    # then
    assert minutes == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # 31 min 40 s
        pytest.param(paris(2026, 3, 9, 10, 57, 49), paris(2026, 3, 9, 11, 29, 29), 32, id="rounds-the-exact-time"),
        pytest.param(paris(2026, 3, 9, 10, 0, 1), paris(2026, 3, 9, 10, 0, 59), 1, id="58-seconds-in-one-minute"),
        pytest.param(paris(2026, 3, 9, 10, 0), paris(2026, 3, 9, 10, 0, 30), 1, id="exactly-30-seconds-rounds-up"),
        pytest.param(
            paris(2026, 3, 9, 10, 0), datetime(2026, 3, 9, 10, 0, 29, 999999, tzinfo=PARIS), 0, id="just-under-30-seconds"
        ),
        # 6 days less 55 min 17 s: 8584 min 43 s, Zendesk says 8585 (semantics.md)
        pytest.param(utc(2026, 3, 4, 15, 41, 4), utc(2026, 3, 10, 14, 45, 47), 8585, id="zendesk-8584.72"),
        pytest.param(paris(2026, 3, 9, 11, 0), paris(2026, 3, 9, 10, 0), 0, id="end-before-start"),
        pytest.param(paris(2026, 3, 9, 10, 0), datetime(2026, 3, 9, 9, 30, tzinfo=UTC), 30, id="mixed-zones"),
        pytest.param(paris(2026, 3, 28, 12, 0), paris(2026, 3, 29, 12, 0), 23 * 60, id="paris-spring-forward"),
    ],
)
def test_calendar_minutes_round_the_exact_time_half_up(start, end, expected):
    # given two aware instants
    # when
    minutes = calendar_minutes(start, end)
    # then
    assert minutes == expected


def test_business_minutes_round_the_exact_working_time_as_zendesk_does():
    # given Mon-Fri 09:00-17:00 UTC, created Wednesday 15:41:04, answered Tuesday 14:45:47
    start, end = utc(2026, 3, 4, 15, 41, 4), utc(2026, 3, 10, 14, 45, 47)
    # when
    exact, minutes = business_micros(UTC_OFFICE, start, end), business_minutes(UTC_OFFICE, start, end)
    # then Wed 78 min 56 s + Thu and Fri 960 min + Mon 480 min + Tue 345 min 47 s
    # = 1864 min 43 s (1864.72): Zendesk says 1865
    assert (exact, minutes) == ((1864 * 60 + 43) * 1_000_000, 1865)


def test_holiday_removes_exactly_its_hours():
    # given Bastille Day, Tuesday 2026-07-14, off
    holiday = PARIS_OFFICE.with_holiday(date(2026, 7, 14), date(2026, 7, 14))
    start, end = paris(2026, 7, 13, 10, 0), paris(2026, 7, 15, 10, 0)
    # when
    without, with_holiday = business_minutes(PARIS_OFFICE, start, end), business_minutes(holiday, start, end)
    # then Monday 7 h + Tuesday 8 h + Wednesday 1 h, less Tuesday's 8 h
    assert (without, with_holiday) == (420 + 480 + 60, 420 + 60)


def test_holiday_on_a_weekend_removes_nothing():
    # given Saturday 2026-07-18 to Sunday 2026-07-19 off
    holiday = PARIS_OFFICE.with_holiday(date(2026, 7, 18), date(2026, 7, 19))
    # when
    minutes = business_minutes(holiday, paris(2026, 7, 17, 0, 0), paris(2026, 7, 21, 0, 0))
    # then Friday and Monday
    assert minutes == 2 * 480


def test_holiday_range_is_inclusive_of_both_days():
    # given Christmas, Thursday 2026-12-24 to Monday 2026-12-28, off
    holiday = PARIS_OFFICE.with_holiday(date(2026, 12, 24), date(2026, 12, 28))
    # when
    minutes = business_minutes(holiday, paris(2026, 12, 21, 0, 0), paris(2027, 1, 2, 0, 0))
    # then Mon 21, Tue 22, Wed 23, Tue 29, Wed 30, Thu 31 and Fri 1
    assert minutes == 7 * 480


# New York, 2026: clocks spring forward on Sunday March 8 at 02:00, fall back on Sunday November 1 at 02:00.
@pytest.mark.parametrize(
    ("schedule", "start", "end", "expected"),
    [
        pytest.param(NY_SUNDAY, new_york(2026, 3, 7), new_york(2026, 3, 10), 23 * 60, id="spring-forward-sunday-23h"),
        pytest.param(NY_SUNDAY, new_york(2026, 10, 31), new_york(2026, 11, 3), 25 * 60, id="fall-back-sunday-25h"),
        pytest.param(NY_SUNDAY, new_york(2026, 3, 14), new_york(2026, 3, 17), 24 * 60, id="ordinary-sunday-24h"),
        pytest.param(NEW_YORK_OFFICE, new_york(2026, 3, 6), new_york(2026, 3, 13), 5 * 480, id="week-over-spring-forward"),
        pytest.param(NEW_YORK_OFFICE, new_york(2026, 10, 30), new_york(2026, 11, 6), 5 * 480, id="week-over-fall-back"),
        # 02:30 does not exist that night: only 03:00-03:30 is lived
        pytest.param(NY_02_30_TO_03_30, new_york(2026, 3, 8), new_york(2026, 3, 9), 30, id="skipped-times-count-nothing"),
        # 01:00-01:30 is lived twice that night, once in EDT and once in EST
        pytest.param(NY_01_00_TO_01_30, new_york(2026, 11, 1), new_york(2026, 11, 2), 60, id="repeated-times-count-twice"),
    ],
)
def test_business_minutes_follow_the_wall_clock_across_dst(schedule, start, end, expected):
    # given a New York schedule and a span around a clock change
    # when
    minutes = business_minutes(schedule, start, end)
    # then
    assert minutes == expected


def test_weekly_minutes_merges_overlapping_intervals_given_in_any_order():
    # given Tuesday 09:00-17:00, then Monday 11:00-17:00 and 09:00-12:00
    schedule = Schedule(6, "UTC", ((2 * DAY + 540, 2 * DAY + 1020), (DAY + 660, DAY + 1020), (DAY + 540, DAY + 720)))
    # when
    minutes = weekly_minutes(schedule)
    # then
    assert minutes == 480 + 480


def test_from_event_reads_intervals_and_holidays():
    # given a schedule upsert and one of its holidays
    at = datetime(2026, 1, 1, tzinfo=UTC)
    upsert = ScheduleUpserted(
        event_id="e1", occurred_at=at, schedule_id=1, name="Paris", time_zone="Europe/Paris",
        intervals=tuple(WeeklyInterval(start, end) for start, end in MON_FRI_9_17),
    )
    bastille = HolidayUpserted(
        event_id="e2", occurred_at=at, holiday_id=9, schedule_id=1, name="Bastille Day",
        start_date=date(2026, 7, 14), end_date=date(2026, 7, 14),
    )
    # when
    schedule = Schedule.from_event(upsert, [bastille, (date(2026, 5, 1), date(2026, 5, 1))])
    # then
    expected_holidays = ((date(2026, 5, 1), date(2026, 5, 1)), (date(2026, 7, 14), date(2026, 7, 14)))
    assert schedule == Schedule(1, "Europe/Paris", MON_FRI_9_17, expected_holidays)


def test_with_holiday_ignores_a_repeat():
    # given a schedule with one holiday
    once = PARIS_OFFICE.with_holiday(date(2026, 7, 14), date(2026, 7, 14))
    # when
    twice = once.with_holiday(date(2026, 7, 14), date(2026, 7, 14))
    # then
    assert twice.holidays == ((date(2026, 7, 14), date(2026, 7, 14)),)


def test_schedule_round_trips_through_json():
    # given a schedule with a holiday
    schedule = PARIS_OFFICE.with_holiday(date(2026, 7, 14), date(2026, 7, 14))
    # when
    decoded = msgspec.json.decode(msgspec.json.encode(schedule), type=Schedule)
    # then
    assert decoded == schedule


@pytest.mark.parametrize(
    ("build", "message"),
    [
        pytest.param(
            lambda: Schedule(1, "Mars/Olympus", MON_FRI_9_17),
            "schedule 1: expected an IANA time zone in `time_zone`, got 'Mars/Olympus'",
            id="unknown-zone",
        ),
        pytest.param(
            lambda: Schedule(1, "UTC", ((600, 600),)),
            "schedule 1: expected intervals with 0 <= start_minute < end_minute <= 10080, got (600, 600)",
            id="empty-interval",
        ),
        pytest.param(lambda: Schedule(1, "UTC", ((10000, 10100),)), "got (10000, 10100)", id="past-the-week"),
        pytest.param(
            lambda: PARIS_OFFICE.with_holiday(date(2026, 7, 15), date(2026, 7, 14)),
            "schedule 1: expected a holiday as (start_date, end_date) with start <= end",
            id="reversed-holiday",
        ),
        pytest.param(
            lambda: calendar_minutes(datetime(2026, 3, 9, 10), paris(2026, 3, 9, 11)),
            "`start`: expected an aware datetime, got datetime.datetime(2026, 3, 9, 10, 0)",
            id="naive-start",
        ),
        pytest.param(
            lambda: business_minutes(PARIS_OFFICE, paris(2026, 3, 9, 10), datetime(2026, 3, 9, 11)),
            "`end`: expected an aware datetime",
            id="naive-end",
        ),
    ],
)
def test_bad_input_fails_with_expected_and_got(build, message):
    # given a wrong zone, interval, holiday or naive instant
    # when / then
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


# ---- properties ----

# Paris, New York and Lord Howe (a 30-minute DST) change clocks at 02:00-03:00, Kathmandu is
# +05:45; Santiago changes at midnight, so there some local dates start twice or not at 00:00.
MIDNIGHT_ZONES = ("Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "UTC")
ZONES = (*MIDNIGHT_ZONES, "America/Santiago")

instants = st.datetimes(datetime(2015, 1, 1), datetime(2034, 12, 31), timezones=st.just(UTC))
intervals = st.lists(
    st.tuples(st.integers(0, WEEK - 1), st.integers(1, 3 * DAY)).map(lambda t: (t[0], min(WEEK, t[0] + t[1]))),
    max_size=6,
).map(tuple)
holiday_ranges = st.tuples(st.dates(date(2015, 1, 1), date(2034, 12, 31)), st.integers(0, 10)).map(
    lambda t: (t[0], t[0] + timedelta(days=t[1]))
)
schedules = st.builds(
    Schedule,
    st.just(7),
    st.sampled_from(ZONES),
    intervals,
    st.lists(holiday_ranges, max_size=3).map(lambda h: tuple(sorted(set(h)))),
)
no_holidays = schedules.map(lambda s: msgspec.structs.replace(s, holidays=()))
fast = settings(max_examples=60, deadline=None)  # keeps the file under 10 s


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


@fast
@given(schedules, instants, instants)
def test_business_minutes_never_exceed_calendar_minutes(schedule, start, end):
    # given any schedule and span
    # when
    business, calendar = business_minutes(schedule, start, end), calendar_minutes(start, end)
    # then
    assert 0 <= business <= calendar


@fast
@given(schedules, st.lists(instants, min_size=3, max_size=3).map(sorted))
def test_business_time_adds_up_over_any_split_point(schedule, abc):
    # given a <= b <= c, none of them minute-aligned: the exact working time is additive
    # (whole minutes are not: each part is rounded)
    a, b, c = abc
    # when
    parts = business_micros(schedule, a, b) + business_micros(schedule, b, c)
    # then
    assert business_micros(schedule, a, c) == parts


@fast
@given(schedules, instants, st.lists(st.integers(0, 100 * DAY * 60), min_size=2, max_size=2).map(sorted))
def test_business_time_adds_up_over_split_points_weeks_apart(schedule, a, offsets):
    # given a <= b <= c within 100 days: short spans are read from running counts kept per
    # ~45-day block, spans across a block end are summed piece by piece; both must agree
    b, c = (a + timedelta(seconds=s) for s in offsets)
    # when
    parts = business_micros(schedule, a, b) + business_micros(schedule, b, c)
    # then
    assert business_micros(schedule, a, c) == parts


@fast
@given(st.sampled_from(ZONES), instants, instants)
def test_business_minutes_equal_calendar_minutes_when_always_open(zone, start, end):
    # given a schedule open all week: every real minute is working, DST or not
    schedule = Schedule(8, zone, ((0, WEEK),))
    # when / then
    assert business_minutes(schedule, start, end) == calendar_minutes(start, end)


@fast
@given(no_holidays, instants)
def test_weekly_minutes_equal_seven_elapsed_days_without_a_clock_change(schedule, start):
    # given 7 x 24 h of real time with the same UTC offset at both ends (no zone here
    # changes twice within a week)
    zone, end = ZoneInfo(schedule.time_zone), start + timedelta(days=7)
    assume(start.astimezone(zone).utcoffset() == end.astimezone(zone).utcoffset())
    # when / then
    assert business_minutes(schedule, start, end) == weekly_minutes(schedule)


@fast
@given(st.sampled_from(ZONES), instants)
def test_weekly_minutes_equal_a_wall_clock_week_when_clock_changes_miss_working_hours(zone_name, start):
    # given Mon-Fri 09:00-17:00, which no clock change touches, and a wall-clock week
    # (aware arithmetic within one zone is wall-clock: the week lasts 167, 168 or 169 h)
    local = start.astimezone(ZoneInfo(zone_name))
    # when
    minutes = business_minutes(Schedule(9, zone_name, MON_FRI_9_17), local, local + timedelta(days=7))
    # then
    assert minutes == 5 * 480


@fast
@given(
    no_holidays.filter(lambda s: s.time_zone in MIDNIGHT_ZONES),
    holiday_ranges,
    st.integers(-20 * DAY * 60, 20 * DAY * 60),
    st.integers(0, 30 * DAY * 60),
)
def test_holiday_removes_exactly_the_working_minutes_of_its_days(schedule, holiday, offset_seconds, length_seconds):
    # given a span near a holiday, in a zone where every local date starts once, at 00:00
    zone = ZoneInfo(schedule.time_zone)
    first, last = holiday
    holiday_start, holiday_end = day_start(first, zone), day_start(last + timedelta(days=1), zone)
    start = holiday_start + timedelta(seconds=offset_seconds)
    end = start + timedelta(seconds=length_seconds)
    # when
    removed = business_micros(schedule, start, end) - business_micros(schedule.with_holiday(first, last), start, end)
    # then it is what the schedule works inside both the span and the holiday's days
    assert removed == business_micros(schedule, max(start, holiday_start), min(end, holiday_end))


def working_at(schedule: Schedule, minute: int) -> bool:
    """The documented rule, read off the local wall clock of one real minute."""
    local = datetime.fromtimestamp(minute * 60, ZoneInfo(schedule.time_zone))
    weekly = (local.isoweekday() % 7) * DAY + local.hour * 60 + local.minute
    in_holiday = any(first <= local.date() <= last for first, last in schedule.holidays)
    return not in_holiday and any(start <= weekly < end for start, end in schedule.intervals)


def clock_change_days(zone_name: str) -> list[date]:
    zone, days = ZoneInfo(zone_name), [date(2026, 1, 1) + timedelta(days=n) for n in range(365)]
    return [d for d in days if day_start(d, zone).utcoffset() != day_start(d + timedelta(days=1), zone).utcoffset()]


CLOCK_CHANGES = [(zone, day) for zone in ZONES for day in clock_change_days(zone)]


@fast
@given(
    st.sampled_from([*CLOCK_CHANGES, ("Asia/Kathmandu", date(2026, 6, 1))]),
    intervals,
    st.lists(st.integers(-3, 3), max_size=2),
    st.integers(-2 * DAY * 60, DAY * 60),
    st.integers(0, 2 * DAY * 60),
)
def test_business_time_matches_a_minute_by_minute_count_around_clock_changes(change, weekly, near, offset, length):
    # given a span of up to 2 days around a 2026 clock change, with holidays nearby
    zone_name, day = change
    holidays = tuple(sorted({(day + timedelta(days=n),) * 2 for n in near}))
    schedule = Schedule(10, zone_name, weekly, holidays)
    start = datetime.combine(day, time(), tzinfo=UTC) + timedelta(seconds=offset)
    end = start + timedelta(seconds=length)
    # when
    exact = business_micros(schedule, start, end)
    # then it agrees with reading each real minute's local wall clock one by one, each
    # working minute counting the part of it inside the span
    (lo_minute, lo_into), (hi_minute, hi_into) = split(start), split(end)
    lo, hi = lo_minute * MINUTE_US + lo_into, hi_minute * MINUTE_US + hi_into
    expected = sum(
        min(hi, (m + 1) * MINUTE_US) - max(lo, m * MINUTE_US)
        for m in range(lo // MINUTE_US, -(-hi // MINUTE_US))
        if working_at(schedule, m)
    )
    assert exact == expected


# ---- long spans: cost bounded whatever the distance ----

PARIS_WITH_HOLIDAY = PARIS_OFFICE.with_holiday(date(2040, 12, 24), date(2041, 1, 2))


def test_business_time_of_fifty_years_equals_the_sum_of_its_years():
    # given fifty years cut at each 3 March, 10:17:29 (a working Tuesday in 2026)
    years = [paris(2026 + n, 3, 3, 10, 17, 29) for n in range(51)]
    # when
    whole = business_micros(PARIS_WITH_HOLIDAY, years[0], years[-1])
    parts = sum(business_micros(PARIS_WITH_HOLIDAY, a, b) for a, b in zip(years, years[1:]))
    # then
    assert whole == parts
    # both ends at 10:17:29 on a weekday (Tuesday 2026-03-03, Tuesday 2076-03-03): the
    # part of the first day missed is the part of the last day counted, so 8 h a weekday
    days = (date(2026, 3, 3) + timedelta(days=n) for n in range((date(2076, 3, 3) - date(2026, 3, 3)).days))
    holiday = (date(2040, 12, 24), date(2041, 1, 2))
    working_days = sum(1 for day in days if day.weekday() < 5 and not holiday[0] <= day <= holiday[1])
    assert whole == working_days * 480 * MINUTE_US


def test_business_time_of_nine_centuries_equals_the_sum_of_spans_shorter_than_an_era():
    # given 900 years from 2026, counted whole (two 400-year eras counted once each and
    # multiplied) and as six spans of 150 years (each summed year by year)
    stops = [utc(2026 + 150 * n, 3, 3, 10, 17, 29) for n in range(7)]
    # when
    whole = business_micros(PARIS_OFFICE, stops[0], stops[-1])
    parts = sum(business_micros(PARIS_OFFICE, a, b) for a, b in zip(stops, stops[1:]))
    # then
    assert whole == parts


def test_business_time_reaches_the_last_year_a_datetime_holds():
    # given a span ending in December 9999, whose last offset block runs into year 10000
    # when
    minutes = business_minutes(PARIS_OFFICE, paris(9999, 12, 1), paris(9999, 12, 31, 23))
    # then December 9999 has 23 working days, Wednesday 1 to Friday 31
    assert minutes == 23 * 480
