"""`hootdesk-users`: one row per agent with at least one presence interval overlapping the
range, with its figures for the range (spec §3.9, docs/metrics.md).

Available and Away Time are the agent's presence clipped to the range; the other figures
are the agent's rollup of the conversation activity inside the range
(`projections.hootdesk_rollups`), restricted to the conversations of the channels asked.
Presence is not tied to a channel, so with a channel filter Utilization is the share of the
agent's whole available time spent on those channels. Rows by agent id.

| Column | Projection field |
|---|---|
| User ID, User Name, User Email, User Reference | the agent id, its `AgentUpserted` (`People.agent`) |
| Available Time (s), Away Time (s) | `Interval.time_within` the range, summed by type, truncated once |
| Contacts Helped, Replies | `Tally.contacts` (how many), `Tally.replies` |
| Avg. Handle Time (s) | `Tally.average_handle()`: per conversation locked; empty without a lock |
| Handle / No-Reply / Cherry-Pick Time (s) | `Tally.handle`, `.no_reply`, `.cherry_pick` |
| Resolves - With Reply, Resolves - No Reply | `Tally.resolves_with_reply`, `.resolves_without_reply` |
| Tags Added, Topics Added | `Tally.tags_added`, `.topics_added` |
| Utilization (%) | Handle Time (s) / Available Time (s) × 100, one decimal, half up; empty without available time |
| CSAT With Score 1..5 | `Tally.csat` (answers in range, for the agent of the resolution they follow) |
"""
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter

from events.commands import ExportRequest
from projections.conversation_metrics import seconds
from projections.hootdesk_directory import People
from projections.hootdesk_rollups import Tally
from projections.presence import AVAILABLE, AWAY, ZERO
from projections.state import ProjectionState
from sinks.formats import CsvFormat
from sinks.hootdesk_presence import intervals_in_range, user_column
from sinks.hootdesk_rollup_rows import request_rollups

NO_ACTIVITY = Tally()


@dataclass(frozen=True, slots=True)
class UserRow:
    agent_id: str
    available: int  # seconds within the range
    away: int
    tally: Tally
    people: People

    @property
    def handle(self) -> int:
        return seconds(self.tally.handle)

    @property
    def utilization(self) -> str | None:
        """Handle time / available time × 100, from the row's whole seconds, to one decimal."""
        if not self.available:
            return None
        share = Decimal(self.handle) * 100 / Decimal(self.available)
        return str(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _seconds(field: str):
    return lambda row: seconds(getattr(row.tally, field))


def _average_handle(row: UserRow) -> int | None:
    average = row.tally.average_handle()
    return None if average is None else seconds(average)


COLUMNS = (
    ("User ID", attrgetter("agent_id")),
    ("User Name", user_column("name")),
    ("User Email", user_column("email")),
    ("User Reference", user_column("reference")),
    ("Available Time (s)", attrgetter("available")),
    ("Away Time (s)", attrgetter("away")),
    ("Contacts Helped", lambda row: len(row.tally.contacts)),
    ("Avg. Handle Time (s)", _average_handle),
    ("Handle Time (s)", attrgetter("handle")),
    ("No-Reply Time (s)", _seconds("no_reply")),
    ("Cherry-Pick Time (s)", _seconds("cherry_pick")),
    ("Replies", attrgetter("tally.replies")),
    ("Resolves - With Reply", attrgetter("tally.resolves_with_reply")),
    ("Resolves - No Reply", attrgetter("tally.resolves_without_reply")),
    ("Tags Added", attrgetter("tally.tags_added")),
    ("Topics Added", attrgetter("tally.topics_added")),
    ("Utilization (%)", attrgetter("utilization")),
    *((f"CSAT With Score {score}", lambda row, i=score - 1: row.tally.csat[i]) for score in range(1, 6)),
)


class UsersExport:
    name = "hootdesk-users"
    help = ("Hootdesk agents present (Available or Away) in the range, with their figures for the range "
            "(CSV; --channel restricts the conversation figures, not presence).")
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_users.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[UserRow]:
        tallies = request_rollups(state, request)  # checks the channel filter before the first row
        people = state.people
        for agent_id, found in intervals_in_range(state, request):
            time = {AVAILABLE: ZERO, AWAY: ZERO}
            for interval in found:
                time[interval.type] += interval.time_within(request.date_from, request.date_to)
            yield UserRow(agent_id, seconds(time[AVAILABLE]), seconds(time[AWAY]),
                          tallies.get(("agent", agent_id), NO_ACTIVITY), people)

