"""A Zendesk Support REST API dump -> canonical events.

The dump is a folder of NDJSON files named after API resources, one API object a line,
with Zendesk's own field names (a line wrapped as the account export writes it,
`{"ticket": {...}}`, or holding a whole API page, `{"tickets": [...]}`, is read too):

    tickets.ndjson         required; the tickets as they are now
    ticket_audits.ndjson   the history: one audit (one save of a ticket) a line
    users.ndjson  groups.ndjson  organizations.ndjson  schedules.ndjson  holidays.ndjson
    ticket_fields.ndjson   read and checked only (custom field changes are named by id)

Events come reference data first (schedules, holidays, groups, organizations, users; see
`reference`), then ticket history in time order (see `tickets` and `audits`). Reading the
same folder twice gives the same events with the same ids.

Bad input never stops the read: a malformed line, a missing or mistyped field, an
unknown time zone or audit event type is reported to `on_error` as a `SourceError` naming
file, line and reason, and the rest converts. Files this reader does not know are
noted as ignored; dot files are skipped. Which files were found is noted, and
each one missing is warned of with what it costs.
"""
from pathlib import Path

from events.base import DEFAULT_TIME_WINDOW, Event, TimeWindow
from events.codec import OUTSIDE_WINDOW, EventDecodeError, in_window
from events.errors import NoteHandler, SourceError
from events.zendesk_api.records import ErrorHandler
from events.zendesk_api.reference import check_ticket_fields, reference_events
from events.zendesk_api.tickets import ticket_events
from events.zendesk_api.timezones import RAILS_TO_IANA, to_iana

RESOURCES = (
    "tickets", "ticket_audits", "users", "groups", "organizations", "schedules", "holidays",
    "ticket_fields",
)
KNOWN_FILES = frozenset(f"{name}.ndjson" for name in RESOURCES)
# What a dump without the file gets wrong: said when it is missing (tickets.ndjson is required).
COST_OF_MISSING = {
    "ticket_audits.ndjson": "no ticket history: each ticket is created as it is now, so reopens, "
                            "replies, stations and wait times are not measured",
    "users.ndjson": "no user is known to be an agent: no reply is counted (replies, reply times)",
    "schedules.ndjson": "no business hours: business minutes equal calendar minutes",
    "holidays.ndjson": "no holidays: business minutes count holidays as working days",
    "groups.ndjson": "group names unknown: exports give groups by id only",
    "organizations.ndjson": "organization names unknown: exports give organizations by id only",
    "ticket_fields.ndjson": "custom fields not checked (their changes are still read)",
}

__all__ = ["read_zendesk_api", "to_iana", "RAILS_TO_IANA", "KNOWN_FILES", "SourceError"]


def read_zendesk_api(folder: Path, on_error: ErrorHandler, on_note: NoteHandler | None = None,
                     window: TimeWindow = DEFAULT_TIME_WINDOW) -> list[Event]:
    """All events of the dump in `folder`, in replay order.

    `on_note` is told which files were found, and warned of each one missing with what
    it costs, and of files that are not Zendesk resources (ignored). An event dated
    outside `window` is a bad record, as in an event log.
    Raises FileNotFoundError only when the folder or its tickets.ndjson is missing.
    """
    folder = Path(folder)
    note = on_note or (lambda _: None)
    if not folder.is_dir():
        raise FileNotFoundError(f"Zendesk API dump folder not found: {folder}")
    if not (folder / "tickets.ndjson").is_file():
        raise FileNotFoundError(f"not a Zendesk API dump: no tickets.ndjson in {folder}")
    found = [name for name in sorted(KNOWN_FILES) if (folder / name).is_file()]
    note(f"{folder}: found {', '.join(found)}")
    for name, cost in COST_OF_MISSING.items():
        if name not in found:
            note(f"warning: {folder / name} is missing: {cost}")
    for path in sorted(folder.iterdir()):
        if path.name not in KNOWN_FILES and not path.name.startswith("."):
            note(f"warning: {path} is not a Zendesk API resource file; ignored")
    events = reference_events(folder, on_error)
    check_ticket_fields(folder, on_error)
    return _within(events + ticket_events(folder, on_error), window, folder, on_error)


def _within(events: list[Event], window: TimeWindow, folder: Path, on_error: ErrorHandler) -> list[Event]:
    """The events dated inside `window`; the others reported by what they are about
    (they are built from several files, so no single line is theirs)."""
    kept = []
    for event in events:
        try:
            kept.append(in_window(event, window))
        except EventDecodeError as exc:
            on_error(SourceError(str(folder), 0, f"{type(event).__name__} of {event.key}: {exc}", kind=OUTSIDE_WINDOW))
    return kept
