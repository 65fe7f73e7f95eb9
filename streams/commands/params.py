"""Click parameter types shared by the commands: time zones and instants."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click


class TimeZoneType(click.ParamType):
    name = "TZ"

    def convert(self, value, param, ctx):
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(f"expected an IANA time zone such as 'Europe/Paris', got {value!r}", param, ctx)
        return value


class InstantType(click.ParamType):
    """An ISO 8601 date or date-time; without an offset it is read in --timezone.

    Returns a callable of the zone name, since the zone may be parsed after this option.
    With `end_of_day`, a bare date means the end of that day (the start of the next).
    """

    name = "TIME"

    def __init__(self, end_of_day: bool = False):
        self.end_of_day = end_of_day

    def convert(self, value, param, ctx):
        if callable(value):
            return value
        try:
            if len(value) == 10:
                day = date.fromisoformat(value)
                moment = datetime.combine(day + timedelta(days=1) if self.end_of_day else day, time())
            else:
                moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"expected an ISO 8601 date or date-time such as 2026-03-02T09:00, got {value!r}", param, ctx)
        if moment.tzinfo is not None:
            return lambda zone: moment
        return lambda zone: moment.replace(tzinfo=ZoneInfo(zone))


def resolve(instant, zone: str) -> datetime | None:
    return None if instant is None else instant(zone)
