"""Micro-benchmark: business_minutes and calendar_minutes calls per second.

Run from the repo root: `python bench/business_hours.py`. Segments are spread over
2024-2027 in Europe/Paris (Mon-Fri 09:00-17:00, ten holidays), so DST changes and
holidays are crossed the way a replay crosses them; caches are warm, as in a replay.
"""
import random
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from projections.business_hours import Schedule, business_minutes, calendar_minutes  # noqa: E402

N = 200_000
DAYS_OFF = ((1, 1), (5, 1), (7, 14), (11, 11), (12, 25))
HOLIDAYS = tuple((date(year, m, d), date(year, m, d)) for year in (2024, 2025) for m, d in DAYS_OFF)
PARIS = Schedule(1, "Europe/Paris", tuple((d * 1440 + 540, d * 1440 + 1020) for d in range(1, 6)), HOLIDAYS)
NO_HOLIDAYS = Schedule(2, "Europe/Paris", PARIS.intervals)


def segments(longest: timedelta) -> list[tuple[datetime, datetime]]:
    rng = random.Random(7)
    origin = datetime(2024, 1, 1, tzinfo=timezone.utc)
    out = []
    for _ in range(N):
        start = origin + timedelta(seconds=rng.randrange(3 * 365 * 86400))
        out.append((start, start + timedelta(seconds=rng.randrange(int(longest.total_seconds())))))
    return out


def rate(label: str, fn, pairs) -> None:
    fn(*pairs[0])  # warm the per-schedule and per-zone caches
    began = time.perf_counter()
    for start, end in pairs:
        fn(start, end)
    seconds = time.perf_counter() - began
    print(f"{label:<44} {len(pairs) / seconds:>12,.0f} calls/s  {seconds / len(pairs) * 1e6:6.2f} us/call")


def main() -> None:
    lengths = (("short (< 8 h)", timedelta(hours=8)), ("days (< 5 d)", timedelta(days=5)), ("long (< 180 d)", timedelta(days=180)))
    for label, longest in lengths:
        pairs = segments(longest)
        rate(f"business_minutes, holidays, {label}", lambda s, e: business_minutes(PARIS, s, e), pairs)
        rate(f"business_minutes, no holidays, {label}", lambda s, e: business_minutes(NO_HOLIDAYS, s, e), pairs)
    rate("calendar_minutes", calendar_minutes, segments(timedelta(days=5)))


if __name__ == "__main__":
    main()
