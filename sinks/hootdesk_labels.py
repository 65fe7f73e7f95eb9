"""`hootdesk-topics` and `hootdesk-tags` (spec §3.6, §3.7): one row per topic (tag) and
channel with at least one application in the range.

A topic applies to a conversation, a tag to a message; both count the applications in the
range on the conversations of the channels asked for (`projections.hootdesk_rollups`).
"Current" counts those that still carry it at the snapshot. No event says whether a topic
or tag still exists in the admin settings, so Active is empty. Rows by id, then channel.

| Column | Projection field |
|---|---|
| Topic ID / Tag ID, Topic Name / Tag Name | the rollup key, the latest name applied (`Tally.name`) |
| Total Conversations, Total Current Conversations | `len(Tally.conversations)`, `len(Tally.current_conversations)` |
| Total Contacts, Total Messages, Total Current Messages | `len(Tally.contacts)`, `len(Tally.messages)`, `len(Tally.current_messages)` |
| Medium, Channel, Channel Display Name | the rollup key: the conversation's (topics), the message's (tags) |
"""
from collections.abc import Iterator
from operator import attrgetter

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.formats import CsvFormat
from sinks.hootdesk_rollup_rows import CHANNEL_COLUMNS, RollupRow, how_many, name, rows_of

TOPIC_COLUMNS = (
    ("Topic ID", attrgetter("owner_id")),
    ("Topic Name", name),
    ("Active", lambda row: None),
    ("Total Conversations", how_many("conversations")),
    ("Total Current Conversations", how_many("current_conversations")),
    *CHANNEL_COLUMNS,
)
TAG_COLUMNS = (
    ("Tag ID", attrgetter("owner_id")),
    ("Tag Name", name),
    ("Active", lambda row: None),
    ("Total Contacts", how_many("contacts")),
    ("Total Messages", how_many("messages")),
    ("Total Current Messages", how_many("current_messages")),
    *CHANNEL_COLUMNS,
)


class TopicsExport:
    name = "hootdesk-topics"
    help = "Hootdesk topics applied in the range, one row per topic and channel (CSV)."
    format = CsvFormat()
    columns = TOPIC_COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_topics.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
        return iter(rows_of(state, request, "topic"))


class TagsExport:
    name = "hootdesk-tags"
    help = "Hootdesk tags applied to messages in the range, one row per tag and channel (CSV)."
    format = CsvFormat()
    columns = TAG_COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_tags.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
        return iter(rows_of(state, request, "tag"))
