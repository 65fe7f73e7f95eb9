"""Reading user input shared by the CLI and the HTTP endpoint: time zones and instants."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from click.core import ParameterSource


def check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected an IANA time zone such as 'Europe/Paris', got {value!r}") from None
    return value


def parse_instant(value: str, zone: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is read in `zone`.

    With `end_of_day`, a bare date means the end of that day (the start of the next).
    """
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time())
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"expected an ISO 8601 date or date-time such as 2026-03-02T09:00, got {value!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


class TimeZoneType(click.ParamType):
    name = "TZ"

    def convert(self, value, param, ctx):
        try:
            return check_time_zone(value)
        except ValueError as exc:
            from_env = ctx is not None and ctx.get_parameter_source(param.name) is ParameterSource.ENVIRONMENT
            self.fail(f"{exc} (from {param.envvar})" if from_env else str(exc), param, ctx)


class InstantType(click.ParamType):
    """An instant given on the command line, checked now and read in --timezone later
    (the zone option may come after it): converts to a function of the zone name."""

    name = "TIME"

    def __init__(self, end_of_day: bool = False):
        self.end_of_day = end_of_day

    def convert(self, value, param, ctx):
        if callable(value):
            return value
        try:
            parse_instant(value, "UTC", self.end_of_day)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        return lambda zone: parse_instant(value, zone, self.end_of_day)


def resolve(instant, zone: str) -> datetime | None:
    return None if instant is None else instant(zone)
