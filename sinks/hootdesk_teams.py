"""`hootdesk-teams`: one row per team with at least one outbound message in the range
(spec §3.4).

A team's figures are those of its agents (every agent having the team among its teams),
counted from the activity in the range (`projections.hootdesk_rollups`). Times are whole
seconds, truncated; averages are empty when there is nothing to average. Rows by team id.

| Column | Projection field |
|---|---|
| Created At | `Tally.first_at`: the team's first outbound message in the range |
| Team ID, Team Name | `TeamUpserted` (`People.team`) |
| Resolves With / Without Reply | `Tally.resolves_with_reply`, `.resolves_without_reply` |
| Average First Response Time, Average Resolution Time | `Tally.average_first_response()`, `.average_resolution()` |
| Total Handle / No-Reply / Cherry-Pick Time, Average Handle Time | `Tally.handle`, `.no_reply`, `.cherry_pick`, `.average_handle()` |
| Contacts Helped | `len(Tally.contacts)` |
| CSAT With Score 1–5 | `Tally.csat` (answers in the range, to the resolving agent) |
| Tags Added, Topics Added, Replies | `Tally.tags_added`, `.topics_added`, `.replies` |
"""
from collections.abc import Iterator
from operator import attrgetter

from events.commands import ExportRequest
from projections.hootdesk_rollups import team_ids, team_rollup
from projections.state import ProjectionState
from sinks.formats import CsvFormat, local_time
from sinks.hootdesk_rollup_rows import RollupRow, how_many, request_rollups, whole_seconds


def _team_name(row: RollupRow) -> str | None:
    team = row.people.team(row.owner_id)
    return None if team is None else team.name


def _csat(score: int):
    return lambda row: row.tally.csat[score - 1]


COLUMNS = (
    ("Created At", lambda row: local_time(row.tally.first_at, row.zone)),
    ("Team ID", attrgetter("owner_id")),
    ("Team Name", _team_name),
    ("Resolves With Reply", attrgetter("tally.resolves_with_reply")),
    ("Resolves Without Reply", attrgetter("tally.resolves_without_reply")),
    ("Average First Response Time", whole_seconds(lambda tally: tally.average_first_response())),
    ("Average Resolution Time", whole_seconds(lambda tally: tally.average_resolution())),
    ("Total Handle Time", whole_seconds(attrgetter("handle"))),
    ("Total No-Reply Time", whole_seconds(attrgetter("no_reply"))),
    ("Total Cherry-Pick Time", whole_seconds(attrgetter("cherry_pick"))),
    ("Average Handle Time", whole_seconds(lambda tally: tally.average_handle())),
    ("Contacts Helped", how_many("contacts")),
    *((f"CSAT With Score {score}", _csat(score)) for score in range(1, 6)),
    ("Tags Added", attrgetter("tally.tags_added")),
    ("Topics Added", attrgetter("tally.topics_added")),
    ("Replies", attrgetter("tally.replies")),
)


class TeamsExport:
    name = "hootdesk-teams"
    help = ("Hootdesk teams with an outbound message in the range, their figures over the range "
            "(CSV; --channel restricts the conversations counted).")
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_teams.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
        found, people = request_rollups(state, request), state.people
        for team_id in sorted(team_ids(found, people)):
            tally = team_rollup(found, people, team_id)
            if tally.replies:
                yield RollupRow(("team", team_id), tally, people, request.zone)
