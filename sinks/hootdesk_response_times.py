"""`hootdesk-response-times`: one row per response whose outbound message was created in
the range (spec §3.10).

A response is an outbound message of a human agent answering the contact; what started
the wait, and so From, is the contact's message or a virtual agent's handover to the New
queue (`projections.responses`). Rows in the order of their outbound message (time, then
message id), filtered on the channel the contact's message came in on.

| Column | Projection field |
|---|---|
| Conversation ID, Medium, Sender Channel Full Name, Conversation URL | `ConversationState.conversation_id`, `creation.medium`, `creation.channel_display_name`, `creation.url` |
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
from projections.conversations import ConversationState
from projections.hootdesk_directory import People
from projections.responses import Response, responses
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time
from sinks.hootdesk_columns import agent_columns, channel_filter


@dataclass(frozen=True, slots=True)
class ResponseRow:
    response: Response
    conversation: ConversationState
    people: People
    zone: tzinfo

    @property
    def sender_channel(self) -> str:
        inbound = self.response.inbound
        return self.conversation.creation.channel if inbound is None else inbound.channel


COLUMNS = (
    ("Conversation ID", attrgetter("conversation.conversation_id")),
    ("Medium", attrgetter("conversation.creation.medium")),
    ("Sender Channel", attrgetter("sender_channel")),
    ("Sender Channel Full Name", attrgetter("conversation.creation.channel_display_name")),
    ("Contact Profile ID", attrgetter("conversation.creation.contact_id")),
    ("Started By", attrgetter("response.started_by")),
    ("Handover Reason", attrgetter("response.handover_reason")),
    ("From", lambda row: local_time(row.response.started_at, row.zone)),
    ("To", lambda row: local_time(row.response.outbound.at, row.zone)),
    ("Agent Response Time (s)", attrgetter("response.response_time")),
    *agent_columns("Responding Agent", attrgetter("response.outbound.author_id")),
    ("Inbound Message ID", lambda row: None if row.response.inbound is None else row.response.inbound.message_id),
    ("Outbound Message ID", attrgetter("response.outbound.message_id")),
    ("Conversation URL", attrgetter("conversation.creation.url")),
)


class ResponseTimesExport:
    name = "hootdesk-response-times"
    help = "Hootdesk responses whose outbound message was created in the range (CSV, times in --timezone)."
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_response_times.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[ResponseRow]:
        conversations = list(state.live_conversations())
        wanted = channel_filter(conversations, request)
        people, zone = state.people, request.zone
        found = [
            ResponseRow(response, conversation, people, zone)
            for conversation in conversations
            for response in responses(conversation)
            if request.in_range(response.outbound.at)
        ]
        found = [row for row in found if wanted(row.sender_channel)]
        found.sort(key=lambda row: (row.response.outbound.at, row.response.outbound.message_id))
        return iter(found)
