"""What deskstream publishes for dashboards: metric records, Avro-encoded.

`TicketMetrics` goes to the compacted ticket-metrics topic, keyed by ticket id, each
time a ticket's metrics change. The schema is generated from the Structs like the
input events' (see `events.avro`) and committed as
`events/schemas/deskstream.downstream.avsc` for consumers in other languages.
"""
import io
import json
from functools import cache
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
    """Every metric of one ticket (semantics.md); None where a metric has no value yet."""

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


def metrics_schema() -> dict:
    return record_schema(TicketMetrics, namespace=NAMESPACE)


@cache
def _parsed() -> dict:
    return fastavro.parse_schema(metrics_schema())


def encode_metrics(metrics: TicketMetrics) -> bytes:
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, _parsed(), builtins(metrics))
    return buffer.getvalue()


def decode_metrics(data: bytes) -> TicketMetrics:
    return msgspec.convert(fastavro.schemaless_reader(io.BytesIO(data), _parsed()), TicketMetrics)


def schema_json() -> str:
    return json.dumps(metrics_schema(), indent=2) + "\n"
