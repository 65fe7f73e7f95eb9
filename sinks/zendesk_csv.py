"""`zendesk-csv`: the CSV ticket export of Zendesk's account data export (spec §6.2).

One row per live ticket whose last update is in the range, with the spec's 40 columns in
its order. Values are those at the time of the export: names where docs/metrics.md says
names (the id when the directory does not know it), display names for status, priority,
type, channel and satisfaction, times in the request's time zone as ISO 8601 with offset
to the second, durations from the ticket metrics; an empty cell where a value does not
exist yet. Custom fields are not written (docs/decisions.md, "Zendesk CSV export").
"""
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from operator import attrgetter

from events import UserUpserted
from events.commands import ExportRequest
from events.downstream import TicketMetrics
from projections.directory import Directory
from projections.state import ProjectionState
from projections.ticket_metrics import resolution_hours, ticket_metrics
from projections.tickets import TicketState
from sinks.formats import CsvFormat, local_time
from sinks.zendesk_objects import due_at

# Display names; a value missing from its table is written as it is.
STATUSES = {"new": "New", "open": "Open", "pending": "Pending", "hold": "On-hold", "solved": "Solved",
            "closed": "Closed"}
PRIORITIES = {"low": "Low", "normal": "Normal", "high": "High", "urgent": "Urgent"}
TICKET_TYPES = {"question": "Question", "incident": "Incident", "problem": "Problem", "task": "Task"}
# Zendesk's `via.channel` names.
CHANNELS = {
    "web": "Web form", "email": "Email", "api": "API", "chat": "Chat", "voice": "Phone call", "sms": "Text",
    "mobile": "Mobile", "mobile_sdk": "Mobile SDK", "web_widget": "Web Widget", "native_messaging": "Messaging",
    "facebook": "Facebook", "twitter": "Twitter", "help_center": "Help Center", "any_channel": "Channel integration",
    "rule": "Trigger or automation", "closed_ticket": "Closed ticket", "sample_ticket": "Sample ticket",
}
# A ticket never offered a survey has no rating at all (None).
SATISFACTION = {None: "Not offered", "unoffered": "Not offered", "offered": "Offered", "good": "Good", "bad": "Bad"}

_TABLES = {"user": attrgetter("users"), "group": attrgetter("groups"), "organization": attrgetter("organizations")}


def known(parts: Mapping[str, Directory], kind: str, entity_id: int | None):
    """The latest upsert of user, group or organization `entity_id`; None when unknown."""
    part = None if entity_id is None else parts.get(f"{kind}:{entity_id}")
    return None if part is None else _TABLES[kind](part).get(entity_id)


@dataclass(frozen=True, slots=True)
class TicketRow:
    """What one CSV row is read from."""

    ticket: TicketState
    metrics: TicketMetrics
    requester_id: int | None
    requester: UserUpserted | None  # None when the directory does not know the requester
    parts: Mapping[str, Directory]
    zone: tzinfo


def _name(kind: str, id_of: Callable[[TicketRow], int | None]):
    """A name column; the id stands in for a name the directory does not know, so an
    assigned ticket never reads as unassigned."""

    def column(row: TicketRow) -> str | int | None:
        entity_id = id_of(row)
        entry = known(row.parts, kind, entity_id)
        return entity_id if entry is None else entry.name

    return column


def _requester(name: str):
    """A column of the requester's user record, empty when the requester is unknown."""
    return lambda row: None if row.requester is None else getattr(row.requester, name)


def _email_domain(row: TicketRow) -> str | None:
    email = row.requester.email if row.requester is not None else None
    return email.rpartition("@")[2] if email and "@" in email else None


def _display(field: str, names: Mapping) -> Callable[[TicketRow], str | None]:
    return lambda row: names.get(value := row.ticket.field(field), value)


def _time(name: str):
    get = attrgetter(name)
    return lambda row: local_time(get(row), row.zone)


def _due_date(row: TicketRow) -> str | None:
    """The due date in the export's time zone; text that is no time is written as it is."""
    due = due_at(row.ticket.field("due_at"))
    return local_time(due, row.zone) if isinstance(due, datetime) else due


def _minutes(name: str, basis: str):
    """A duration column, calendar or business minutes; empty while it has no value."""
    get = attrgetter(f"metrics.{name}")
    return lambda row: None if (value := get(row)) is None else getattr(value, basis)


def _durations(title: str, name: str) -> tuple:
    return ((f"{title} in minutes", _minutes(name, "calendar")),
            (f"{title} in minutes within business hours", _minutes(name, "business")))


COLUMNS = (
    ("ID", attrgetter("ticket.ticket_id")),
    ("Requester", _name("user", attrgetter("requester_id"))),
    ("Requester ID", attrgetter("requester_id")),
    ("Requester external id", _requester("external_id")),
    ("Requester email", _requester("email")),
    ("Requester domain", _email_domain),
    ("Submitter", _name("user", attrgetter("ticket.submitter_id"))),
    ("Assignee", _name("user", attrgetter("ticket.assignee_id"))),
    ("Group", _name("group", attrgetter("ticket.group_id"))),
    ("Subject", lambda row: row.ticket.field("subject")),
    ("Tags", lambda row: " ".join(row.ticket.field("tags") or ())),
    ("Status", lambda row: STATUSES.get(status := row.ticket.status, status)),
    ("Priority", _display("priority", PRIORITIES)),
    ("Via", _display("via", CHANNELS)),
    ("Ticket type", _display("ticket_type", TICKET_TYPES)),
    ("Created at", _time("metrics.created_at")),
    ("Updated at", _time("metrics.updated_at")),
    ("Assigned at", _time("metrics.assigned_at")),
    # The seed: "L'organisation du demandeur actuel", the requester's own organization now.
    ("Organization", _name("organization", _requester("organization_id"))),
    ("Due date", _due_date),
    ("Initially assigned at", _time("metrics.initially_assigned_at")),
    ("Solved at", _time("metrics.solved_at")),
    ("Resolution time", lambda row: resolution_hours(row.metrics)),
    ("Satisfaction Score", lambda row: SATISFACTION.get(score := row.ticket.field("satisfaction"), score)),
    ("Group stations", attrgetter("metrics.group_stations")),
    ("Assignee stations", attrgetter("metrics.assignee_stations")),
    ("Reopens", attrgetter("metrics.reopens")),
    ("Replies", attrgetter("metrics.replies")),
    *_durations("First reply time", "reply_time"),
    *_durations("First resolution time", "first_resolution_time"),
    *_durations("Full resolution time", "full_resolution_time"),
    *_durations("Agent wait time", "agent_wait_time"),
    *_durations("Requester wait time", "requester_wait_time"),
    *_durations("On hold time", "on_hold_time"),
)


class ZendeskCsvExport:
    name = "zendesk-csv"
    packaged = True  # delivered in a .zip (spec §4.3)
    admins_only = True  # spec §3, §7
    help = "Zendesk account CSV ticket export: the 40 columns of the spec, times in --timezone."
    format = CsvFormat()
    columns = COLUMNS

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[TicketRow]:
        """Live tickets whose last update is in the requested range (all without one)."""
        account, zone = state.account, request.zone
        for ticket in state.live_tickets():
            if request.in_range(ticket.updated_at):
                requester_id = ticket.id_field("requester_id")
                requester = known(account.parts, "user", requester_id)
                yield TicketRow(ticket, ticket_metrics(ticket, account), requester_id, requester, account.parts, zone)
