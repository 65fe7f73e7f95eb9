import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from events import (
    OrganizationUpserted,
    TicketDeleted,
    TicketFieldsChanged,
    TicketSatisfactionRated,
    TicketTagsChanged,
    UserUpserted,
)
from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from tests.projections.tickets_story import ANA, BOB, REQUESTER, at, comment, created, people, schedule, status
from tests.sinks.read_back import export_bytes


def _state(*events) -> ProjectionState:
    state = ProjectionState()
    for event in people() + [schedule()] + list(events):
        state.apply(event)
    return state


def _export(state, tmp_path, **options) -> tuple[int, list[dict]]:
    """The rows counted and every line read back as JSON."""
    request = ExportRequest(export="zendesk-json", **options)
    result = write_export(get_export("zendesk-json"), state, request, tmp_path)
    return result.rows, [json.loads(line) for line in export_bytes(result).splitlines()]


def _ticket_metrics_line(state, tmp_path) -> dict:
    result = write_export(get_export("ticket-metrics"), state, ExportRequest(export="ticket-metrics"), tmp_path)
    return json.loads(export_bytes(result))


def _tickets(lines: list[dict]) -> list[dict]:
    return [line["ticket"] for line in lines if "ticket" in line]


def test_zendesk_json_writes_a_ticket_with_its_comments_and_metrics(tmp_path):
    # given a ticket answered after 90 minutes, with an internal note, solved after 2 hours, rated good
    state = _state(
        created(at("03-02 09:00"), ticket_id=1, assignee_id=ANA, group_id=3, subject="Printer on fire",
                description="It smokes.", priority="normal", ticket_type="incident", via="email",
                organization_id=4, tags=("printer",), due_at=at("03-06 17:00", "Europe/Paris"),
                external_id="legacy-9"),
        comment(at("03-02 10:30"), ANA, ticket_id=1, body="Unplug it, please.", comment_id=501),
        comment(at("03-02 10:45"), BOB, public=False, ticket_id=1, body="Second fire this week.", comment_id=502),
        status(at("03-02 11:00"), "solved", ticket_id=1),
        TicketFieldsChanged(event_id="f1", occurred_at=at("03-02 11:00"), ticket_id=1,
                            changes={"custom_fields.360002": "INV-1", "custom_fields.17": "blue"}),
        TicketTagsChanged(event_id="t1", occurred_at=at("03-02 11:00"), ticket_id=1, tags=("printer", "fire")),
        TicketSatisfactionRated(event_id="r1", occurred_at=at("03-02 11:30"), ticket_id=1, score="good",
                                comment="Thanks!"),
    )
    # when
    rows, lines = _export(state, tmp_path)
    # then
    metric_set = _tickets(lines)[0]["metric_set"]
    assert metric_set == _ticket_metrics_line(state, tmp_path)  # the ticket-metrics export's object
    assert metric_set["reply_time_in_minutes"] == {"calendar": 90, "business": 90}
    assert metric_set["solved_at"] == "2026-03-02T11:00:00Z"
    assert _tickets(lines) == [{
        "id": 1,
        "external_id": "legacy-9",
        "via": {"channel": "email"},
        "created_at": "2026-03-02T09:00:00Z",
        "updated_at": "2026-03-02T11:30:00Z",
        "type": "incident",
        "subject": "Printer on fire",
        "description": "It smokes.",
        "priority": "normal",
        "status": "solved",
        "requester_id": REQUESTER,
        "submitter_id": REQUESTER,
        "assignee_id": ANA,
        "organization_id": 4,
        "group_id": 3,
        "brand_id": None,
        "tags": ["printer", "fire"],
        "due_at": "2026-03-06T16:00:00Z",
        "satisfaction_rating": {"score": "good", "comment": "Thanks!"},
        "custom_fields": [{"id": 17, "value": "blue"}, {"id": 360002, "value": "INV-1"}],
        "comments": [
            {"id": None, "author_id": REQUESTER, "public": True, "body": "It smokes.",
             "created_at": "2026-03-02T09:00:00Z"},
            {"id": 501, "author_id": ANA, "public": True, "body": "Unplug it, please.",
             "created_at": "2026-03-02T10:30:00Z"},
            {"id": 502, "author_id": BOB, "public": False, "body": "Second fire this week.",
             "created_at": "2026-03-02T10:45:00Z"},
        ],
        "metric_set": metric_set,
    }]
    assert rows == len(lines) == 1 + 3  # the ticket, then the three people of `people()`


def test_zendesk_json_satisfaction_is_unoffered_until_a_survey_is_sent(tmp_path):
    # given a fresh ticket
    state = _state(created(at("03-02 09:00")))
    # when
    _, lines = _export(state, tmp_path)
    # then
    assert _tickets(lines)[0]["satisfaction_rating"] == {"score": "unoffered", "comment": None}


def test_zendesk_json_writes_users_and_organizations_as_their_own_lines(tmp_path):
    # given an organization and its user, with tags
    state = _state(
        OrganizationUpserted(event_id="o4", occurred_at=at("02-01 08:00"), organization_id=4, name="Acme",
                             domain_names=("acme.example",), tags=("b2b",)),
        UserUpserted(event_id="u20", occurred_at=at("02-03 08:00:30"), user_id=20, name="Zoé", email="zoe@acme.example",
                     organization_id=4, external_id="crm-20", tags=("vip",)),
    )
    # when
    _, lines = _export(state, tmp_path)
    # then the tickets (none) first, then users by id, then organizations
    assert [next(iter(line)) for line in lines] == ["user"] * 4 + ["organization"]
    assert lines[3] == {"user": {
        "id": 20, "name": "Zoé", "email": "zoe@acme.example", "role": "end-user", "organization_id": 4,
        "external_id": "crm-20", "tags": ["vip"], "updated_at": "2026-02-03T08:00:30Z",
    }}
    assert lines[4] == {"organization": {
        "id": 4, "name": "Acme", "domain_names": ["acme.example"], "tags": ["b2b"], "updated_at": "2026-02-01T08:00:00Z",
    }}


def test_zendesk_json_range_is_on_each_items_latest_update(tmp_path):
    # given ticket 1 last updated Monday, ticket 2 Tuesday; user 20 upserted Monday then
    # Tuesday, user 21 Monday only; organization 4 on Tuesday
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        status(at("03-03 09:00"), "open", ticket_id=2),
        UserUpserted(event_id="u20a", occurred_at=at("03-02 08:00"), user_id=20, name="Zoé"),
        UserUpserted(event_id="u20b", occurred_at=at("03-03 08:00"), user_id=20, name="Zoé Martin"),
        UserUpserted(event_id="u21", occurred_at=at("03-02 08:00"), user_id=21, name="Yann"),
        OrganizationUpserted(event_id="o4", occurred_at=at("03-03 12:00"), organization_id=4, name="Acme"),
    )
    # when asking for Tuesday only
    _, lines = _export(state, tmp_path, date_from=at("03-03 00:00"), date_to=at("03-04 00:00"))
    # then
    assert [(kind, item["id"]) for line in lines for kind, item in line.items()] == [
        ("ticket", 2), ("user", 20), ("organization", 4),
    ]
    assert lines[1]["user"]["name"] == "Zoé Martin"


def test_zendesk_json_leaves_out_deleted_tickets(tmp_path):
    # given ticket 2 deleted
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        TicketDeleted(event_id="d", occurred_at=at("03-02 10:00"), ticket_id=2),
    )
    # when
    _, lines = _export(state, tmp_path)
    # then
    assert [ticket["id"] for ticket in _tickets(lines)] == [1]


TRICKY = 'a < b & "c" ]]> 🔥 nul\x00 vt\x0b bell\x07 \ufffe\uffff\r\nend'


def test_zendesk_json_keeps_every_character_of_a_comment_and_a_name(tmp_path):
    # given markup, an emoji, control characters and non-characters in a comment body and a user name
    state = _state(
        created(at("03-02 09:00")),
        comment(at("03-02 10:00"), ANA, body=TRICKY),
        UserUpserted(event_id="u20", occurred_at=at("03-02 08:00"), user_id=20, name=TRICKY),
    )
    # when
    _, lines = _export(state, tmp_path)
    # then JSON escapes what it must and loses nothing
    assert _tickets(lines)[0]["comments"][1]["body"] == TRICKY
    assert lines[-1]["user"]["name"] == TRICKY


def test_zendesk_json_streams_any_size_without_the_1_mb_limit(tmp_path):
    # given a ticket whose comment alone is over 1 MB, where Zendesk would drop its comments
    body = "log line\n" * 150_000  # 1,350,000 bytes
    state = _state(created(at("03-02 09:00")), comment(at("03-02 10:00"), REQUESTER, body=body))
    # when
    _, lines = _export(state, tmp_path)
    # then
    assert _tickets(lines)[0]["comments"][1]["body"] == body


def test_zendesk_json_writes_every_record_across_batches(tmp_path):
    # given more tickets than the format encodes at once
    state = _state(*(created(at("03-02 09:00"), ticket_id=n) for n in range(1, 201)))
    # when
    rows, lines = _export(state, tmp_path)
    # then
    assert [ticket["id"] for ticket in _tickets(lines)] == list(range(1, 201))
    assert rows == 200 + 3


@pytest.mark.parametrize(
    "due_at, written",
    [
        ("2026-03-06T17:00:00+01:00", "2026-03-06T16:00:00Z"),
        ("2026-03-06T16:00:00", "2026-03-06T16:00:00Z"),  # no offset: UTC, like every event time
        ("next friday", "next friday"),  # not a time: kept as it was given
        (None, None),
    ],
)
def test_zendesk_json_due_at_is_utc_and_text_that_is_no_time_is_kept(tmp_path, due_at, written):
    # given
    state = _state(
        created(at("03-02 09:00")),
        TicketFieldsChanged(event_id="f", occurred_at=at("03-02 10:00"), ticket_id=1, changes={"due_at": due_at}),
    )
    # when
    _, lines = _export(state, tmp_path)
    # then
    assert _tickets(lines)[0]["due_at"] == written


def test_zendesk_json_times_are_utc_to_the_second(tmp_path):
    # given a ticket created at 10:00:45.5 Paris time (UTC+1 in March)
    paris = datetime(2026, 3, 2, 10, 0, 45, 500000, tzinfo=ZoneInfo("Europe/Paris"))
    state = _state(created(paris))
    # when
    _, lines = _export(state, tmp_path, time_zone="Europe/Paris")
    # then
    ticket = _tickets(lines)[0]
    assert ticket["created_at"] == ticket["comments"][0]["created_at"] == "2026-03-02T09:00:45Z"
