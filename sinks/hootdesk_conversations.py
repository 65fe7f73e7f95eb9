"""`hootdesk-resolved` and `hootdesk-open`: one row per conversation (spec §3.1, §3.2).

Resolved conversations are those first resolved in the range; open ones are New or
Pending at the snapshot's as-of time, whatever the range (docs/metrics.md). Both give the values at the
snapshot: the resolution columns describe the latest resolution, and are empty while a
reopened conversation is not resolved again. The open export has the resolved export's
columns without Resolution Reason, Resolve Comment, Resolve Trigger and the four CSAT
columns, as the spec says. Rows by conversation id.

| Column | Projection field |
|---|---|
| Conversation ID, Medium, Channel, Channel Display Name, Language, Conversation URL | `ConversationState.creation` (ConversationCreated) |
| Contact Profile ID / Primary / Secondary Identifier | `creation.contact_id`, its `ContactUpserted` (`People.contact`) |
| Created At | `ConversationState.created_at` |
| Last Status Change Agent ID / Name / Reference | `ConversationMetrics.last_status_change.agent_id` (last move to Resolved or Pending), `People.agent` |
| Last Status Change Team ID / Name | that agent's first team, `People.team_of`, `People.team` |
| Current Status | `ConversationState.status` |
| Resolved By, Resolve Trigger | `ConversationMetrics.resolution.trigger`, as `RESOLVED_BY`, `RESOLVE_TRIGGERS` |
| Resolution Reason, Resolve Comment, Resolved At | `resolution.reason`, `.comment`, `.at` |
| Resolving Agent ID / Name / Reference | `resolution.agent_id`, `People.agent` |
| Inbound / Outbound Message Count | `ConversationMetrics.inbound_count`, `.outbound_count` |
| First Response Time (s), Resolution Time (s) | `ConversationMetrics.first_response_time`, `.resolution_time` |
| Handle / No-Reply / Cherry-Pick Time (s) | `ConversationMetrics.times` (closed locks, `conversation_metrics.locks`) |
| Topic IDs, Topic Names | `current_labels(ConversationState.topics)` |
| Last Updated | `ConversationState.updated_at` |
| CSAT Score, Completion Status, Follow-up Question / Answer | `ConversationState.csat` |
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import tzinfo
from operator import attrgetter

from events.commands import ExportRequest
from projections.conversation_metrics import ConversationMetrics, conversation_metrics
from projections.conversations import ConversationState, CsatMark, current_labels
from projections.hootdesk_directory import People
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time
from sinks.hootdesk_columns import (
    RESOLVE_TRIGGERS,
    RESOLVED_BY,
    agent_columns,
    channel_filter,
    joined,
    team_columns,
)


@dataclass(frozen=True, slots=True)
class ConversationRow:
    """What one row is read from."""

    conversation: ConversationState
    metrics: ConversationMetrics
    people: People
    zone: tzinfo

    def contact(self, field: str) -> str | None:
        contact = self.people.contact(self.conversation.creation.contact_id)
        return None if contact is None else getattr(contact, field)

    def resolution(self, field: str):
        resolution = self.metrics.resolution
        return None if resolution is None else getattr(resolution, field)

    def topics(self, field: str) -> str:
        return joined(getattr(mark, field) for mark in current_labels(self.conversation.topics))

    def last_survey(self, answered: bool) -> CsatMark | None:
        return next((m for m in reversed(self.conversation.csat) if m.answered is answered), None)


def _created(field: str):
    return attrgetter(f"conversation.creation.{field}")


def _time(get):
    return lambda row: local_time(get(row), row.zone)


def _status_agent(row: ConversationRow) -> str | None:
    change = row.metrics.last_status_change
    return None if change is None else change.agent_id


def _survey(answered: bool, field: str):
    """A field of the latest survey sent (answered False) or answer."""

    def column(row: ConversationRow):
        mark = row.last_survey(answered)
        return None if mark is None else getattr(mark, field)

    return column


def _csat_status(row: ConversationRow) -> str | None:
    """Answered once the latest survey sent has its answer; empty when none was sent."""
    if not row.conversation.csat:
        return None
    return "Answered" if row.conversation.csat[-1].answered else "Not answered"


def _code(table: dict):
    return lambda row: None if (trigger := row.resolution("trigger")) is None else table.get(trigger, trigger)


RESOLVED_COLUMNS = (
    ("Conversation ID", attrgetter("conversation.conversation_id")),
    ("Medium", _created("medium")),
    ("Channel", _created("channel")),
    ("Channel Display Name", _created("channel_display_name")),
    ("Contact Profile ID", _created("contact_id")),
    ("Contact Primary Identifier", lambda row: row.contact("primary_identifier")),
    ("Contact Secondary Identifier", lambda row: row.contact("secondary_identifier")),
    ("Created At", _time(attrgetter("conversation.created_at"))),
    *agent_columns("Last Status Change Agent", _status_agent),
    *team_columns("Last Status Change Team", _status_agent),
    ("Current Status", attrgetter("conversation.status")),
    ("Resolved By", _code(RESOLVED_BY)),
    ("Resolution Reason", lambda row: row.resolution("reason")),
    ("Resolve Comment", lambda row: row.resolution("comment")),
    ("Resolve Trigger", _code(RESOLVE_TRIGGERS)),
    ("Resolved At", _time(lambda row: row.resolution("at"))),
    *agent_columns("Resolving Agent", lambda row: row.resolution("agent_id")),
    ("Inbound Message Count", attrgetter("metrics.inbound_count")),
    ("Outbound Message Count", attrgetter("metrics.outbound_count")),
    ("First Response Time (s)", attrgetter("metrics.first_response_time")),
    ("Handle Time (s)", attrgetter("metrics.times.handle")),
    ("No-Reply Time (s)", attrgetter("metrics.times.no_reply")),
    ("Cherry-Pick Time (s)", attrgetter("metrics.times.cherry_pick")),
    ("Resolution Time (s)", attrgetter("metrics.resolution_time")),
    ("Topic IDs", lambda row: row.topics("label_id")),
    ("Topic Names", lambda row: row.topics("name")),
    ("Conversation URL", _created("url")),
    ("Last Updated", _time(attrgetter("conversation.updated_at"))),
    ("Language", _created("language")),
    ("CSAT Score", _survey(True, "score")),
    ("CSAT Completion Status", _csat_status),
    ("CSAT Follow-up Question", _survey(False, "text")),
    ("CSAT Follow-up Answer", _survey(True, "text")),
)
_NOT_OPEN = {"Resolution Reason", "Resolve Comment", "Resolve Trigger", "CSAT Score", "CSAT Completion Status",
             "CSAT Follow-up Question", "CSAT Follow-up Answer"}
OPEN_COLUMNS = tuple(column for column in RESOLVED_COLUMNS if column[0] not in _NOT_OPEN)


def _rows(state: ProjectionState, request: ExportRequest, selected) -> Iterator[ConversationRow]:
    wanted = channel_filter(state.live_conversations(), request)
    people, zone = state.people, request.zone
    for conversation in state.live_conversations():  # one at a time: they may be read from disk
        if wanted(conversation.creation.channel) and selected(conversation):
            yield ConversationRow(conversation, conversation_metrics(conversation, people), people, zone)


class ResolvedConversationsExport:
    name = "hootdesk-resolved"
    help = "Hootdesk conversations first resolved in the range, one per row (CSV, times in --timezone)."
    format = CsvFormat()
    columns = RESOLVED_COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_resolved_conversations.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[ConversationRow]:
        def first_resolved_in_range(conversation: ConversationState) -> bool:
            first = conversation.first_resolved_at
            return first is not None and request.in_range(first)

        return _rows(state, request, first_resolved_in_range)


class OpenConversationsExport:
    name = "hootdesk-open"
    help = "Hootdesk conversations New or Pending at the snapshot, whatever the range (CSV, times in --timezone)."
    format = CsvFormat()
    columns = OPEN_COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_open_conversations.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[ConversationRow]:
        return _rows(state, request, lambda conversation: conversation.status_at(request.as_of) in ("New", "Pending"))
