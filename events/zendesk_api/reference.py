"""Account reference data: schedules, holidays, groups, organizations and users.

A dump holds each object as it is now, so its event says "this is the object" as of its
`created_at` (`updated_at` when there is no `created_at`): a schedule created before a
ticket then applies to that ticket, as it did in Zendesk. The `updated_at` goes into the
event id, so a later dump of a changed object gives a new event, and the same one the same.
"""
from datetime import datetime
from pathlib import Path

from events.accounts import (
    GroupUpserted,
    HolidayUpserted,
    OrganizationUpserted,
    ScheduleUpserted,
    UserUpserted,
    WeeklyInterval,
)
from events.base import Event
from events.zendesk_api.records import (
    BadRecord,
    ErrorHandler,
    Record,
    as_date,
    as_int,
    as_str,
    as_tags,
    as_time,
    optional,
    read_records,
    required,
    show,
    stamp,
)
from events.zendesk_api.timezones import to_iana

USER_ROLES = ("end-user", "agent", "admin")
MINUTES_PER_WEEK = 7 * 24 * 60


def _when(obj: dict) -> tuple[datetime, str]:
    """(occurred_at, version stamp for the event id) of a reference object."""
    created, updated = optional(as_time, obj, "created_at"), optional(as_time, obj, "updated_at")
    if created is None and updated is None:
        raise BadRecord("missing required field `created_at` (or `updated_at`)")
    return created or updated, stamp(updated or created)


def _schedule(obj: dict, is_default: bool) -> ScheduleUpserted:
    schedule_id = required(as_int, obj, "id")
    occurred_at, version = _when(obj)
    try:
        time_zone = to_iana(required(as_str, obj, "time_zone"))
    except ValueError as exc:
        raise BadRecord(str(exc)) from None
    intervals = obj.get("intervals")
    if not isinstance(intervals, list):
        raise BadRecord(f"expected list `intervals`, got {show(intervals)}")
    weekly = []
    for i, interval in enumerate(intervals):
        if not isinstance(interval, dict):
            raise BadRecord(f"expected object `intervals[{i}]`, got {show(interval)}")
        start = required(as_int, interval, "start_time", f"intervals[{i}].")
        end = required(as_int, interval, "end_time", f"intervals[{i}].")
        if not 0 <= start < end <= MINUTES_PER_WEEK:
            raise BadRecord(
                f"expected 0 <= start_time < end_time <= {MINUTES_PER_WEEK} in `intervals[{i}]`, "
                f"got {start}..{end}"
            )
        weekly.append(WeeklyInterval(start, end))
    return ScheduleUpserted(
        event_id=f"zd:schedule:{schedule_id}:{version}",
        occurred_at=occurred_at,
        schedule_id=schedule_id,
        name=optional(as_str, obj, "name") or "",
        time_zone=time_zone,
        intervals=tuple(sorted(weekly, key=lambda w: w.start_minute)),
        is_default=is_default,
    )


def _holiday(obj: dict, schedule_times: dict[int, datetime], rejected: dict[int, str]) -> HolidayUpserted:
    holiday_id = required(as_int, obj, "id")
    schedule_id = required(as_int, obj, "schedule_id")
    start, end = required(as_date, obj, "start_date"), required(as_date, obj, "end_date")
    if end < start:
        raise BadRecord(f"expected `end_date` on or after `start_date`, got {end} before {start}")
    if schedule_id in rejected:
        raise BadRecord(f"its schedule {schedule_id} was rejected ({rejected[schedule_id]}); holiday skipped")
    if "created_at" in obj or "updated_at" in obj:
        occurred_at, version = _when(obj)
    elif schedule_id in schedule_times:
        # The Holidays API gives no times: a holiday is as old as its schedule, and its
        # dates tell one version from another.
        occurred_at, version = schedule_times[schedule_id], f"{start}:{end}"
    else:
        raise BadRecord(f"schedule {schedule_id} is not in schedules.ndjson")
    return HolidayUpserted(
        event_id=f"zd:holiday:{holiday_id}:{version}",
        occurred_at=occurred_at,
        holiday_id=holiday_id,
        schedule_id=schedule_id,
        name=optional(as_str, obj, "name") or "",
        start_date=start,
        end_date=end,
    )


def _group(obj: dict) -> GroupUpserted:
    group_id = required(as_int, obj, "id")
    occurred_at, version = _when(obj)
    return GroupUpserted(
        event_id=f"zd:group:{group_id}:{version}",
        occurred_at=occurred_at,
        group_id=group_id,
        name=required(as_str, obj, "name"),
    )


def _organization(obj: dict) -> OrganizationUpserted:
    organization_id = required(as_int, obj, "id")
    occurred_at, version = _when(obj)
    return OrganizationUpserted(
        event_id=f"zd:organization:{organization_id}:{version}",
        occurred_at=occurred_at,
        organization_id=organization_id,
        name=required(as_str, obj, "name"),
        domain_names=optional(as_tags, obj, "domain_names") or (),
        tags=optional(as_tags, obj, "tags") or (),
    )


def _user(obj: dict) -> UserUpserted:
    user_id = required(as_int, obj, "id")
    occurred_at, version = _when(obj)
    role = optional(as_str, obj, "role") or "end-user"
    if role not in USER_ROLES:
        raise BadRecord(f"expected `role` in {', '.join(USER_ROLES)}, got {show(role)}")
    return UserUpserted(
        event_id=f"zd:user:{user_id}:{version}",
        occurred_at=occurred_at,
        user_id=user_id,
        name=required(as_str, obj, "name"),
        email=optional(as_str, obj, "email"),
        role=role,
        organization_id=optional(as_int, obj, "organization_id"),
        external_id=optional(as_str, obj, "external_id"),
        tags=optional(as_tags, obj, "tags") or (),
    )


def _convert(records, make, on_error: ErrorHandler) -> list[Event]:
    events: dict[str, Event] = {}
    lines: dict[str, int] = {}
    for record in records:
        try:
            event = make(record)
        except BadRecord as exc:
            on_error(record.error(str(exc)))
            continue
        if event.event_id in events:
            on_error(record.error(f"same id and updated_at as line {lines[event.event_id]}; skipped"))
            continue
        events[event.event_id], lines[event.event_id] = event, record.line
    # A repeated object (an incremental export repeats it at each update) keeps every
    # version; their event ids end with `updated_at`, so the latest comes last.
    return sorted(events.values(), key=lambda e: (e.occurred_at, e.event_id))


def _read(folder: Path, name: str, on_error: ErrorHandler) -> list[Record]:
    path = folder / f"{name}.ndjson"
    return list(read_records(path, name.removesuffix("s"), on_error)) if path.exists() else []


def reference_events(folder: Path, on_error: ErrorHandler) -> list[Event]:
    """Schedules, holidays, groups, organizations, users: each kind in time order.

    The account's default schedule is the first one schedules.ndjson lists, as Zendesk
    makes the first schedule of its list the default.
    """
    schedule_records = _read(folder, "schedules", on_error)
    first = schedule_records[0].line if schedule_records else 0
    schedules = _convert(schedule_records, lambda r: _schedule(r.obj, r.line == first), on_error)
    schedule_times = {s.schedule_id: s.occurred_at for s in schedules}
    rejected = {
        schedule_id: f"{r.source} line {r.line}" for r in schedule_records
        if isinstance(schedule_id := r.obj.get("id"), int) and schedule_id not in schedule_times
    }
    holidays = _convert(
        _read(folder, "holidays", on_error), lambda r: _holiday(r.obj, schedule_times, rejected), on_error
    )
    groups = _convert(_read(folder, "groups", on_error), lambda r: _group(r.obj), on_error)
    organizations = _convert(
        _read(folder, "organizations", on_error), lambda r: _organization(r.obj), on_error
    )
    users = _convert(_read(folder, "users", on_error), lambda r: _user(r.obj), on_error)
    return schedules + holidays + groups + organizations + users


def check_ticket_fields(folder: Path, on_error: ErrorHandler) -> None:
    """Report bad lines of ticket_fields.ndjson. Nothing else depends on it: a custom field
    change is converted as `custom_fields.<id>` whether or not its field is listed (a
    deleted field keeps its history)."""
    for record in _read(folder, "ticket_fields", on_error):
        try:
            required(as_int, record.obj, "id")
        except BadRecord as exc:
            on_error(record.error(str(exc)))
