import json
from datetime import datetime
from zoneinfo import ZoneInfo

from events import TicketDeleted
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from events.commands import ExportRequest
from tests.projections.tickets_story import ANA, at, comment, created, people, schedule, status


def _state(*events) -> ProjectionState:
    state = ProjectionState()
    for event in people() + [schedule()] + list(events):
        state.apply(event)
    return state


def _export(state, tmp_path, **options):
    result = write_export(get_export("ticket-metrics"), state, ExportRequest(export="ticket-metrics", **options), tmp_path)
    return result, [json.loads(line) for line in (tmp_path / "ticket_metrics.ndjson").read_text().splitlines()]


def test_ticket_metrics_export_writes_zendesk_api_objects(tmp_path):
    # given a ticket answered after 90 minutes, solved after 2 hours, and a fresh one
    state = _state(
        created(at("03-02 09:00"), ticket_id=1, assignee_id=ANA, group_id=3),
        comment(at("03-02 10:30"), ANA, ticket_id=1),
        status(at("03-02 11:00"), "solved", ticket_id=1),
        created(at("03-02 12:00:45"), ticket_id=2),
    )
    # when
    result, rows = _export(state, tmp_path)
    # then
    assert result.rows == 2
    assert rows[0] == {
        "ticket_id": 1,
        "created_at": "2026-03-02T09:00:00Z",
        "updated_at": "2026-03-02T11:00:00Z",
        "group_stations": 1,
        "assignee_stations": 1,
        "reopens": 0,
        "replies": 1,
        "assigned_at": "2026-03-02T09:00:00Z",
        "initially_assigned_at": "2026-03-02T09:00:00Z",
        "solved_at": "2026-03-02T11:00:00Z",
        "status_updated_at": "2026-03-02T11:00:00Z",
        "reply_time_in_minutes": {"calendar": 90, "business": 90},
        "first_resolution_time_in_minutes": {"calendar": 120, "business": 120},
        "full_resolution_time_in_minutes": {"calendar": 120, "business": 120},
        "agent_wait_time_in_minutes": {"calendar": 0, "business": 0},  # solved, never pending
        "requester_wait_time_in_minutes": {"calendar": 120, "business": 120},
        "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
    }
    assert rows[1]["ticket_id"] == 2 and rows[1]["created_at"] == "2026-03-02T12:00:45Z"
    assert rows[1]["reply_time_in_minutes"] == {"calendar": None, "business": None}


def test_ticket_metrics_export_leaves_out_deleted_tickets(tmp_path):
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        TicketDeleted(event_id="d", occurred_at=at("03-02 10:00"), ticket_id=2),
    )
    _, rows = _export(state, tmp_path)
    assert [r["ticket_id"] for r in rows] == [1]


def test_ticket_metrics_export_range_is_on_last_update(tmp_path):
    # given ticket 1 last updated Monday, ticket 2 Tuesday
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        status(at("03-03 09:00"), "open", ticket_id=2),
    )
    # when asking for Tuesday only
    _, rows = _export(state, tmp_path, date_from=at("03-03 00:00"), date_to=at("03-04 00:00"))
    # then
    assert [r["ticket_id"] for r in rows] == [2]


def test_ticket_metrics_export_writes_times_in_utc_to_the_second(tmp_path):
    # given a ticket created at 10:00:45.5 Paris time (UTC+1 in March)
    paris = datetime(2026, 3, 2, 10, 0, 45, 500000, tzinfo=ZoneInfo("Europe/Paris"))
    state = _state(created(paris, ticket_id=1))
    # when
    _, rows = _export(state, tmp_path)
    # then
    assert rows[0]["created_at"] == "2026-03-02T09:00:45Z"
