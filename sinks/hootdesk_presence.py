"""`hootdesk-presence`: one row per presence interval of an agent that overlaps the range
(spec §3.8, docs/metrics.md).

An interval starting or ending outside the range is listed whole, with its full duration;
the one still running is closed at the snapshot's as-of time. Presence is not tied to a
channel: the channel filter does not apply. Rows by agent id, then interval start.

| Column | Projection field |
|---|---|
| User ID, User Name, User Email | `PresenceState.agent_id`, its `AgentUpserted` (`People.agent`) |
| Type, Away State | `Interval.type` (Available or Away), `Interval.away_state` |
| From, To, Duration (s) | `Interval.start`, `.end`, `.duration` (whole seconds, truncated) |
"""
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo
from operator import attrgetter

from events.commands import ExportRequest
from projections.conversation_metrics import seconds
from projections.hootdesk_directory import People
from projections.presence import Interval, intervals
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time


@dataclass(frozen=True, slots=True)
class PresenceRow:
    agent_id: str
    interval: Interval
    people: People
    zone: tzinfo


def user_column(field: str):
    """A field of the row's agent (`row.agent_id`) from the directory; empty for an agent it does not know."""

    def column(row) -> str | None:
        agent = row.people.agent(row.agent_id)
        return None if agent is None else getattr(agent, field)

    return column


COLUMNS = (
    ("User ID", attrgetter("agent_id")),
    ("User Name", user_column("name")),
    ("User Email", user_column("email")),
    ("Type", attrgetter("interval.type")),
    ("Away State", attrgetter("interval.away_state")),
    ("From", lambda row: local_time(row.interval.start, row.zone)),
    ("To", lambda row: local_time(row.interval.end, row.zone)),
    ("Duration (s)", lambda row: seconds(row.interval.duration)),
)


def intervals_in_range(state: ProjectionState, request: ExportRequest) -> Iterator[tuple[str, list[Interval]]]:
    """Each agent with at least one presence interval overlapping the range, by agent id,
    with those intervals."""
    as_of: datetime | None = request.as_of or state.last_event_at()
    presence = state.presence
    for agent_id in sorted(presence):
        found = [interval for interval in intervals(presence[agent_id], as_of)
                 if interval.overlaps(request.date_from, request.date_to)]
        if found:
            yield agent_id, found


class PresenceExport:
    name = "hootdesk-presence"
    help = ("Hootdesk agents' Available and Away intervals overlapping the range, whole (CSV, times in "
            "--timezone; presence has no channel: --channel does not apply).")
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_user_presence.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[PresenceRow]:
        people, zone = state.people, request.zone
        for agent_id, found in intervals_in_range(state, request):
            for interval in found:
                yield PresenceRow(agent_id, interval, people, zone)
