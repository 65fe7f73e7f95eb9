"""Account reference data as a fold: users, groups, organizations, schedules, holidays.

Schedules and holidays keep every version with the time it took effect, because a
business-minutes value uses the schedule in force when the value was recorded
(docs/metrics.md). Users, groups and organizations keep their latest version.
"""
from collections.abc import Mapping
from datetime import date, datetime

import msgspec

from events import (
    Event,
    GroupUpserted,
    HolidayUpserted,
    OrganizationUpserted,
    ScheduleUpserted,
    UserUpserted,
)

AGENT_ROLES = frozenset({"agent", "admin"})


class ScheduleVersion(msgspec.Struct, frozen=True, array_like=True, gc=False):
    since: datetime
    event_id: str
    time_zone: str
    intervals: tuple[tuple[int, int], ...]
    is_default: bool


class HolidayVersion(msgspec.Struct, frozen=True, array_like=True, gc=False):
    since: datetime
    event_id: str
    holiday_id: int
    start: date
    end: date


class Directory(msgspec.Struct, frozen=True, gc=False):
    users: dict[int, UserUpserted] = {}
    groups: dict[int, GroupUpserted] = {}
    organizations: dict[int, OrganizationUpserted] = {}
    schedules: dict[int, tuple[ScheduleVersion, ...]] = {}
    holidays: dict[int, tuple[HolidayVersion, ...]] = {}


_TABLES = {"user": "users", "group": "groups", "organization": "organizations"}


def known(parts: Mapping[str, Directory], kind: str, entity_id: int | None):
    """The latest upsert of user, group or organization `entity_id` in the account's
    directory parts (keyed `kind:id`); None when unknown."""
    part = None if entity_id is None else parts.get(f"{kind}:{entity_id}")
    return None if part is None else getattr(part, _TABLES[kind]).get(entity_id)


def last_change(directory: Directory) -> datetime | None:
    """When the latest reference-data event happened."""
    times = [e.occurred_at for table in (directory.users, directory.groups, directory.organizations)
             for e in table.values()]
    times += [v.since for table in (directory.schedules, directory.holidays) for vs in table.values() for v in vs]
    return max(times, default=None)


# One empty directory for every part to start from: a directory is never changed in place,
# and an account's parts (one per user, group, ...) are many, most of them one row and four
# empty tables, which are then shared.
_EMPTY = Directory()


def initial() -> Directory:
    return _EMPTY


def apply(directory: Directory, event: Event) -> Directory:
    """The directory after one reference-data event; other events leave it unchanged."""
    match event:
        case UserUpserted(user_id=key):
            return _keep_latest(directory, "users", key, event)
        case GroupUpserted(group_id=key):
            return _keep_latest(directory, "groups", key, event)
        case OrganizationUpserted(organization_id=key):
            return _keep_latest(directory, "organizations", key, event)
        case ScheduleUpserted(schedule_id=key):
            intervals = tuple((i.start_minute, i.end_minute) for i in event.intervals)
            version = ScheduleVersion(
                event.occurred_at, event.event_id, event.time_zone, intervals, event.is_default
            )
            return _add_version(directory, "schedules", key, version)
        case HolidayUpserted(schedule_id=key):
            version = HolidayVersion(
                event.occurred_at, event.event_id, event.holiday_id, event.start_date, event.end_date
            )
            return _add_version(directory, "holidays", key, version)
    return directory


def _order(event: Event) -> tuple[datetime, str]:
    return event.occurred_at, event.event_id


def _keep_latest(directory: Directory, table: str, key: int, event: Event) -> Directory:
    rows = getattr(directory, table)
    current = rows.get(key)
    if current is not None and _order(current) >= _order(event):
        return directory  # a duplicate or an older version arriving late
    return msgspec.structs.replace(directory, **{table: {**rows, key: event}})


def _add_version(directory: Directory, table: str, key: int, version) -> Directory:
    rows = getattr(directory, table)
    versions = rows.get(key, ())
    if version in versions:
        return directory
    ordered = tuple(sorted((*versions, version), key=lambda v: (v.since, v.event_id)))
    return msgspec.structs.replace(directory, **{table: {**rows, key: ordered}})
