"""The Zendesk API dump adapter: the hand-made fixture (see its README.md) and bad input."""
import contextlib
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from events import (
    HolidayUpserted,
    ScheduleUpserted,
    TicketAssigneeChanged,
    TicketCommentAdded,
    TicketCreated,
    TicketDeleted,
    TicketFieldsChanged,
    TicketGroupChanged,
    TicketSatisfactionRated,
    TicketStatusChanged,
    TicketTagsChanged,
    UserUpserted,
    WeeklyInterval,
)
from events.codec import decode_avro, decode_json, encode_avro, encode_json
from events.downstream import Minutes
from events.zendesk_api import RAILS_TO_IANA, read_zendesk_api, to_iana
from projections.state import ProjectionState
from projections.ticket_metrics import ticket_metrics

FIXTURE = Path(__file__).parents[1] / "fixtures" / "zendesk_api"
REFERENCE_COUNT = 13  # 1 schedule, 1 holiday, 2 groups, 1 organization, 8 users


def _read(folder):
    events, errors, _ = _read_noting(folder)
    return events, errors


def _read_noting(folder):
    """Read as a user in the dump's folder does (`replay --source zendesk-api .`): errors
    name the files by their path as given, `tickets.ndjson`."""
    errors, notes = [], []
    with contextlib.chdir(folder):
        events = read_zendesk_api(Path("."), errors.append, notes.append)
    return events, errors, notes


def _of_ticket(events, ticket_id):
    return [e for e in events if getattr(e, "ticket_id", None) == ticket_id]


def _at(event_id, when, ticket_id):
    """The fields every ticket event has."""
    return dict(event_id=event_id, occurred_at=datetime.fromisoformat(when), ticket_id=ticket_id)


@pytest.fixture(scope="module")
def fixture_events():
    return _read(FIXTURE)


# --- the fixture, ticket by ticket -------------------------------------------------------


def test_fixture_converts_every_ticket_and_reference_object(fixture_events):
    events, _ = fixture_events
    assert len(events) == 75
    assert Counter(type(e).__name__ for e in events) == {
        "ScheduleUpserted": 1, "HolidayUpserted": 1, "GroupUpserted": 2,
        "OrganizationUpserted": 1, "UserUpserted": 8,
        "TicketCreated": 8, "TicketStatusChanged": 16, "TicketCommentAdded": 16,
        "TicketAssigneeChanged": 6, "TicketGroupChanged": 5, "TicketFieldsChanged": 4,
        "TicketSatisfactionRated": 4, "TicketTagsChanged": 2, "TicketDeleted": 1,
    }
    assert Counter(getattr(e, "ticket_id", None) for e in events) == {
        None: 13, 1001: 9, 1002: 11, 1003: 12, 1004: 8, 1005: 12, 1006: 5, 1007: 3, 1008: 2,
    }


def test_reference_data_comes_first_then_tickets_in_time_order(fixture_events):
    events, _ = fixture_events
    kinds = [type(e).__name__ for e in events[:REFERENCE_COUNT]]
    assert kinds == ["ScheduleUpserted", "HolidayUpserted", "GroupUpserted", "GroupUpserted",
                     "OrganizationUpserted"] + ["UserUpserted"] * 8
    times = [e.occurred_at for e in events[REFERENCE_COUNT:]]
    assert times == sorted(times)


def test_reopened_ticket_history_is_every_change_in_order(fixture_events):
    # given ticket 1003: email, answered, solved, reopened by the requester, solved again
    events, _ = fixture_events
    # then
    assert _of_ticket(events, 1003) == [
        TicketCreated(
            **_at("zd:audit:5021:created", "2026-04-03T07:10:00Z", 1003),
            requester_id=203, submitter_id=203, subject="Export to CSV fails",
            description="Exporting my orders to CSV fails with 'Error 500'.",
            description_public=True, status="new", priority="normal", ticket_type="incident",
            via="email", brand_id=51, tags=("export",),
        ),
        TicketCommentAdded(
            **_at("zd:audit:5022:0", "2026-04-03T07:40:00Z", 1003), comment_id=7022, author_id=103,
            public=True, body="Hello Gaspard, could you try again? We restarted the export service.",
        ),
        TicketAssigneeChanged(**_at("zd:audit:5022:1", "2026-04-03T07:40:00Z", 1003), assignee_id=103),
        TicketGroupChanged(**_at("zd:audit:5022:2", "2026-04-03T07:40:00Z", 1003), group_id=31),
        TicketStatusChanged(
            **_at("zd:audit:5022:3", "2026-04-03T07:40:00Z", 1003),
            status="open", previous_status="new", author_id=103,
        ),
        TicketCommentAdded(
            **_at("zd:audit:5023:0", "2026-04-03T08:30:00Z", 1003), comment_id=7023, author_id=103,
            public=True, body="The export works again on our side, so I am marking this ticket as solved.",
        ),
        TicketStatusChanged(
            **_at("zd:audit:5023:1", "2026-04-03T08:30:00Z", 1003),
            status="solved", previous_status="open", author_id=103,
        ),
        TicketCommentAdded(
            **_at("zd:audit:5024:0", "2026-04-03T14:05:00Z", 1003), comment_id=7024, author_id=203,
            public=True, body="Still failing for exports over 10,000 rows.",
        ),
        TicketStatusChanged(
            **_at("zd:audit:5024:1", "2026-04-03T14:05:00Z", 1003),
            status="open", previous_status="solved", author_id=203,
        ),
        TicketCommentAdded(
            **_at("zd:audit:5025:0", "2026-04-07T08:20:00Z", 1003), comment_id=7025, author_id=103,
            public=True, body="Fixed: large exports now run in the background and arrive by email.",
        ),
        TicketStatusChanged(
            **_at("zd:audit:5025:1", "2026-04-07T08:20:00Z", 1003),
            status="solved", previous_status="open", author_id=103,
        ),
        TicketTagsChanged(
            **_at("zd:audit:5025:2", "2026-04-07T08:20:00Z", 1003), tags=("export", "large-export")
        ),
    ]


def test_agent_created_ticket_starts_open_assigned_with_the_agents_public_description(fixture_events):
    events, _ = fixture_events
    created, custom_fields = _of_ticket(events, 1002)[:2]
    assert created == TicketCreated(
        **_at("zd:audit:5011:created", "2026-04-02T08:00:00Z", 1002),
        requester_id=202, submitter_id=102, subject="Refund for duplicate invoice INV-2291",
        description="Following our phone call: you were charged twice for invoice INV-2291. "
        "I have asked for a refund of the duplicate payment.",
        description_public=True, status="open", priority="high", ticket_type="incident", via="web",
        group_id=32, assignee_id=102, brand_id=51, tags=("billing", "refund"),
    )
    assert custom_fields == TicketFieldsChanged(
        **_at("zd:audit:5011:fields", "2026-04-02T08:00:00Z", 1002),
        changes={"custom_fields.360002": "INV-2291"},
    )


def test_internal_note_and_public_reply_in_one_audit_keep_their_order(fixture_events):
    events, _ = fixture_events
    audit_5013 = [e for e in _of_ticket(events, 1002) if e.event_id.startswith("zd:audit:5013:")]
    assert [(type(e).__name__, getattr(e, "public", None)) for e in audit_5013] == [
        ("TicketCommentAdded", False), ("TicketCommentAdded", True), ("TicketStatusChanged", None),
    ]


def test_ticket_created_in_a_group_then_reassigned_to_another_group_and_agent(fixture_events):
    events, _ = fixture_events
    summary = [
        (type(e).__name__, e.occurred_at.strftime("%d %H:%M"), getattr(e, "group_id", None),
         getattr(e, "assignee_id", None), getattr(e, "status", None))
        for e in _of_ticket(events, 1004)
    ]
    assert summary == [
        ("TicketCreated", "06 07:00", 31, None, "new"),
        ("TicketCommentAdded", "07 07:05", None, None, None),
        ("TicketAssigneeChanged", "07 07:05", None, 101, None),
        ("TicketStatusChanged", "07 07:05", None, None, "open"),
        ("TicketGroupChanged", "07 07:06", 32, None, None),
        ("TicketAssigneeChanged", "07 07:06", None, 102, None),
        ("TicketCommentAdded", "07 10:30", None, None, None),
        ("TicketStatusChanged", "07 10:30", None, None, "pending"),
    ]
    moved = _of_ticket(events, 1004)[4:6]
    assert (moved[0].previous_group_id, moved[1].previous_assignee_id) == (31, 101)


def test_hold_then_pending_with_schedule_custom_field_and_priority(fixture_events):
    events, _ = fixture_events
    ticket = _of_ticket(events, 1005)
    assert ticket[0].schedule_id == 11
    assert ticket[1].changes == {"custom_fields.360001": "mobile_app"}
    assert [e.status for e in ticket if isinstance(e, TicketStatusChanged)] == ["open", "hold", "pending"]
    assert [e.changes for e in ticket[2:] if isinstance(e, TicketFieldsChanged)] == [{"priority": "high"}]
    assert ticket[-1] == TicketTagsChanged(
        **_at("zd:audit:5044:2", "2026-04-07T09:00:00Z", 1005), tags=("mobile", "mob-418")
    )


def test_satisfaction_offered_then_rated_good_and_bad(fixture_events):
    # the rating audit of 1001 also has a satisfaction_score Change saying the same: one event
    events, _ = fixture_events
    ratings = [
        (e.ticket_id, e.event_id, e.score, e.comment)
        for e in events
        if isinstance(e, TicketSatisfactionRated)
    ]
    assert ratings == [
        (1001, "zd:audit:5005:0", "offered", ""),
        (1001, "zd:audit:5006:1", "good", "Quick and friendly"),
        (1002, "zd:audit:5016:0", "offered", ""),
        (1002, "zd:audit:5017:0", "bad", "The refund took too long."),
    ]


def test_open_ticket_without_public_reply(fixture_events):
    events, _ = fixture_events
    ticket = _of_ticket(events, 1006)
    assert ticket[0].due_at == datetime(2026, 4, 10, 15, tzinfo=UTC)
    assert ticket[0].via == "api" and ticket[0].external_id == "crm-case-88"
    assert [(type(e).__name__, getattr(e, "public", None)) for e in ticket[1:]] == [
        ("TicketCommentAdded", False), ("TicketAssigneeChanged", None),
        ("TicketGroupChanged", None), ("TicketStatusChanged", None),
    ]


def test_ticket_without_audits_is_created_from_its_object_then_moved_to_its_status(fixture_events):
    events, _ = fixture_events
    assert _of_ticket(events, 1007) == [
        TicketCreated(
            **_at("zd:ticket:1007:created", "2026-03-20T10:00:00Z", 1007),
            requester_id=203, submitter_id=203, subject="Invoice copy (imported from the old help desk)",
            description="Could you send me a copy of invoice INV-1980?", status="new", priority="low",
            ticket_type="question", via="api", group_id=31, assignee_id=103, brand_id=51,
            tags=("imported",), external_id="legacy-4471",
        ),
        TicketFieldsChanged(
            **_at("zd:ticket:1007:fields", "2026-03-20T10:00:00Z", 1007),
            changes={"custom_fields.360001": "web_portal", "custom_fields.360002": "INV-1980"},
        ),
        TicketStatusChanged(
            **_at("zd:ticket:1007:status:2026-03-21T16:00:00Z", "2026-03-21T16:00:00Z", 1007),
            status="solved", previous_status="new",
        ),
    ]


def test_ticket_deleted_in_tickets_ndjson_is_deleted_at_its_updated_at(fixture_events):
    events, _ = fixture_events
    created, deleted = _of_ticket(events, 1008)
    assert (created.requester_id, created.subject) == (299, "Cheap watches!!!")
    assert deleted == TicketDeleted(**_at("zd:ticket:1008:deleted", "2026-04-07T07:00:00Z", 1008))


def test_reference_data_with_zendesk_time_zone_and_default_schedule(fixture_events):
    events, _ = fixture_events
    schedule, holiday = events[:2]
    assert schedule == ScheduleUpserted(
        event_id="zd:schedule:11:2026-01-05T10:00:00Z",
        occurred_at=datetime(2025, 9, 1, 8, tzinfo=UTC),
        schedule_id=11, name="Paris office hours", time_zone="Europe/Paris",
        intervals=tuple(WeeklyInterval(day * 1440 + 540, day * 1440 + 1020) for day in range(1, 6)),
        is_default=True,
    )
    assert holiday == HolidayUpserted(
        event_id="zd:holiday:21:2026-04-06:2026-04-06", occurred_at=schedule.occurred_at,
        holiday_id=21, schedule_id=11, name="Lundi de Pâques",
        start_date=date(2026, 4, 6), end_date=date(2026, 4, 6),
    )
    users = {e.user_id: e for e in events if isinstance(e, UserUpserted)}
    staff = {user_id: e.role for user_id, e in users.items() if e.role != "end-user"}
    assert staff == {100: "admin", 101: "agent", 102: "agent", 103: "agent"}
    # a user is stated at its creation; its last update names the version
    assert users[101].event_id == "zd:user:101:2026-03-02T08:00:00Z"
    assert users[101].occurred_at == datetime(2025, 9, 1, 8, 10, tzinfo=UTC)


def test_fixture_errors_name_file_line_and_reason(fixture_events):
    _, errors = fixture_events
    assert [(e.source, e.line) for e in errors] == [("ticket_audits.ndjson", 23), ("ticket_audits.ndjson", 27)]
    assert str(errors[0]) == "ticket_audits.ndjson line 23: malformed JSON: invalid character (byte 217)"
    assert str(errors[1]) == "ticket_audits.ndjson line 27: expected integer `ticket_id`, got 'abc'"
    assert errors[1].raw.startswith('{"id": 5099, "ticket_id": "abc"')


# --- determinism and codecs --------------------------------------------------------------


def test_reading_twice_gives_identical_events():
    assert _read(FIXTURE) == _read(FIXTURE)


def test_line_order_in_the_files_does_not_change_the_events(tmp_path, fixture_events):
    # given the fixture with every file's lines reversed
    for path in FIXTURE.iterdir():
        lines = path.read_text().splitlines(keepends=True)
        (tmp_path / path.name).write_text("".join(reversed(lines)))
    # when
    events, _ = _read(tmp_path)
    # then
    assert events == fixture_events[0]


def test_event_ids_are_unique(fixture_events):
    events, _ = fixture_events
    ids = [e.event_id for e in events]
    assert len(set(ids)) == len(ids)


def test_events_round_trip_through_the_codecs(fixture_events):
    events, _ = fixture_events
    assert [decode_json(encode_json(e)) for e in events] == events
    assert [decode_avro(encode_avro(e)) for e in events] == events


# --- time zones --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "iana"),
    [
        ("Pacific Time (US & Canada)", "America/Los_Angeles"),
        ("Eastern Time (US & Canada)", "America/New_York"),
        ("Paris", "Europe/Paris"),
        ("UTC", "Etc/UTC"),
        ("Bern", "Europe/Zurich"),
        ("New Delhi", "Asia/Kolkata"),
        ("International Date Line West", "Etc/GMT+12"),
        ("Europe/Lisbon", "Europe/Lisbon"),  # an IANA name is taken as is
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ],
)
def test_zendesk_time_zone_names_map_to_iana(name, iana):
    assert to_iana(name) == iana


@pytest.mark.parametrize("name", ["Mars/Olympus", "Pacific Time", "paris", "", "../../etc/passwd"])
def test_unknown_time_zone_name_is_refused(name):
    with pytest.raises(ValueError, match="unknown time zone"):
        to_iana(name)


def test_every_rails_time_zone_is_known_to_zoneinfo():
    assert len(RAILS_TO_IANA) == 151
    for iana in RAILS_TO_IANA.values():
        ZoneInfo(iana)


# --- bad input in small dumps ------------------------------------------------------------

TICKET = {"id": 1, "created_at": "2026-04-01T08:00:00Z", "status": "new", "requester_id": 201}
CREATE = {"type": "Create", "field_name": "status", "value": "new"}


def _audit(*events, **fields):
    return {"id": 9, "ticket_id": 1, "created_at": "2026-04-01T08:00:00Z", "author_id": 201,
            "events": list(events), **fields}


def _dump(folder, **files):
    """A dump folder: each keyword is a resource, each value its lines (objects or text)."""
    files.setdefault("tickets", [TICKET])
    for name, lines in files.items():
        text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
        (folder / f"{name}.ndjson").write_text(text)
    return folder


@pytest.mark.parametrize(
    ("resource", "line", "reason"),
    [
        ("users", {"id": 5, "name": "Ann", "role": "owner", "created_at": "2026-01-01T00:00:00Z"},
         "expected `role` in end-user, agent, admin, got 'owner'"),
        ("users", {"id": 5, "name": "Ann"}, "missing required field `created_at` (or `updated_at`)"),
        ("schedules", {"id": 3, "time_zone": "Mars/Olympus", "intervals": [],
                       "created_at": "2026-01-01T00:00:00Z"},
         "unknown time zone 'Mars/Olympus' (expected a Zendesk name like 'Paris' "
         "or an IANA name like 'Europe/Paris')"),
        ("schedules", {"id": 3, "time_zone": "Paris", "intervals": [{"start_time": 600, "end_time": 60}],
                       "created_at": "2026-01-01T00:00:00Z"},
         "expected 0 <= start_time < end_time <= 10080 in `intervals[0]`, got 600..60"),
        ("holidays", {"id": 4, "schedule_id": 3, "start_date": "2026-05-01", "end_date": "2026-05-01"},
         "schedule 3 is not in schedules.ndjson"),
        ("organizations", {"id": "x1", "name": "Acme"}, "expected integer `id`, got 'x1'"),
        ("tickets", {**TICKET, "status": "archived"},
         "expected `status` in new, open, pending, hold, solved, closed, deleted, got 'archived'"),
        ("ticket_audits", _audit(CREATE, created_at="12/03"),
         "expected ISO 8601 time with offset `created_at`, got '12/03'"),
        ("ticket_audits", _audit(CREATE, {"type": "Frobnicate"}),
         "audit 9: unknown audit event type 'Frobnicate' in `events[1].type`; skipped"),
        ("ticket_audits", _audit(CREATE, {"type": "CommentPrivacyChange", "comment_id": 3, "public": False}),
         "audit 9: unknown audit event type 'CommentPrivacyChange' in `events[1].type`; skipped"),
        ("ticket_audits", _audit(CREATE, {"type": "Change", "field_name": "assignee_id", "value": "bob"}),
         "audit 9: expected integer `events[1].value`, got 'bob'"),
        ("ticket_audits", _audit(CREATE, {"type": "Change", "field_name": "mood", "value": "ok"}),
         "audit 9: unknown field 'mood' in `events[1].field_name`; skipped"),
        ("ticket_audits", _audit(CREATE, {"type": "Comment", "id": 3, "author_id": 201, "public": True},
                                 {"type": "Comment", "id": 4, "author_id": 201, "body": "hi"}),
         "audit 9: missing required field `events[2].public`"),
        ("ticket_audits", "42", "expected a JSON object, got 42"),
    ],
)
def test_bad_object_is_reported_with_its_line_and_the_rest_converts(tmp_path, resource, line, reason):
    # given a dump whose resource file has the bad object on line 2 (after a good ticket,
    # else a blank line)
    _dump(tmp_path, **{resource: [TICKET if resource == "tickets" else "", line]})
    # when
    events, errors = _read(tmp_path)
    # then
    assert [str(e) for e in errors] == [f"{resource}.ndjson line 2: {reason}"]
    assert any(isinstance(e, TicketCreated) and e.ticket_id == 1 for e in events)


def test_bad_event_skips_only_that_event_of_the_audit(tmp_path):
    # given an audit whose first Change is unreadable and second is fine
    bad = {"type": "Change", "field_name": "group_id", "value": "support"}
    good = {"type": "Change", "field_name": "status", "value": "open", "previous_value": "new"}
    _dump(tmp_path, ticket_audits=[_audit(CREATE), _audit(bad, good, id=10)])
    # when
    events, errors = _read(tmp_path)
    # then
    assert [str(e) for e in errors] == [
        "ticket_audits.ndjson line 2: audit 10: expected integer `events[0].value`, got 'support'"
    ]
    assert [(type(e).__name__, e.event_id) for e in events] == [
        ("TicketCreated", "zd:audit:9:created"), ("TicketStatusChanged", "zd:audit:10:1"),
    ]


def test_back_dated_ticket_is_created_and_measured_from_its_created_at(tmp_path):
    # given a ticket imported with created_at a day before its Create audit, solved an
    # hour after that audit (semantics.md: Zendesk measures from the ticket's created_at)
    solved = {"type": "Change", "field_name": "status", "value": "solved", "previous_value": "new"}
    _dump(
        tmp_path,
        tickets=[{**TICKET, "created_at": "2026-03-31T08:00:00Z", "status": "solved"}],
        ticket_audits=[_audit(CREATE), _audit(solved, id=10, created_at="2026-04-01T09:00:00Z")],
    )
    # when
    events, errors = _read(tmp_path)
    state = ProjectionState()
    state.fold(events)
    metrics = ticket_metrics(state.tickets[1], state.account)
    # then the creation happens at created_at, the audit's other events at the audit's time
    assert errors == []
    assert [(e.event_id, e.occurred_at.isoformat()) for e in events] == [
        ("zd:audit:9:created", "2026-03-31T08:00:00+00:00"), ("zd:audit:10:0", "2026-04-01T09:00:00+00:00"),
    ]
    # and 25 h from created_at to the solve (no schedule: business equals calendar)
    assert metrics.full_resolution_time == Minutes(calendar=1500, business=1500)


def test_harmless_audit_event_kinds_are_skipped_silently(tmp_path):
    kinds = ["Notification", "Cc", "FollowerChange", "AgentMacroReference", "ChatStartedEvent"]
    _dump(tmp_path, ticket_audits=[_audit(CREATE, *({"type": kind} for kind in kinds))])
    events, errors = _read(tmp_path)
    assert errors == [] and [type(e).__name__ for e in events] == ["TicketCreated"]


def test_status_changed_to_deleted_in_an_audit_is_one_deletion(tmp_path):
    deleted = {"type": "Change", "field_name": "status", "value": "deleted", "previous_value": "new"}
    later = _audit(deleted, id=10, created_at="2026-04-02T08:00:00Z")
    _dump(tmp_path, tickets=[{**TICKET, "status": "deleted"}], ticket_audits=[_audit(CREATE), later])
    events, _ = _read(tmp_path)
    assert [(type(e).__name__, e.event_id) for e in events] == [
        ("TicketCreated", "zd:audit:9:created"), ("TicketDeleted", "zd:audit:10:0"),
    ]


def test_ticket_with_audits_but_no_create_is_reported_and_created_from_its_object(tmp_path):
    change = {"type": "Change", "field_name": "status", "value": "open", "previous_value": "new"}
    _dump(tmp_path, ticket_audits=[_audit(change, created_at="2026-04-02T08:00:00Z")])
    events, errors = _read(tmp_path)
    assert [str(e) for e in errors] == [
        "ticket_audits.ndjson line 1: audit 9: ticket 1 has no usable Create audit; "
        "created from tickets.ndjson at its created_at"
    ]
    assert [e.event_id for e in events] == ["zd:ticket:1:created", "zd:audit:9:0"]


def test_audits_of_an_unknown_ticket_without_create_are_reported_and_skipped(tmp_path):
    change = {"type": "Change", "field_name": "status", "value": "open", "previous_value": "new"}
    _dump(tmp_path, ticket_audits=[_audit(change, ticket_id=2)])
    events, errors = _read(tmp_path)
    assert [str(e) for e in errors] == [
        "ticket_audits.ndjson line 1: audit 9: ticket 2 has no usable Create audit and is not in "
        "tickets.ndjson; its 1 audit(s) skipped"
    ]
    assert [e.event_id for e in events] == ["zd:ticket:1:created"]


def test_duplicate_audit_is_reported_once_and_read_once(tmp_path):
    _dump(tmp_path, ticket_audits=[_audit(CREATE), _audit(CREATE)])
    events, errors = _read(tmp_path)
    assert [str(e) for e in errors] == [
        "ticket_audits.ndjson line 2: audit 9 already read on line 1; skipped"
    ]
    assert len(events) == 1


def test_object_repeated_with_the_same_updated_at_is_reported_and_read_once(tmp_path):
    # given user 5 three times: twice the same version, then a later one
    v1 = {"id": 5, "name": "Ann", "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}
    v2 = {**v1, "name": "Ann B.", "updated_at": "2026-02-01T00:00:00Z"}
    _dump(tmp_path, users=[v1, v1, v2])
    # when
    events, errors = _read(tmp_path)
    # then both versions are stated at creation, the later one last
    assert [str(e) for e in errors] == ["users.ndjson line 2: same id and updated_at as line 1; skipped"]
    assert [(e.event_id, e.name) for e in events if isinstance(e, UserUpserted)] == [
        ("zd:user:5:2026-01-01T00:00:00Z", "Ann"), ("zd:user:5:2026-02-01T00:00:00Z", "Ann B."),
    ]


def test_line_wrapped_as_in_the_account_export_is_unwrapped(tmp_path):
    user = {"id": 5, "name": "Ann", "created_at": "2026-01-01T00:00:00Z"}
    _dump(tmp_path, tickets=[{"ticket": TICKET}], users=[{"user": user}])
    events, errors = _read(tmp_path)
    assert errors == []
    assert [e.event_id for e in events] == ["zd:user:5:2026-01-01T00:00:00Z", "zd:ticket:1:created"]


def test_unknown_files_are_noted_once_and_dot_files_skipped(tmp_path):
    _dump(tmp_path)
    (tmp_path / "macros.ndjson").write_text('{"id": 1}\n{"id": 2}\n')
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    _, errors, notes = _read_noting(tmp_path)
    assert errors == []
    assert [n for n in notes if "macros" in n or "DS_Store" in n] == [
        "warning: macros.ndjson is not a Zendesk API resource file; ignored"
    ]


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p / "nowhere", "Zendesk API dump folder not found"),
    (lambda p: p, "not a Zendesk API dump: no tickets.ndjson in"),
])
def test_missing_folder_or_tickets_file_raises(tmp_path, make, message):
    with pytest.raises(FileNotFoundError, match=message):
        read_zendesk_api(make(tmp_path), lambda e: None)


# --- what a dump holds, API pages, paths as given ----------------------------------------


def test_found_files_are_noted_and_each_missing_one_is_warned_with_its_cost(tmp_path):
    # given a dump of tickets and users only
    _dump(tmp_path, users=[])
    # when
    _, errors, notes = _read_noting(tmp_path)
    # then
    assert errors == []
    assert notes[0] == ".: found tickets.ndjson, users.ndjson"
    warnings = {note.split(" is missing: ")[0]: note.split(" is missing: ")[1] for note in notes[1:]}
    assert sorted(warnings) == [
        f"warning: {name}.ndjson" for name in
        ("groups", "holidays", "organizations", "schedules", "ticket_audits", "ticket_fields")
    ]
    assert warnings["warning: schedules.ndjson"] == "no business hours: business minutes equal calendar minutes"
    assert warnings["warning: ticket_audits.ndjson"].startswith("no ticket history: each ticket is created as it is now")


def test_missing_users_file_is_warned_as_costing_every_reply(tmp_path):
    _dump(tmp_path, ticket_audits=[])
    _, _, notes = _read_noting(tmp_path)
    assert "warning: users.ndjson is missing: no user is known to be an agent: no reply is counted " \
           "(replies, reply times)" in notes


def test_tickets_file_saved_as_a_raw_api_page_is_read_as_its_tickets(tmp_path):
    # given tickets.ndjson holding one API page, as `curl .../tickets.json` saves it
    second = {**TICKET, "id": 2, "created_at": "2026-04-02T08:00:00Z"}
    page = {"tickets": [TICKET, second], "next_page": None, "previous_page": None, "count": 2}
    _dump(tmp_path, tickets=[page])
    # when
    events, errors = _read(tmp_path)
    # then
    assert errors == []
    assert [(type(e), e.ticket_id) for e in events] == [(TicketCreated, 1), (TicketCreated, 2)]


def test_api_page_printed_over_many_lines_is_read_too(tmp_path):
    # given a page saved through `jq .`
    page = {"tickets": [TICKET, {**TICKET, "id": 2}], "next_page": None}
    (tmp_path / "tickets.ndjson").write_text(json.dumps(page, indent=2) + "\n")
    # when
    events, errors = _read(tmp_path)
    # then
    assert errors == []
    assert [e.ticket_id for e in events] == [1, 2]


def test_bad_object_in_an_api_page_is_named_by_its_place_in_the_page(tmp_path):
    page = {"tickets": [TICKET, {**TICKET, "id": 2, "status": "archived"}], "next_page": None}
    _dump(tmp_path, tickets=[page])
    events, errors = _read(tmp_path)
    assert [str(e) for e in errors] == [
        "tickets.ndjson line 1: tickets[1]: expected `status` in new, open, pending, hold, solved, closed, "
        "deleted, got 'archived'"
    ]
    assert errors[0].raw.startswith('{"id":2,')
    assert [e.ticket_id for e in events] == [1]


def test_holiday_of_a_rejected_schedule_names_the_rejection_as_its_cause(tmp_path):
    # given schedule 3 rejected (unknown time zone) and a holiday of it
    schedule = {"id": 3, "time_zone": "Mars/Olympus", "intervals": [], "created_at": "2026-01-01T00:00:00Z"}
    holiday = {"id": 4, "schedule_id": 3, "start_date": "2026-05-01", "end_date": "2026-05-01"}
    _dump(tmp_path, schedules=[schedule], holidays=[holiday])
    # when
    _, errors = _read(tmp_path)
    # then
    assert [str(e) for e in errors][1:] == [
        "holidays.ndjson line 1: its schedule 3 was rejected (schedules.ndjson line 1); holiday skipped"
    ]


def test_dump_errors_name_files_by_the_folder_as_given(tmp_path, monkeypatch):
    # given a dump in dumps/march with a bad user
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "dumps" / "march"
    folder.mkdir(parents=True)
    _dump(folder, users=["{oops"])
    # when
    errors = []
    read_zendesk_api(Path("dumps/march"), errors.append)
    # then
    assert [(e.source, e.line, e.kind) for e in errors] == [("dumps/march/users.ndjson", 1, "malformed JSON")]


def test_error_kind_leaves_out_the_values_and_ids_of_the_reason(tmp_path):
    _dump(tmp_path, users=[{"id": "u1", "name": "A"}, {"id": "u2", "name": "B"}])
    _, errors = _read(tmp_path)
    assert {e.kind for e in errors} == {"expected integer `id`"}


def test_event_dated_outside_the_window_is_a_bad_record_named_by_its_ticket(tmp_path):
    # given a dump whose second ticket was created in 2150 (a broken clock)
    late = {**TICKET, "id": 2, "created_at": "2150-04-02T08:00:00Z", "updated_at": "2150-04-02T08:00:00Z"}
    _dump(tmp_path, tickets=[TICKET, late])
    # when
    errors = []
    events = read_zendesk_api(tmp_path, errors.append)
    # then ticket 1 converts, and ticket 2's events are reported, not folded
    assert {e.ticket_id for e in events} == {1}
    assert errors and all(e.kind == "time outside the event time window" for e in errors)
    assert errors[0].source == str(tmp_path)
    assert errors[0].reason.startswith("TicketCreated of 2: Expected a time within 1970-01-01/2100-01-01")
