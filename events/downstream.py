"""What deskstream publishes for dashboards: metric records, Avro-encoded.

`TicketMetrics` goes to the compacted ticket-metrics topic, keyed by ticket id, each
time a ticket's metrics change; `ConversationMetrics` likewise to the conversation-metrics
topic, keyed by conversation id; `Rollup` to the agent- and team-rollup topics;
`HootdeskFigures` to the Hootdesk agent- and team-figures topics. The schema
is generated from the Structs like the input events' (see `events.avro`) and committed as
`events/schemas/deskstream.downstream.avsc` for consumers in other languages.
"""
import io
import json
from pathlib import Path

import fastavro
import msgspec

from events.avro import builtins, record_schema
from events.base import UtcDatetime

NAMESPACE = "deskstream.downstream"
SCHEMA_FILE = Path(__file__).parent / "schemas" / f"{NAMESPACE}.avsc"


class Minutes(msgspec.Struct, frozen=True, gc=False):
    calendar: int
    business: int


class TicketMetrics(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Every metric of one ticket (docs/metrics.md); None where a metric has no value yet."""

    ticket_id: int
    created_at: UtcDatetime
    updated_at: UtcDatetime
    group_stations: int
    assignee_stations: int
    reopens: int
    replies: int
    assigned_at: UtcDatetime | None
    initially_assigned_at: UtcDatetime | None
    solved_at: UtcDatetime | None
    status_updated_at: UtcDatetime
    reply_time: Minutes | None
    first_resolution_time: Minutes | None
    full_resolution_time: Minutes | None
    agent_wait_time: Minutes | None
    requester_wait_time: Minutes | None
    on_hold_time: Minutes | None
    # Added for dashboards (defaults keep older records readable): where the ticket is now.
    status: str | None = None
    group_id: int | None = None
    assignee_id: int | None = None


class ConversationMetrics(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One conversation's metrics: durations in whole seconds (truncated), None where a
    metric has no value yet; the lock times count locks that have ended."""

    conversation_id: str
    channel: str
    status: str
    created_at: UtcDatetime
    updated_at: UtcDatetime
    inbound_messages: int
    outbound_messages: int
    first_response_time: int | None
    resolved_at: UtcDatetime | None
    resolution_time: int | None
    handle_time: int
    no_reply_time: int
    cherry_pick_time: int


class Rollup(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Totals over the tickets an agent (assignee) or a team (group) holds right now.

    Published to the agent-rollups and team-rollups topics, keyed by `owner`
    ("agent:11", "group:3"), each time one of those tickets changes. Averages are left
    to the dashboard: each sum comes with the count of tickets it adds up.
    """

    owner: str
    unsolved_tickets: int
    solved_tickets: int
    reopens: int
    replies: int
    replied_tickets: int
    reply_minutes: Minutes
    resolved_tickets: int
    full_resolution_minutes: Minutes
    # Added for the dashboard (default keeps older records readable).
    owner_name: str | None = None  # the agent's or group's name when the rollup changed; None: unknown


class HootdeskFigures(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """All-time figures of a Hootdesk agent ("agent:ID") or team ("team:ID"), as the users
    and teams exports count them (projections.hootdesk_figures), and an agent's presence now.

    Published to the Hootdesk agent- and team-figures topics, keyed by `owner`, each time
    one of its conversations or the agent's presence changes. Durations are whole seconds
    (truncated) of exact sums; an average is a sum divided by the count beside it.
    """

    owner: str
    conversations: int  # conversations the owner has figures from
    first_reply_at: UtcDatetime | None
    replies: int
    contacts_helped: int
    resolves_with_reply: int
    resolves_without_reply: int
    first_response_seconds: int
    first_responses: int
    resolution_seconds: int
    resolutions: int
    handle_seconds: int
    handled_conversations: int  # the conversations locked, which handle_seconds adds up
    no_reply_seconds: int
    cherry_pick_seconds: int
    tags_added: int
    topics_added: int
    csat_score_1: int
    csat_score_2: int
    csat_score_3: int
    csat_score_4: int
    csat_score_5: int
    available: bool | None  # None for a team, and for an agent with no presence yet
    away_state: str | None  # the away state's name while away
    presence_since: UtcDatetime | None  # when the agent's current presence began
    # Added for the dashboard (defaults keep older records readable).
    open_conversations: int = 0  # of `conversations`, those New or Pending now
    owner_name: str | None = None  # the agent's or team's name when the figures changed; None: unknown
    team_ids: tuple[str, ...] = ()  # an agent's teams when the figures changed (a team's: empty)


def _branch_name(branch: str | dict) -> str:
    """How fastavro names a union branch: a named type by its full name, another by its type."""
    if isinstance(branch, str):
        return branch
    return branch["name"] if branch["type"] in ("record", "enum", "fixed") else branch["type"]


class AvroCodec:
    """Schemaless Avro bytes of one downstream record type."""

    def __init__(self, cls: type[msgspec.Struct]):
        self.cls = cls
        self.schema = record_schema(cls, namespace=NAMESPACE)
        self._parsed = fastavro.parse_schema(self.schema)
        # Each nullable field's value handed to fastavro tagged with its branch ("tuple
        # notation"): untagged, fastavro validates the value against each branch of the
        # union to find its own, two thirds of a TicketMetrics record's encoding.
        self._nullable = {f["name"]: _branch_name(f["type"][1]) for f in self._parsed["fields"]
                          if isinstance(f["type"], list) and len(f["type"]) == 2 and f["type"][0] == "null"}
        # Fields with a default were added later (at the end), a few at a time; a record written
        # before some of them is read with the schema it was written with, and gets their defaults.
        fields = self.schema["fields"]
        first = next((i for i, f in enumerate(fields) if "default" in f), len(fields))
        self._earlier = [fastavro.parse_schema({**self.schema, "fields": fields[:end]})
                         for end in range(len(fields) - 1, first - 1, -1)]  # the longest first

    def encode(self, value: msgspec.Struct) -> bytes:
        fields = builtins(value)
        for name, branch in self._nullable.items():
            given = fields[name]
            fields[name] = ("null", None) if given is None else (branch, given)
        buffer = io.BytesIO()
        fastavro.schemaless_writer(buffer, self._parsed, fields)
        return buffer.getvalue()

    def decode(self, data: bytes) -> msgspec.Struct:
        try:
            fields = fastavro.schemaless_reader(io.BytesIO(data), self._parsed)
        except EOFError:  # written before some added fields
            fields = self._read_older(data)
        return msgspec.convert(fields, self.cls)

    def _read_older(self, data: bytes) -> dict:
        # A schema longer than the one that wrote the record runs out of its bytes.
        for writer in self._earlier:
            try:
                return fastavro.schemaless_reader(io.BytesIO(data), writer, self._parsed)
            except EOFError:
                continue
        raise EOFError(f"a {self.cls.__name__} record shorter than its first schema")


TICKET_METRICS = AvroCodec(TicketMetrics)
CONVERSATION_METRICS = AvroCodec(ConversationMetrics)
ROLLUP = AvroCodec(Rollup)
HOOTDESK_FIGURES = AvroCodec(HootdeskFigures)


def schema_json() -> str:
    """Every record, as committed in SCHEMA_FILE (Minutes defined once, then named)."""
    named: set[str] = set()
    records = [record_schema(cls, named, NAMESPACE)
               for cls in (TicketMetrics, ConversationMetrics, Rollup, HootdeskFigures)]
    return json.dumps(records, indent=2) + "\n"
