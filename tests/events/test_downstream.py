import io
from datetime import UTC, datetime

import fastavro
import msgspec

from events import downstream
from events.avro import builtins
from events.downstream import (
    CONVERSATION_METRICS, HOOTDESK_FIGURES, ROLLUP, TICKET_METRICS, ConversationMetrics, HootdeskFigures, Minutes,
    Rollup, TicketMetrics,
)


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


def _written_without(codec, record, added: tuple[str, ...]) -> bytes:
    """The record's bytes as the schema before the `added` fields wrote them."""
    before = {**codec.schema, "fields": [f for f in codec.schema["fields"] if f["name"] not in added]}
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, fastavro.parse_schema(before), builtins(record))
    return buffer.getvalue()


def _figures(**fields) -> HootdeskFigures:
    """Figures of 3 conversations (4 replies, 2 first responses), with `fields` on top."""
    return HootdeskFigures(**{
        "conversations": 3, "first_reply_at": None, "replies": 4, "contacts_helped": 2, "resolves_with_reply": 1,
        "resolves_without_reply": 0, "first_response_seconds": 180, "first_responses": 2, "resolution_seconds": 0,
        "resolutions": 0, "handle_seconds": 0, "handled_conversations": 0, "no_reply_seconds": 0,
        "cherry_pick_seconds": 0, "tags_added": 0, "topics_added": 0, "csat_score_1": 0, "csat_score_2": 0,
        "csat_score_3": 0, "csat_score_4": 0, "csat_score_5": 0, "away_state": None, "presence_since": None,
        **fields})


def test_figures_and_rollups_written_before_the_names_and_open_count_read_with_their_defaults():
    # given a team's figures and a group's rollup, named, written before those fields existed
    figures = _figures(owner="team:care", available=None, open_conversations=1, owner_name="Customer care")
    rollup = Rollup(owner="group:3", unsolved_tickets=1, solved_tickets=0, reopens=0, replies=0, replied_tickets=0,
                    reply_minutes=Minutes(0, 0), resolved_tickets=0, full_resolution_minutes=Minutes(0, 0),
                    owner_name="Support")
    # when
    added = ("open_conversations", "owner_name")
    old_figures = HOOTDESK_FIGURES.decode(_written_without(HOOTDESK_FIGURES, figures, added))
    old_rollup = ROLLUP.decode(_written_without(ROLLUP, rollup, ("owner_name",)))
    # then
    assert old_figures == msgspec.structs.replace(figures, open_conversations=0, owner_name=None)
    assert old_rollup == msgspec.structs.replace(rollup, owner_name=None)
    assert (HOOTDESK_FIGURES.decode(HOOTDESK_FIGURES.encode(figures)), ROLLUP.decode(ROLLUP.encode(rollup))) == (
        figures, rollup)


def test_figures_written_before_the_agent_teams_keep_their_name_and_open_count():
    # given an agent's figures written with its name and open count, before `team_ids` existed
    figures = _figures(owner="agent:a1", available=True, open_conversations=1, owner_name="Léa", team_ids=("chat",))
    # when
    old = HOOTDESK_FIGURES.decode(_written_without(HOOTDESK_FIGURES, figures, ("team_ids",)))
    # then: only the field it was written without takes its default
    assert old == msgspec.structs.replace(figures, team_ids=())
    assert HOOTDESK_FIGURES.decode(HOOTDESK_FIGURES.encode(figures)) == figures


def untagged(codec, record) -> bytes:
    """fastavro's own bytes for `record`, each union's branch found by fastavro."""
    buffer = io.BytesIO()
    fastavro.schemaless_writer(buffer, codec.schema, builtins(record))
    return buffer.getvalue()


def test_nullable_fields_tagged_with_their_branch_encode_as_fastavro_finds_them():
    # given records with each kind of nullable field both set and empty
    when = datetime(2026, 3, 2, 9, tzinfo=UTC)
    set_metrics = TicketMetrics(
        ticket_id=7, created_at=when, updated_at=when, group_stations=1, assignee_stations=1, reopens=1, replies=2,
        assigned_at=when, initially_assigned_at=when, solved_at=when, status_updated_at=when,
        reply_time=Minutes(90, 60), first_resolution_time=Minutes(120, 60), full_resolution_time=Minutes(150, 90),
        agent_wait_time=Minutes(10, 5), requester_wait_time=Minutes(30, 30), on_hold_time=Minutes(0, 0),
        status="solved", group_id=3, assignee_id=11,
    )
    empty_metrics = msgspec.structs.replace(
        set_metrics, assigned_at=None, initially_assigned_at=None, solved_at=None, reply_time=None,
        first_resolution_time=None, full_resolution_time=None, agent_wait_time=None, requester_wait_time=None,
        on_hold_time=None, status=None, group_id=None, assignee_id=None)
    figures = HootdeskFigures(
        owner="agent:a1", conversations=2, first_reply_at=when, replies=3, contacts_helped=2, resolves_with_reply=1,
        resolves_without_reply=0, first_response_seconds=60, first_responses=1, resolution_seconds=600,
        resolutions=1, handle_seconds=300, handled_conversations=1, no_reply_seconds=0, cherry_pick_seconds=0,
        tags_added=1, topics_added=0, csat_score_1=0, csat_score_2=0, csat_score_3=0, csat_score_4=1, csat_score_5=0,
        available=False, away_state="Lunch", presence_since=when, owner_name="Ana", team_ids=("t1",),
    )
    team = msgspec.structs.replace(figures, owner="team:t1", first_reply_at=None, available=None, away_state=None,
                                   presence_since=None, owner_name=None, team_ids=())
    cases = [(TICKET_METRICS, set_metrics), (TICKET_METRICS, empty_metrics), (HOOTDESK_FIGURES, figures),
             (HOOTDESK_FIGURES, team)]
    # when each is encoded
    encoded = [codec.encode(record) for codec, record in cases]
    # then the bytes are those fastavro writes when it finds each branch itself
    assert encoded == [untagged(codec, record) for codec, record in cases]
    assert [codec.decode(data) for (codec, _), data in zip(cases, encoded)] == [record for _, record in cases]
