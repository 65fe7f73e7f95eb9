"""Zendesk's objects built from the projections, with the names Zendesk's API gives their
fields: tickets (with comments and metrics), users, organizations, groups and the
account's schedules. The JSON and XML account exports write them.

Times are UTC to the second, as Zendesk's API writes them; the XML export moves them to
the account's time zone when it writes them.
"""
from collections.abc import Iterator
from datetime import UTC, date, datetime

import msgspec

from events.commands import ExportRequest
from projections.account import Account as AccountData
from projections.state import ProjectionState
from projections.tickets import TicketState
from sinks.ticket_metrics import TicketMetricsExport

CUSTOM_FIELD = "custom_fields."


class Via(msgspec.Struct, gc=False):
    channel: str | None


class SatisfactionRating(msgspec.Struct, gc=False):
    score: str  # unoffered, offered, good, bad
    comment: str | None


class CustomField(msgspec.Struct, gc=False):
    id: int
    value: str


class Comment(msgspec.Struct, gc=False):
    id: int | None  # None for the description: our events give it no comment id
    author_id: int
    public: bool  # False: an internal note
    body: str
    created_at: datetime


# The `ticket-metrics` export's object, its columns as fields (it encodes as that export's
# line): built in one call, and written as a Struct, cheaper than a dict key by key.
MetricSet = msgspec.defstruct("MetricSet", [header for header, _ in TicketMetricsExport.columns], gc=False)
_METRIC_COLUMNS = tuple(get for _, get in TicketMetricsExport.columns)


class Ticket(msgspec.Struct, gc=False):
    id: int
    external_id: str | None
    via: Via
    created_at: datetime
    updated_at: datetime
    type: str | None
    subject: str
    description: str
    priority: str | None
    status: str
    requester_id: int | None
    submitter_id: int | None
    assignee_id: int | None
    organization_id: int | None
    group_id: int | None
    brand_id: int | None
    tags: tuple[str, ...]
    due_at: datetime | str | None  # text that is no time is kept as it was given
    satisfaction_rating: SatisfactionRating
    custom_fields: list[CustomField]
    comments: list[Comment]  # the description first, internal notes included
    metric_set: MetricSet


class User(msgspec.Struct, gc=False):
    id: int
    name: str
    email: str | None
    role: str
    organization_id: int | None
    external_id: str | None
    tags: tuple[str, ...]
    updated_at: datetime  # its latest upsert


class Organization(msgspec.Struct, gc=False):
    id: int
    name: str
    domain_names: tuple[str, ...]
    tags: tuple[str, ...]
    updated_at: datetime


class Group(msgspec.Struct, gc=False):
    id: int
    name: str
    updated_at: datetime


class Interval(msgspec.Struct, gc=False):
    start_minute: int  # from Sunday 00:00 in the schedule's time zone
    end_minute: int


class Holiday(msgspec.Struct, gc=False):
    start_date: date
    end_date: date


class Schedule(msgspec.Struct, gc=False):
    id: int
    time_zone: str
    intervals: list[Interval]
    holidays: list[Holiday]


class Account(msgspec.Struct, gc=False):
    """What we know of the account's settings: no event carries the others."""

    time_zone: str
    default_schedule_id: int | None
    schedules: list[Schedule]


def utc(at: datetime) -> datetime:
    return at if at.tzinfo is UTC and not at.microsecond else at.astimezone(UTC).replace(microsecond=0)


def tickets(state: ProjectionState, request: ExportRequest) -> Iterator[Ticket]:
    """Live tickets whose last update is in the range, by id."""
    for ticket in state.live_tickets():
        if request.in_range(ticket.updated_at):
            metrics = state.metrics_of(ticket)
            yield ticket_object(ticket, MetricSet(*[get(metrics) for get in _METRIC_COLUMNS]))


def ticket_object(ticket: TicketState, metric_set: MetricSet) -> Ticket:
    fields = ticket.fields
    score, comment = fields.get("satisfaction") or "unoffered", fields.get("satisfaction_comment") or None
    return Ticket(
        id=ticket.ticket_id,
        external_id=fields.get("external_id"),
        via=Via(fields.get("via")),
        created_at=utc(ticket.created_at),
        updated_at=utc(ticket.updated_at),
        type=fields.get("ticket_type"),
        subject=fields.get("subject") or "",
        description=next((c.body for c in ticket.comments if c.is_description), ""),
        priority=fields.get("priority"),
        status=ticket.status,
        requester_id=ticket.id_field("requester_id"),
        submitter_id=ticket.submitter_id,
        assignee_id=ticket.assignee_id,
        organization_id=ticket.id_field("organization_id"),
        group_id=ticket.group_id,
        brand_id=ticket.id_field("brand_id"),
        tags=fields.get("tags") or (),
        due_at=due_at(fields.get("due_at")),
        satisfaction_rating=SatisfactionRating(score, comment),
        custom_fields=sorted(
            (CustomField(int(name.removeprefix(CUSTOM_FIELD)), value)
             for name, value in fields.items() if name.startswith(CUSTOM_FIELD) and value is not None),
            key=lambda field: field.id,
        ),
        comments=[Comment(c.comment_id, c.author_id, c.public, c.body, utc(c.at)) for c in ticket.comments],
        metric_set=metric_set,
    )


def due_at(text: str | None) -> datetime | str | None:
    """The due date, kept as ISO 8601 text in the ticket's fields, in UTC: a time without
    an offset is UTC like every event time; text that is no time is kept as it is."""
    try:
        due = datetime.fromisoformat(text) if text else None
    except ValueError:
        return text
    return None if due is None else utc(due if due.tzinfo else due.replace(tzinfo=UTC))


def _directory(state: ProjectionState, table: str) -> list:
    """Every latest upsert in one directory table (users, groups, organizations), by id."""
    rows = {key: row for part in state.account.parts.values() for key, row in getattr(part, table).items()}
    return [rows[key] for key in sorted(rows)]


def users(state: ProjectionState, request: ExportRequest) -> Iterator[User]:
    """Users whose latest upsert is in the range, by id."""
    for user in _directory(state, "users"):
        if request.in_range(user.occurred_at):
            yield User(user.user_id, user.name, user.email, user.role, user.organization_id, user.external_id,
                       user.tags, utc(user.occurred_at))


def organizations(state: ProjectionState, request: ExportRequest) -> Iterator[Organization]:
    for org in _directory(state, "organizations"):
        if request.in_range(at := org.occurred_at):
            yield Organization(org.organization_id, org.name, org.domain_names, org.tags, utc(at))


def groups(state: ProjectionState, request: ExportRequest) -> Iterator[Group]:
    for group in _directory(state, "groups"):
        if request.in_range(group.occurred_at):
            yield Group(group.group_id, group.name, utc(group.occurred_at))


def account(state: ProjectionState, request: ExportRequest) -> Account:
    """The export's time zone and the schedules in force at the as-of time."""
    data: AccountData = state.account
    as_of = request.as_of or state.last_event_at()
    schedules = []
    for schedule_id in sorted(data.schedules):
        if as_of is not None and data.schedules[schedule_id][0].since <= as_of:
            schedule = data.schedule_at(schedule_id, as_of)
            schedules.append(Schedule(
                schedule_id,
                schedule.time_zone,
                [Interval(start, end) for start, end in schedule.intervals],
                [Holiday(start, end) for start, end in schedule.holidays],
            ))
    default = data.schedule_at(None, as_of) if as_of is not None else None
    return Account(request.time_zone, None if default is None else default.schedule_id, schedules)
