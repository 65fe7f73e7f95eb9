"""`zendesk-json`: the full JSON export of Zendesk's account data export (spec §6.1).

NDJSON, one object a line, as Zendesk writes it: `{"ticket": {...}}` for each ticket,
then `{"user": {...}}` and `{"organization": {...}}`. Times in UTC. An item is in the
range when its most recent update is: a ticket's last event, a user's or an
organization's latest upsert. Unlike Zendesk's, it has no 1 MB limit per ticket and no
31-day increments: the file is written as a stream, whatever its size.
"""
from collections.abc import Iterator

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks import zendesk_objects as objects
from sinks.formats import NdjsonFormat


class ZendeskJsonExport:
    name = "zendesk-json"
    packaged = True  # delivered in a .zip (spec §4.3)
    admins_only = True  # spec §3, §7
    help = ("Zendesk full JSON export: tickets with comments and metrics, users, organizations "
            "(NDJSON, UTC; any size, no 1 MB or 31-day limit).")
    format = NdjsonFormat()

    def records(self, state: ProjectionState, request: ExportRequest) -> Iterator[dict]:
        for ticket in objects.tickets(state, request):
            yield {"ticket": ticket}
        for user in objects.users(state, request):
            yield {"user": user}
        for organization in objects.organizations(state, request):
            yield {"organization": organization}
