"""`hootdesk-messages`: one row per message created in the range (spec §3.3).

Inbound messages come from the contact, outbound ones from an agent, a virtual agent or
an automation. Rows in creation order (time, then message id), filtered on the message's
own channel. The rows are sorted before the first is written, in what the state gives
for that (`ProjectionState.sorted_rows`: on disk in a replay of many messages), and each
keeps its message and its conversation's creation, not the whole conversation: a million
conversations' messages must not hold every conversation's state (docs/benchmarks.md).

| Column | Projection field |
|---|---|
| Message ID, Created At, Medium, Channel, Message Type, Post URL | `MessageMark.message_id`, `.at`, `.medium`, `.channel`, `.message_type`, `.post_url` |
| Conversation ID, Channel Display Name, Conversation URL | `ConversationState.creation` (ConversationCreated): `.conversation_id`, `.channel_display_name`, `.url` |
| Contact Profile ID / Primary / Secondary Identifier | `creation.contact_id`, `People.contact` |
| Origin | outbound: `MessageMark.origin`; inbound: `MessageMark.medium`, the platform the contact wrote from |
| Outbound Message Type | outbound: `MessageMark.sender_kind` (Agent, Virtual agent, Automation); inbound: empty |
| Direction | `MessageMark.inbound`: Inbound or Outbound |
| Agent ID / Name / Reference | outbound: `MessageMark.author_id` (the sender), `People.agent` |
| Team ID / Name | outbound: the sender's first team, `People.team_of`, `People.team` |
| Tag ID, Tag Names | `current_labels` of `ConversationState.tags` on this message |
| Content | `MessageMark.content`, for Twitter (X) messages only, as the spec says |
| Last Updated | the latest of `MessageMark.at` and its tag changes |
| Deleted At | empty: no event deletes a message |
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from operator import attrgetter

from events.commands import ExportRequest
from events.conversations import ConversationCreated
from projections.conversations import LabelMark, MessageMark, current_labels
from projections.hootdesk_directory import People
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time
from sinks.hootdesk_columns import SENDER_KINDS, agent_columns, channel_filter, joined, team_columns

# The media whose content the export carries: Twitter's, now called X.
CONTENT_MEDIA = frozenset({"twitter", "x"})

# What a row keeps while the rows are sorted: its message, its conversation's creation
# and the changes of the message's tags.
SortedMessage = tuple[MessageMark, ConversationCreated, tuple[LabelMark, ...]]


@dataclass(frozen=True, slots=True)
class MessageRow:
    message: MessageMark
    creation: ConversationCreated  # of the message's conversation
    tags: tuple[LabelMark, ...]  # the changes of this message's tags
    people: People
    zone: tzinfo

    @property
    def sender_id(self) -> str | None:
        return None if self.message.inbound else self.message.author_id

    @property
    def updated_at(self) -> datetime:
        return max((self.message.at, *(tag.at for tag in self.tags)))

    def contact(self, field: str) -> str | None:
        contact = self.people.contact(self.creation.contact_id)
        return None if contact is None else getattr(contact, field)

    def current_tags(self, field: str) -> str:
        return joined(getattr(tag, field) for tag in current_labels(self.tags))


def _origin(row: MessageRow) -> str | None:
    return row.message.medium if row.message.inbound else row.message.origin


def _content(row: MessageRow) -> str | None:
    return row.message.content if row.message.medium.lower() in CONTENT_MEDIA else None


COLUMNS = (
    ("Message ID", attrgetter("message.message_id")),
    ("Created At", lambda row: local_time(row.message.at, row.zone)),
    ("Conversation ID", attrgetter("creation.conversation_id")),
    ("Medium", attrgetter("message.medium")),
    ("Channel", attrgetter("message.channel")),
    ("Channel Display Name", attrgetter("creation.channel_display_name")),
    ("Contact Profile ID", attrgetter("creation.contact_id")),
    ("Contact Primary Identifier", lambda row: row.contact("primary_identifier")),
    ("Contact Secondary Identifier", lambda row: row.contact("secondary_identifier")),
    ("Message Type", attrgetter("message.message_type")),
    ("Origin", _origin),
    ("Outbound Message Type", lambda row: SENDER_KINDS.get(kind := row.message.sender_kind, kind)),
    ("Direction", lambda row: "Inbound" if row.message.inbound else "Outbound"),
    *agent_columns("Agent", attrgetter("sender_id")),
    *team_columns("Team", attrgetter("sender_id")),
    ("Tag ID", lambda row: row.current_tags("label_id")),
    ("Tag Names", lambda row: row.current_tags("name")),
    ("Content", _content),
    ("Conversation URL", attrgetter("creation.url")),
    ("Post URL", attrgetter("message.post_url")),
    ("Last Updated", lambda row: local_time(row.updated_at, row.zone)),
    ("Deleted At", lambda row: None),
)


class MessagesExport:
    name = "hootdesk-messages"
    help = "Hootdesk messages created in the range, one per row (CSV, times in --timezone)."
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_messages.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[MessageRow]:
        wanted = channel_filter(state.live_conversations(), request)
        people, zone = state.people, request.zone
        found = state.sorted_rows(SortedMessage)
        for conversation in state.live_conversations():
            for message in conversation.messages:
                if request.in_range(message.at) and wanted(message.channel):
                    tags = tuple(tag for tag in conversation.tags if tag.message_id == message.message_id)
                    found.add((message.at, message.message_id), (message, conversation.creation, tags))
        return (MessageRow(message, creation, tags, people, zone) for message, creation, tags in found.in_order())
