"""`hootdesk-virtual-agents` (spec §3.11): one row per virtual agent and channel with
activity in the range: a message sent, a handover, a resolve, a topic or a tag applied.

| Column | Projection field |
|---|---|
| Agent ID, Agent Name | the rollup key, `AgentUpserted.name` (`People.agent`) |
| Medium, Channel, Channel Display Name | the rollup key: the conversation's |
| Total Conversations | `len(Tally.conversations)`: conversations it sent a message in, in the range |
| Handover To Agent, Handover Due To Error | `len(Tally.handovers)`, `len(Tally.error_handovers)` |
| Resolved | `Tally.resolves` |
| Total Conversations With Topic | `Tally.topics_added`: the topics it applied (the seed's definition) |
| Total Tagged Messages | `len(Tally.messages)`: the messages it tagged |
| The Total Number of Tagged Messages | `Tally.tags_added`: the tags it applied, one per tag and message |
"""
from collections.abc import Iterator
from operator import attrgetter

from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.formats import CsvFormat
from sinks.hootdesk_rollup_rows import CHANNEL_COLUMNS, RollupRow, how_many, rows_of


def _agent_name(row: RollupRow) -> str | None:
    agent = row.people.agent(row.owner_id)
    return None if agent is None else agent.name


COLUMNS = (
    ("Agent ID", attrgetter("owner_id")),
    ("Agent Name", _agent_name),
    *CHANNEL_COLUMNS,
    ("Total Conversations", how_many("conversations")),
    ("Handover To Agent", how_many("handovers")),
    ("Handover Due To Error", how_many("error_handovers")),
    ("Resolved", attrgetter("tally.resolves")),
    ("Total Conversations With Topic", attrgetter("tally.topics_added")),
    ("Total Tagged Messages", how_many("messages")),
    ("The Total Number of Tagged Messages", attrgetter("tally.tags_added")),
)


class VirtualAgentsExport:
    name = "hootdesk-virtual-agents"
    help = "Hootdesk virtual agents' figures over the range, one row per virtual agent and channel (CSV)."
    format = CsvFormat()
    columns = COLUMNS

    def file_name(self, request: ExportRequest) -> str:
        return "hootdesk_virtual_agents.csv"

    def rows(self, state: ProjectionState, request: ExportRequest) -> Iterator[RollupRow]:
        return iter(rows_of(state, request, "virtual_agent"))
