"""`zendesk-csv`: the CSV ticket export of Zendesk's account data export (spec §6.2).

One row per live ticket whose last update is in the range, with the spec's 40 columns in
its order. Values are those at the time of the export: names where docs/metrics.md says
names (the id when the directory does not know it), display names for status, priority,
type, channel and satisfaction, times in the request's time zone as ISO 8601 with offset
to the second, durations from the ticket metrics; an empty cell where a value does not
exist yet. Custom fields are not written (docs/decisions.md, "Zendesk CSV export").
"""
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from functools import partial
from operator import attrgetter

from events.commands import ExportRequest
from events.downstream import TicketMetrics
from projections.directory import Directory, known
from projections.state import ProjectionState
from projections.ticket_metrics import resolution_hours
from projections.tickets import TicketSummary
from sinks.formats import CsvFormat, LocalTimes
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

# The duration columns, two per metric (calendar, then business minutes), after the others.
DURATIONS = (("First reply time", "reply_time"), ("First resolution time", "first_resolution_time"),
             ("Full resolution time", "full_resolution_time"), ("Agent wait time", "agent_wait_time"),
             ("Requester wait time", "requester_wait_time"), ("On hold time", "on_hold_time"))
_DURATION_HEADERS = [(f"{title} in minutes", f"{title} in minutes within business hours") for title, _ in DURATIONS]
_durations = attrgetter(*(name for _, name in DURATIONS))

# The spec's 40 columns, in its order: the keys of each row (`row`).
HEADERS = (
    "ID", "Requester", "Requester ID", "Requester external id", "Requester email", "Requester domain",
    "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type",
    "Created at", "Updated at", "Assigned at", "Organization", "Due date", "Initially assigned at",
    "Solved at", "Resolution time", "Satisfaction Score", "Group stations", "Assignee stations", "Reopens",
    "Replies", *(header for pair in _DURATION_HEADERS for header in pair),
)
# The columns whose cells can hold text from the data (names, subject, values written as
# recorded), the only ones checked against formula injection; the others hold numbers,
# None, and times and display names written here.
TEXT_COLUMNS = (
    "Requester", "Requester external id", "Requester email", "Requester domain", "Submitter", "Assignee",
    "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type", "Organization", "Due date",
    "Satisfaction Score",
)


class _Once(dict):
    """Values by id, each found once (on a miss): a hit is a dict lookup, with no call."""

    def __init__(self, find: Callable[[int | None], object]) -> None:
        super().__init__()
        self.find = find

    def __missing__(self, entity_id: int | None) -> object:
        value = self[entity_id] = self.find(entity_id)
        return value


class Names:
    """The directory as the rows read it, each id looked up once per export: users' entries,
    and the names of users, groups and organizations. The id stands in for a name the
    directory does not know, so an assigned ticket never reads as unassigned."""

    def __init__(self, parts: Mapping[str, Directory]) -> None:
        self.users = _Once(partial(known, parts, "user"))  # the entry, None when unknown
        self.user = _Once(lambda user_id: _name(self.users[user_id], user_id))
        self.group = _Once(lambda group_id: _name(known(parts, "group", group_id), group_id))
        self.organization = _Once(lambda org_id: _name(known(parts, "organization", org_id), org_id))


def _name(entry, entity_id: int | None) -> str | int | None:
    return entity_id if entry is None else entry.name


def _due_date(text: str | None, times: LocalTimes) -> str | None:
    """The due date in the export's time zone; text that is no time is written as it is."""
    if not text:
        return None
    due = due_at(text)
    return times(due) if isinstance(due, datetime) else due


def row(ticket: TicketSummary, metrics: TicketMetrics, names: Names, times: LocalTimes) -> dict[str, object]:
    """One ticket's cells by column, in the spec's order, built in one call: this runs once
    per ticket, and a call per cell would cost more than writing the cell."""
    fields = ticket.fields
    requester_id = ticket.id_field("requester_id")
    requester = names.users[requester_id]  # None when the directory does not know it
    email = None if requester is None else requester.email
    status, priority, via = ticket.status, fields.get("priority"), fields.get("via")
    kind, score = fields.get("ticket_type"), fields.get("satisfaction")
    cells = {
        "ID": ticket.ticket_id,
        "Requester": names.user[requester_id],
        "Requester ID": requester_id,
        "Requester external id": None if requester is None else requester.external_id,
        "Requester email": email,
        "Requester domain": email.rpartition("@")[2] if email and "@" in email else None,
        "Submitter": names.user[ticket.submitter_id],
        "Assignee": names.user[ticket.assignee_id],
        "Group": names.group[ticket.group_id],
        "Subject": fields.get("subject"),
        "Tags": " ".join(fields.get("tags") or ()),
        "Status": STATUSES.get(status, status),
        "Priority": PRIORITIES.get(priority, priority),
        "Via": CHANNELS.get(via, via),
        "Ticket type": TICKET_TYPES.get(kind, kind),
        "Created at": times(metrics.created_at),
        "Updated at": times(metrics.updated_at),
        "Assigned at": times(metrics.assigned_at),
        # The seed: "L'organisation du demandeur actuel", the requester's own organization now.
        "Organization": names.organization[None if requester is None else requester.organization_id],
        "Due date": _due_date(fields.get("due_at"), times),
        "Initially assigned at": times(metrics.initially_assigned_at),
        "Solved at": times(metrics.solved_at),
        "Resolution time": resolution_hours(metrics),
        "Satisfaction Score": SATISFACTION.get(score, score),
        "Group stations": metrics.group_stations,
        "Assignee stations": metrics.assignee_stations,
        "Reopens": metrics.reopens,
        "Replies": metrics.replies,
    }
    # Durations from the ticket metrics; both cells empty while one has no value.
    for (calendar, business), value in zip(_DURATION_HEADERS, _durations(metrics)):
        cells[calendar], cells[business] = (None, None) if value is None else (value.calendar, value.business)
    return cells


class ZendeskCsvExport:
    name = "zendesk-csv"
    packaged = True  # delivered in a .zip (spec §4.3)
    admins_only = True  # spec §3, §7
    help = "Zendesk account CSV ticket export: the 40 columns of the spec, times in --timezone."
    format = CsvFormat(text_columns=TEXT_COLUMNS)
    headers = HEADERS

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[Iterable[object]]:
        """The cells of each live ticket whose last update is in the requested range (all
        without one)."""
        names, times = Names(state.account.parts), LocalTimes(request.zone)
        for ticket, metrics in state.live_ticket_summaries():
            if request.in_range(ticket.updated_at):
                yield row(ticket, metrics, names, times).values()
