"""Every export deskstream can write, by the name users give on the command line."""
from collections.abc import Iterable
from pathlib import Path

import msgspec

from projections.state import ProjectionState
from sinks.export import CellExport, Export, ExportResult, RecordExport, write_export
from events.commands import ExportRequest
from sinks.hootdesk_contacts import ContactAttributesExport, ContactsExport
from sinks.hootdesk_conversations import OpenConversationsExport, ResolvedConversationsExport
from sinks.hootdesk_labels import TagsExport, TopicsExport
from sinks.hootdesk_messages import MessagesExport
from sinks.hootdesk_presence import PresenceExport
from sinks.hootdesk_response_times import ResponseTimesExport
from sinks.hootdesk_teams import TeamsExport
from sinks.hootdesk_users import UsersExport
from sinks.hootdesk_virtual_agents import VirtualAgentsExport
from sinks.ticket_metrics import TicketMetricsExport
from sinks.zendesk_csv import ZendeskCsvExport
from sinks.zendesk_json import ZendeskJsonExport
from sinks.zendesk_xml import ZendeskUsersXmlExport, ZendeskXmlExport

EXPORTS: dict[str, Export | CellExport | RecordExport] = {
    export.name: export
    for export in (
        TicketMetricsExport(),
        ZendeskCsvExport(),
        ZendeskJsonExport(),
        ZendeskXmlExport(),
        ZendeskUsersXmlExport(),
        ResolvedConversationsExport(),
        OpenConversationsExport(),
        MessagesExport(),
        ResponseTimesExport(),
        PresenceExport(),
        UsersExport(),
        TeamsExport(),
        ContactsExport(),
        TopicsExport(),
        TagsExport(),
        VirtualAgentsExport(),
        ContactAttributesExport(),
    )
}


class UnknownExport(KeyError):
    def __str__(self) -> str:
        return f"unknown export {self.args[0]!r}; expected one of: {', '.join(sorted(EXPORTS))}"


def get_export(name: str) -> Export | CellExport | RecordExport:
    try:
        return EXPORTS[name]
    except KeyError:
        raise UnknownExport(name) from None


def write_exports(
    state: ProjectionState, names: Iterable[str], request: ExportRequest, out: Path
) -> list[ExportResult]:
    """Write each named export of `state` into `out`, with the same request options.

    Without an as-of time, the snapshot is as of the latest event in `state`.
    """
    as_of = request.as_of or state.last_event_at()
    return [
        write_export(get_export(name), state, msgspec.structs.replace(request, export=name, as_of=as_of), out)
        for name in names
    ]
