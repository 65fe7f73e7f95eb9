"""`hootdesk-response-times`: one row per response whose outbound message was created in
the range (spec §3.10).

A response is an outbound message of a human agent answering the contact; what started
the wait, and so From, is the contact's message or a virtual agent's handover to the New
queue (`projections.responses`). Rows in the order of their outbound message (time, then
message id), filtered on the channel the contact's message came in on. A row keeps its response and
its conversation's creation, not the whole conversation, as `hootdesk-messages` does.

| Column | Projection field |
|---|---|
| Conversation ID, Medium, Sender Channel Full Name, Conversation URL | `ConversationState.creation` (ConversationCreated): `.conversation_id`, `.medium`, `.channel_display_name`, `.url` |
| Sender Channel | `Response.inbound.channel` (the conversation's channel when the contact wrote nothing) |
| Contact Profile ID | `creation.contact_id` |
| Started By, Handover Reason | `Response.started_by` (INBOUND_MESSAGE or VA_HANDED_OVER_CONVERSATION), `.handover_reason` |
| From, To, Agent Response Time (s) | `Response.started_at`, `.outbound.at`, `.response_time` (To − From, whole seconds, truncated) |
| Responding Agent ID / Name / Reference | `Response.outbound.author_id`, `People.agent` |
| Inbound / Outbound Message ID | `Response.inbound.message_id`, `Response.outbound.message_id` |
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from operator import attrgetter

from events.commands import ExportRequest
from events.conversations import ConversationCreated
from projections.hootdesk_directory import People
from projections.responses import Response, responses
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time
from sinks.hootdesk_columns import agent_columns, channel_filter


@dataclass(frozen=True, slots=True)
class ResponseRow:
    response: Response
    creation: ConversationCreated  # of the response's conversation
    people: People
    zone: tzinfo

    @property
    def sender_channel(self) -> str:
        inbound = self.response.inbound
        return self.creation.channel if inbound is None else inbound.channel


COLUMNS = (
    ("Conversation ID", attrgetter("creation.conversation_id")),
    ("Medium", attrgetter("creation.medium")),
    ("Sender Channel", attrgetter("sender_channel")),
    ("Sender Channel Full Name", attrgetter("creation.channel_display_name")),
    ("Contact Profile ID", attrgetter("creation.contact_id")),
    ("Started By", attrgetter("response.started_by")),
    ("Handover Reason", attrgetter("response.handover_reason")),
    ("From", lambda row: local_time(row.response.started_at, row.zone)),
    ("To", lambda row: local_time(row.response.outbound.at, row.zone)),
    ("Agent Response Time (s)", attrgetter("response.response_time")),
    *agent_columns("Responding Agent", attrgetter("response.outbound.author_id")),
    ("Inbound Message ID", lambda row: None if row.response.inbound is None else row.response.inbound.message_id),
    ("Outbound Message ID", attrgetter("response.outbound.message_id")),
    ("Conversation URL", attrgetter("creation.url")),
)


class ResponseTimesExport:
    name = "hootdesk-response-times"
    help = "Hootdesk responses whose outbound message was created in the range (CSV, times in --timezone)."
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_response_times.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[ResponseRow]:
        wanted = channel_filter(state.live_conversations(), request)
        people, zone = state.people, request.zone
        found = []
        for conversation in state.live_conversations():
            for response in responses(conversation):
                row = ResponseRow(response, conversation.creation, people, zone)
                if request.in_range(response.outbound.at) and wanted(row.sender_channel):
                    found.append(row)
        found.sort(key=lambda row: (row.response.outbound.at, row.response.outbound.message_id))
        return iter(found)
