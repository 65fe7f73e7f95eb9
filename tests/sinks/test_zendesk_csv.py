"""The Zendesk CSV ticket export (spec §6.2), read back as a spreadsheet user would."""
import csv
import io
import zipfile
from itertools import count

import pytest

from events import (
    GroupUpserted,
    OrganizationUpserted,
    TicketDeleted,
    TicketFieldsChanged,
    TicketSatisfactionRated,
    TicketStatusChanged,
    UserUpserted,
)
from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from tests.projections.tickets_story import ANA, LONG_AGO, REQUESTER, assignee, at, comment, created, schedule, status

OTTO = 8  # another end user, of another organization
_ids = count(1)

HEADERS = [
    "ID", "Requester", "Requester ID", "Requester external id", "Requester email", "Requester domain",
    "Submitter", "Assignee", "Group", "Subject", "Tags", "Status", "Priority", "Via", "Ticket type",
    "Created at", "Updated at", "Assigned at", "Organization", "Due date", "Initially assigned at", "Solved at",
    "Resolution time", "Satisfaction Score", "Group stations", "Assignee stations", "Reopens", "Replies",
    "First reply time in minutes", "First reply time in minutes within business hours",
    "First resolution time in minutes", "First resolution time in minutes within business hours",
    "Full resolution time in minutes", "Full resolution time in minutes within business hours",
    "Agent wait time in minutes", "Agent wait time in minutes within business hours",
    "Requester wait time in minutes", "Requester wait time in minutes within business hours",
    "On hold time in minutes", "On hold time in minutes within business hours",
]


def _user(user_id, name, role="end-user", when=LONG_AGO, **fields):
    return UserUpserted(event_id=f"u{next(_ids)}", occurred_at=when, user_id=user_id, name=name, role=role, **fields)


def _directory():
    return [
        _user(REQUESTER, "Rita Requester", email="rita@acme.example", external_id="crm-7", organization_id=4),
        _user(OTTO, "Otto Other", email="otto@globex.example", organization_id=5),
        _user(ANA, "Ana Agent", role="agent"),
        GroupUpserted(event_id="g3", occurred_at=LONG_AGO, group_id=3, name="Support"),
        OrganizationUpserted(event_id="o4", occurred_at=LONG_AGO, organization_id=4, name="Acme"),
        OrganizationUpserted(event_id="o5", occurred_at=LONG_AGO, organization_id=5, name="Globex"),
        schedule(),  # Monday to Friday, 09:00-17:00 UTC
    ]


def _rated(when, score, ticket_id=1):
    return TicketSatisfactionRated(event_id=f"r{next(_ids)}", occurred_at=when, ticket_id=ticket_id, score=score)


def _fields(when, ticket_id=1, **changes):
    return TicketFieldsChanged(event_id=f"f{next(_ids)}", occurred_at=when, ticket_id=ticket_id, changes=changes)


def _state(*events, directory=None) -> ProjectionState:
    state = ProjectionState()
    for event in (_directory() if directory is None else directory) + list(events):
        state.apply(event)
    return state


def _export(state, tmp_path, **options) -> list[dict]:
    write_export(get_export("zendesk-csv"), state, ExportRequest(export="zendesk-csv", **options), tmp_path)
    return list(csv.DictReader(io.StringIO(_text(tmp_path), newline="")))


def _text(tmp_path) -> str:
    """The CSV as written: the one file in the export's .zip."""
    (package,) = tmp_path.glob("*.zip")
    with zipfile.ZipFile(package) as archive:
        (entry,) = archive.infolist()
        return archive.read(entry).decode("utf-8")


def _column(rows, header):
    return [row[header] for row in rows]


def test_zendesk_csv_writes_the_spec_columns_in_order_and_one_row_per_ticket(tmp_path):
    # given a ticket answered after 30 minutes, pending 10:00-11:00, solved at 12:30 and
    # rated good (Monday 2 March, UTC, all within business hours), and a fresh one
    state = _state(
        created(at("03-02 09:00"), ticket_id=1, subject="Printer on fire", priority="high", ticket_type="incident",
                via="email", tags=("printer", "urgent"), group_id=3, assignee_id=ANA, due_at=at("03-06 17:00")),
        comment(at("03-02 09:30"), ANA, ticket_id=1),
        status(at("03-02 10:00"), "pending", ticket_id=1),
        status(at("03-02 11:00"), "open", ticket_id=1),
        status(at("03-02 12:30"), "solved", ticket_id=1),
        _rated(at("03-02 13:00"), "good", ticket_id=1),
        created(at("03-02 15:00:45"), ticket_id=2, requester_id=OTTO),
    )
    # when exported in Paris time (UTC+1 in March)
    rows = _export(state, tmp_path, time_zone="Europe/Paris")
    # then
    assert next(csv.reader(io.StringIO(_text(tmp_path), newline=""))) == HEADERS
    assert rows == [
        dict(zip(HEADERS, [
            "1", "Rita Requester", "7", "crm-7", "rita@acme.example", "acme.example",
            "Rita Requester", "Ana Agent", "Support", "Printer on fire", "printer urgent", "Solved", "High", "Email",
            "Incident", "2026-03-02T10:00:00+01:00", "2026-03-02T14:00:00+01:00", "2026-03-02T10:00:00+01:00",
            "Acme", "2026-03-06T18:00:00+01:00", "2026-03-02T10:00:00+01:00", "2026-03-02T13:30:00+01:00",
            "4", "Good", "1", "1", "0", "1",
            "30", "30", "210", "210", "210", "210", "60", "60", "150", "150", "0", "0",
        ])),
        dict(zip(HEADERS, [
            "2", "Otto Other", "8", "", "otto@globex.example", "globex.example",
            "Otto Other", "", "", "", "", "New", "", "Web form",
            "", "2026-03-02T16:00:45+01:00", "2026-03-02T16:00:45+01:00", "",
            "Globex", "", "", "",
            "", "Not offered", "0", "0", "0", "0",
            "", "", "", "", "", "", "", "", "", "", "0", "0",
        ])),
    ]


@pytest.mark.parametrize(
    "ratings, score",
    [
        ([], "Not offered"),
        (["unoffered"], "Not offered"),
        (["offered"], "Offered"),
        (["offered", "good"], "Good"),
        (["offered", "bad"], "Bad"),
        (["good", "bad"], "Bad"),  # the current rating
    ],
)
def test_satisfaction_score_is_the_current_rating_in_english(tmp_path, ratings, score):
    # given
    state = _state(
        created(at("03-02 09:00")),
        *[_rated(at(f"03-02 1{i}:00"), rating) for i, rating in enumerate(ratings)],
    )
    # when
    rows = _export(state, tmp_path)
    # then
    assert _column(rows, "Satisfaction Score") == [score]


@pytest.mark.parametrize(
    "solved_at, hours",
    [
        ("03-02 10:30", "2"),  # 90 minutes: 1.5 hours rounds half up
        ("03-02 10:29", "1"),  # 89 minutes
        ("03-02 09:29", "0"),  # 29 minutes
        ("03-02 09:30", "1"),  # 30 minutes: half an hour rounds up
        ("03-03 09:00", "24"),  # calendar hours, not business hours
    ],
)
def test_resolution_time_is_full_resolution_in_hours_rounded_half_up(tmp_path, solved_at, hours):
    # given a ticket created Monday 09:00 and solved at `solved_at`
    state = _state(created(at("03-02 09:00")), status(at(solved_at), "solved"))
    # when
    rows = _export(state, tmp_path)
    # then
    assert _column(rows, "Resolution time") == [hours]


def test_resolution_time_is_empty_until_solved(tmp_path):
    # given ticket 1 never solved; ticket 2 solved after 2 hours
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        status(at("03-02 11:00"), "solved", ticket_id=2),
    )
    # when
    rows = _export(state, tmp_path)
    # then
    assert _column(rows, "Resolution time") == ["", "2"]


def test_names_are_written_for_requester_submitter_assignee_and_group(tmp_path):
    # given Ana logged the ticket for Rita, in Support, and took it
    state = _state(created(at("03-02 09:00"), submitter_id=ANA, assignee_id=ANA, group_id=3))
    # when
    [row] = _export(state, tmp_path)
    # then
    assert (row["Requester"], row["Requester ID"], row["Submitter"], row["Assignee"], row["Group"]) == (
        "Rita Requester", "7", "Ana Agent", "Ana Agent", "Support")


def test_unknown_user_or_group_is_written_as_its_id(tmp_path):
    # given a ticket whose requester 99, assignee 98 and group 97 are not in the directory
    state = _state(created(at("03-02 09:00"), requester_id=99, submitter_id=99, assignee_id=98, group_id=97))
    # when
    [row] = _export(state, tmp_path)
    # then: the id stands in for the name; what only the user record tells is empty
    assert (row["Requester"], row["Requester ID"], row["Submitter"], row["Assignee"], row["Group"]) == (
        "99", "99", "99", "98", "97")
    assert (row["Requester email"], row["Requester domain"], row["Requester external id"], row["Organization"]) == (
        "", "", "", "")


def test_unassigned_ticket_has_empty_assignee_and_assigned_at(tmp_path):
    # given a ticket assigned to Ana, then unassigned
    state = _state(
        created(at("03-02 09:00"), assignee_id=ANA),
        assignee(at("03-02 10:00"), None),
    )
    # when
    [row] = _export(state, tmp_path)
    # then
    assert (row["Assignee"], row["Assigned at"], row["Initially assigned at"]) == ("", "", "2026-03-02T09:00:00+00:00")


def test_times_are_in_the_export_time_zone_across_a_dst_change(tmp_path):
    # given tickets created one minute before and one minute after Paris moves its clocks
    # forward (Sunday 29 March 2026, 01:00 UTC: 02:00 CET becomes 03:00 CEST)
    state = _state(
        created(at("03-29 00:59"), ticket_id=1),
        created(at("03-29 01:01"), ticket_id=2),
    )
    # when
    rows = _export(state, tmp_path, time_zone="Europe/Paris")
    # then
    assert _column(rows, "Created at") == ["2026-03-29T01:59:00+01:00", "2026-03-29T03:01:00+02:00"]


def test_times_are_written_to_the_second(tmp_path):
    # given a ticket solved at 10:00:45.5 UTC
    state = _state(created(at("03-02 09:00")), status(at("03-02 10:00:45.5"), "solved"))
    # when
    [row] = _export(state, tmp_path, time_zone="America/New_York")
    # then
    assert (row["Created at"], row["Solved at"]) == ("2026-03-02T04:00:00-05:00", "2026-03-02T05:00:45-05:00")


def test_organization_is_the_current_requesters_organization(tmp_path):
    # given a ticket of Rita (Acme) handed over to Otto (Globex); the ticket's own
    # organization field still says Acme
    state = _state(
        created(at("03-02 09:00"), organization_id=4),
        _fields(at("03-02 10:00"), requester_id=str(OTTO)),
    )
    # when
    [row] = _export(state, tmp_path)
    # then
    assert (row["Requester"], row["Requester email"], row["Organization"]) == (
        "Otto Other", "otto@globex.example", "Globex")


def test_organization_follows_the_requester_moving_to_another_organization(tmp_path):
    # given Rita moved from Acme to Globex after her ticket was created
    state = _state(
        created(at("03-02 09:00"), organization_id=4),
        _user(REQUESTER, "Rita Requester", when=at("03-03 09:00"), email="rita@globex.example", organization_id=5),
    )
    # when
    [row] = _export(state, tmp_path)
    # then
    assert (row["Organization"], row["Requester domain"]) == ("Globex", "globex.example")


def test_organization_is_empty_when_the_requester_has_none(tmp_path):
    # given Otto left his organization
    state = _state(created(at("03-02 09:00"), requester_id=OTTO), _user(OTTO, "Otto Other", when=at("03-02 08:00")))
    # when
    [row] = _export(state, tmp_path)
    # then
    assert row["Organization"] == ""


def test_deleted_tickets_and_tickets_without_creation_are_left_out(tmp_path):
    # given ticket 2 deleted, ticket 3 known only from a status change
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        TicketDeleted(event_id="d2", occurred_at=at("03-02 10:00"), ticket_id=2),
        TicketStatusChanged(event_id="s3", occurred_at=at("03-02 10:00"), ticket_id=3, status="open"),
    )
    # when
    rows = _export(state, tmp_path)
    # then
    assert _column(rows, "ID") == ["1"]


def test_range_is_on_the_tickets_last_update(tmp_path):
    # given ticket 1 last updated Monday; ticket 2 created Monday, updated Tuesday
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        status(at("03-03 09:00"), "open", ticket_id=2),
    )
    # when asking for Tuesday only
    rows = _export(state, tmp_path, date_from=at("03-03 00:00"), date_to=at("03-04 00:00"))
    # then
    assert _column(rows, "ID") == ["2"]


def test_formula_in_a_subject_is_neutralised(tmp_path):
    # given
    state = _state(created(at("03-02 09:00"), subject='=HYPERLINK("http://evil.example","Click")'))
    # when
    [row] = _export(state, tmp_path)
    # then
    assert row["Subject"] == '\'=HYPERLINK("http://evil.example","Click")'


def test_formula_in_any_text_of_the_data_is_neutralised_in_every_column(tmp_path):
    # given a ticket whose every text from the data starts as a formula, in its fields and
    # in the names of its requester, agent, group and organization
    directory = [
        _user(REQUESTER, "=Rita", email="@rita@acme.example", external_id="-7", organization_id=4),
        _user(ANA, "+Ana", role="agent"),
        GroupUpserted(event_id="g3", occurred_at=LONG_AGO, group_id=3, name="\tSupport"),
        OrganizationUpserted(event_id="o4", occurred_at=LONG_AGO, organization_id=4, name=" =Acme"),
        schedule(),
    ]
    events = [
        created(at("03-02 09:00"), subject="=1+1", tags=("=cmd", "b"), assignee_id=ANA, group_id=3),
        _fields(at("03-02 09:05"), priority="=p", via="\uff1dv", ticket_type="\uff20t", due_at="-d",
                satisfaction="+s"),
        status(at("03-02 09:10"), "=open"),
    ]
    # when
    [row] = _export(_state(*events, directory=directory), tmp_path)
    # then each of those cells is protected, and no other cell reads as a formula
    protected = {"Requester", "Requester external id", "Requester email", "Submitter", "Assignee", "Group",
                 "Subject", "Tags", "Status", "Priority", "Via", "Ticket type", "Organization", "Due date",
                 "Satisfaction Score"}
    assert {header for header, cell in row.items() if cell.startswith("'")} == protected
    assert (row["Requester"], row["Organization"], row["Tags"]) == ("'=Rita", "' =Acme", "'=cmd b")
    risky = ("=", "+", "-", "@", "\t", "\r", " ", "\uff1d", "\uff0b", "\uff0d", "\uff20")
    assert [header for header, cell in row.items() if cell.startswith(risky)] == []


@pytest.mark.parametrize(
    "fields, column, shown",
    [
        ({"via": "web"}, "Via", "Web form"),
        ({"via": "email"}, "Via", "Email"),
        ({"via": "api"}, "Via", "API"),
        ({"via": "chat"}, "Via", "Chat"),
        ({"via": "carrier_pigeon"}, "Via", "carrier_pigeon"),  # unknown channel: its raw name
        ({"priority": "urgent"}, "Priority", "Urgent"),
        ({"priority": "low"}, "Priority", "Low"),
        ({"ticket_type": "question"}, "Ticket type", "Question"),
        ({"ticket_type": "task"}, "Ticket type", "Task"),
        ({"status": "hold"}, "Status", "On-hold"),
        ({"status": "open"}, "Status", "Open"),
    ],
)
def test_display_names_for_channel_priority_type_and_status(tmp_path, fields, column, shown):
    # given
    state = _state(created(at("03-02 09:00"), **fields))
    # when
    [row] = _export(state, tmp_path)
    # then
    assert row[column] == shown


def test_tags_are_the_current_tags_separated_by_spaces(tmp_path):
    # given
    state = _state(created(at("03-02 09:00"), tags=("billing", "vip", "refund")))
    # when
    [row] = _export(state, tmp_path)
    # then
    assert row["Tags"] == "billing vip refund"


def test_due_date_is_the_current_one_in_the_export_time_zone(tmp_path):
    # given a due date moved to Friday 16:00 UTC
    state = _state(created(at("03-02 09:00"), due_at=at("03-05 12:00")), _fields(at("03-02 10:00"),
                   due_at="2026-03-06T16:00:00+00:00"))
    # when
    [row] = _export(state, tmp_path, time_zone="Asia/Tokyo")
    # then
    assert row["Due date"] == "2026-03-07T01:00:00+09:00"


def test_due_date_without_an_offset_is_read_as_utc(tmp_path):
    # given a hand-written log with a due date without offset
    state = _state(created(at("03-02 09:00")), _fields(at("03-02 10:00"), due_at="2026-03-06T16:00:00"))
    # when
    [row] = _export(state, tmp_path, time_zone="Europe/Paris")
    # then
    assert row["Due date"] == "2026-03-06T17:00:00+01:00"


def test_due_date_that_is_no_time_is_written_as_recorded(tmp_path):
    # given a hand-written log with a due date the ticket recorded as free text
    state = _state(created(at("03-02 09:00")), _fields(at("03-02 10:00"), due_at="next Friday"))
    # when
    [row] = _export(state, tmp_path)
    # then
    assert row["Due date"] == "next Friday"


def test_custom_fields_are_not_written(tmp_path):
    # given a ticket with a custom field (an invoice number)
    state = _state(created(at("03-02 09:00")), _fields(at("03-02 09:00"), **{"custom_fields.360002": "INV-2291"}))
    # when
    rows = _export(state, tmp_path)
    # then
    assert list(rows[0]) == HEADERS
    assert "INV-2291" not in _text(tmp_path)


def test_csv_is_utf8_and_quoted_as_rfc_4180(tmp_path):
    # given a subject with a comma, a quote, a newline and accents
    state = _state(created(at("03-02 09:00"), subject='Café "Lumière", line one\nline two'))
    # when
    rows = _export(state, tmp_path)
    # then
    assert rows[0]["Subject"] == 'Café "Lumière", line one\nline two'
    assert '"Café ""Lumière"", line one\nline two"' in _text(tmp_path)


def test_ticket_over_one_megabyte_is_still_exported(tmp_path):
    # given a ticket whose subject alone is over 1 MB
    state = _state(created(at("03-02 09:00"), subject="x" * 1_100_000))
    # when
    limit = csv.field_size_limit(2_000_000)  # Python's reader refuses long cells by default
    try:
        rows = _export(state, tmp_path)
    finally:
        csv.field_size_limit(limit)
    # then
    assert len(rows[0]["Subject"]) == 1_100_000
