import io
from datetime import UTC, datetime

import fastavro
import msgspec

from events import downstream
from events.avro import builtins
from events.downstream import CONVERSATION_METRICS, TICKET_METRICS, ConversationMetrics, Minutes, TicketMetrics


def test_committed_downstream_schema_matches_the_structs():
    assert downstream.SCHEMA_FILE.read_text() == downstream.schema_json()


def test_ticket_metrics_round_trip_through_avro():
    # given metrics with some values still empty
    metrics = TicketMetrics(
        ticket_id=42, created_at=datetime(2026, 3, 2, 9, tzinfo=UTC), updated_at=datetime(2026, 3, 2, 11, tzinfo=UTC),
        group_stations=1, assignee_stations=2, reopens=0, replies=1, assigned_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        initially_assigned_at=None, solved_at=None, status_updated_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
        reply_time=Minutes(90, 60), first_resolution_time=None, full_resolution_time=None,
        agent_wait_time=None, requester_wait_time=Minutes(30, 30), on_hold_time=Minutes(0, 0),
    )
    # then
    assert TICKET_METRICS.decode(TICKET_METRICS.encode(metrics)) == metrics


def test_conversation_metrics_round_trip_through_avro():
    # given a conversation answered but not resolved
    metrics = ConversationMetrics(
        conversation_id="c-1", channel="whatsapp", status="Pending", created_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        updated_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC), inbound_messages=2, outbound_messages=1,
        first_response_time=125, resolved_at=None, resolution_time=None, handle_time=300, no_reply_time=0,
        cherry_pick_time=60,
    )
    # then
    assert CONVERSATION_METRICS.decode(CONVERSATION_METRICS.encode(metrics)) == metrics


def test_ticket_metrics_written_before_the_dashboard_fields_read_with_their_defaults():
    # given a record written with the schema before status, group_id and assignee_id
    metrics = TicketMetrics(
        ticket_id=7, created_at=datetime(2026, 3, 2, 9, tzinfo=UTC), updated_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
        group_stations=0, assignee_stations=0, reopens=0, replies=0, assigned_at=None, initially_assigned_at=None,
        solved_at=None, status_updated_at=datetime(2026, 3, 2, 9, tzinfo=UTC), reply_time=None,
        first_resolution_time=None, full_resolution_time=None, agent_wait_time=None, requester_wait_time=None,
        on_hold_time=None, status="open", group_id=3, assignee_id=11,
    )
    first = {**TICKET_METRICS.schema,
             "fields": [f for f in TICKET_METRICS.schema["fields"] if f["name"] not in ("status", "group_id", "assignee_id")]}
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(first), builtins(metrics))
    # when
    read = TICKET_METRICS.decode(buffer.getvalue())
    # then
    assert read == msgspec.structs.replace(metrics, status=None, group_id=None, assignee_id=None)
    assert TICKET_METRICS.decode(TICKET_METRICS.encode(metrics)) == metrics
