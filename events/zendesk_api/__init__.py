"""A Zendesk Support REST API dump -> canonical events.

The dump is a folder of NDJSON files named after API resources, one API object a line,
with Zendesk's own field names (a line wrapped as the account export writes it,
`{"ticket": {...}}`, is read too):

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
reported once as ignored; dot files are skipped.
"""
from pathlib import Path

from events.base import Event
from events.errors import SourceError
from events.zendesk_api.records import ErrorHandler
from events.zendesk_api.reference import check_ticket_fields, reference_events
from events.zendesk_api.tickets import ticket_events
from events.zendesk_api.timezones import RAILS_TO_IANA, to_iana

RESOURCES = (
    "tickets", "ticket_audits", "users", "groups", "organizations", "schedules", "holidays",
    "ticket_fields",
)
KNOWN_FILES = frozenset(f"{name}.ndjson" for name in RESOURCES)

__all__ = ["read_zendesk_api", "to_iana", "RAILS_TO_IANA", "KNOWN_FILES", "SourceError"]


def read_zendesk_api(folder: Path, on_error: ErrorHandler) -> list[Event]:
    """All events of the dump in `folder`, in replay order.

    Raises FileNotFoundError only when the folder or its tickets.ndjson is missing.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"Zendesk API dump folder not found: {folder}")
    if not (folder / "tickets.ndjson").is_file():
        raise FileNotFoundError(f"not a Zendesk API dump: no tickets.ndjson in {folder}")
    for path in sorted(folder.iterdir()):
        if path.name not in KNOWN_FILES and not path.name.startswith("."):
            known = ", ".join(sorted(KNOWN_FILES))
            on_error(SourceError(path.name, 0, f"not a Zendesk API resource file ({known}); ignored"))
    events = reference_events(folder, on_error)
    check_ticket_fields(folder, on_error)
    return events + ticket_events(folder, on_error)
