"""Reading user input shared by the CLI and the HTTP endpoint: time zones and instants."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from click.core import ParameterSource


TIME_ZONE_HELP = ("The account's IANA time zone: the exports write their times in it (ticket-metrics and "
                  "zendesk-json keep UTC, as Zendesk's API does), and TIME values without an offset are "
                  "read in it. [env: DESKSTREAM_TIME_ZONE]")
TIME_HELP = ("A TIME is an ISO 8601 date or date-time, e.g. 2026-03-03, 20260303 or 2026-03-03T09:00; "
             "without an offset it is read in --timezone.")


def check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"expected an IANA time zone such as 'Europe/Paris', got {value!r}") from None
    return value


def parse_instant(value: str, zone: str, end_of_day: bool = False) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is read in `zone`.

    A bare date is a date in any of ISO 8601's forms (2026-03-03, 20260303, 2026-W10-2);
    with `end_of_day` it means the end of that day (the start of the next).
    """
    try:
        moment = _date_or_time(value, end_of_day)
    except (ValueError, OverflowError):
        raise ValueError(
            f"expected an ISO 8601 date or date-time such as 2026-03-02T09:00, got {value!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=ZoneInfo(zone))


def _date_or_time(value: str, end_of_day: bool) -> datetime:
    """A bare date first: datetime.fromisoformat would read one as its midnight."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return datetime.fromisoformat(value)
    return datetime.combine(day + timedelta(days=1) if end_of_day else day, time())


def check_range(start: datetime | None, end: datetime | None) -> None:
    """A range must hold some time: a start at or after the end is refused, not read as
    a range that matches nothing."""
    if start is not None and end is not None and start >= end:
        raise ValueError(
            f"the range is empty: from {start.isoformat()} is not before to {end.isoformat()} "
            "(a bare date as the end means the end of that day)"
        )


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


def resolve_range(date_from, date_to, zone: str) -> tuple[datetime | None, datetime | None]:
    """--from and --to read in `zone`; an empty or reversed range is a usage error."""
    start, end = resolve(date_from, zone), resolve(date_to, zone)
    try:
        check_range(start, end)
    except ValueError as exc:
        raise click.UsageError(f"--from/--to: {exc}") from None
    return start, end
