"""How the dashboard writes durations, ages and times: short, for a screen read from afar."""
from datetime import datetime
from zoneinfo import ZoneInfo

NOTHING = "–"  # no value yet: no ticket replied to, no one away


def duration(seconds: int | None) -> str:
    """45 s, 12 min, 1 h 05, 2 d 3 h: the two largest units, the smaller one rounded down."""
    if seconds is None:
        return NOTHING
    if seconds < 60:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{minutes // (24 * 60)} d {minutes % (24 * 60) // 60} h"


def hours(value: float | None) -> str:
    """An age in hours, to a tenth."""
    return NOTHING if value is None else f"{value:.1f} h"


def clock(at: datetime | None, zone: ZoneInfo) -> str:
    """The time of day in `zone`, as a wall clock shows it."""
    return NOTHING if at is None else at.astimezone(zone).strftime("%H:%M")
