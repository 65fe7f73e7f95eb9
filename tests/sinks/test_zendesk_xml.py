import xml.etree.ElementTree as ET
from datetime import date

from events import OrganizationUpserted, TicketDeleted, TicketSatisfactionRated, UserUpserted
from events.commands import ExportRequest
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from tests.projections.tickets_story import (
    ANA, BOB, REQUESTER, LONG_AGO, at, comment, created, holiday, people, schedule, status, weekdays,
)
from tests.sinks.read_back import export_bytes


def _state(*events) -> ProjectionState:
    state = ProjectionState()
    for event in people() + [schedule()] + list(events):
        state.apply(event)
    return state


def _export(state, tmp_path, name="zendesk-xml", **options) -> tuple[int, ET.Element]:
    """The rows counted and the whole file parsed."""
    result = write_export(get_export(name), state, ExportRequest(export=name, **options), tmp_path)
    return result.rows, ET.fromstring(export_bytes(result))


def _fields(element: ET.Element) -> dict[str, str | None]:
    return {child.tag: child.text for child in element}


def test_zendesk_xml_holds_account_groups_organizations_tickets_users_in_order(tmp_path):
    # given one ticket, one organization, and the people of `people()` (three users, one group)
    state = _state(
        created(at("03-02 09:00")),
        OrganizationUpserted(event_id="o4", occurred_at=LONG_AGO, organization_id=4, name="Acme"),
    )
    # when
    rows, root = _export(state, tmp_path)
    # then
    assert root.tag == "zendesk-export"
    assert [(child.tag, child.get("type")) for child in root] == [
        ("accounts", "array"), ("groups", "array"), ("organizations", "array"), ("tickets", "array"), ("users", "array"),
    ]
    assert [len(child) for child in root] == [1, 1, 1, 1, 3]
    assert rows == 7


def test_zendesk_xml_ticket_has_all_comments_including_internal_notes(tmp_path):
    # given a description, a public reply and an internal note
    state = _state(
        created(at("03-02 09:00"), subject="Printer on fire", description="It smokes.", tags=("printer", "fire")),
        comment(at("03-02 10:30"), ANA, body="Unplug it, please.", comment_id=501),
        comment(at("03-02 10:45"), BOB, public=False, body="Second fire this week.", comment_id=502),
    )
    # when
    _, root = _export(state, tmp_path)
    # then
    ticket = root.find("tickets/ticket")
    assert ticket.findtext("subject") == "Printer on fire"
    assert ticket.findtext("description") == "It smokes."
    assert ticket.findtext("tags") == "printer fire"
    assert ticket.find("comments").get("type") == "array"
    assert [_fields(c) for c in ticket.findall("comments/comment")] == [
        {"id": None, "author-id": str(REQUESTER), "public": "true", "body": "It smokes.",
         "created-at": "2026-03-02T09:00:00+00:00"},
        {"id": "501", "author-id": str(ANA), "public": "true", "body": "Unplug it, please.",
         "created-at": "2026-03-02T10:30:00+00:00"},
        {"id": "502", "author-id": str(BOB), "public": "false", "body": "Second fire this week.",
         "created-at": "2026-03-02T10:45:00+00:00"},
    ]
    assert ticket.find("comments/comment/id").get("nil") == "true"  # the description has no comment id


def test_zendesk_xml_times_are_in_the_account_time_zone_with_offset(tmp_path):
    # given a ticket created just before Paris moves to summer time (29 March 2026, 01:00 UTC), solved after
    state = _state(
        created(at("03-29 00:30"), assignee_id=ANA),
        status(at("03-29 01:30"), "solved"),
    )
    # when
    _, root = _export(state, tmp_path, time_zone="Europe/Paris")
    # then
    ticket = root.find("tickets/ticket")
    assert ticket.findtext("created-at") == "2026-03-29T01:30:00+01:00"
    assert ticket.findtext("updated-at") == "2026-03-29T03:30:00+02:00"
    assert ticket.findtext("metric-set/solved-at") == "2026-03-29T03:30:00+02:00"
    assert ticket.find("created-at").get("type") == "datetime"
    assert root.findtext("accounts/account/time-zone") == "Europe/Paris"


def test_zendesk_xml_ticket_carries_its_metrics_and_rating(tmp_path):
    # given a ticket answered after 90 minutes and rated good
    state = _state(
        created(at("03-02 09:00"), assignee_id=ANA),
        comment(at("03-02 10:30"), ANA),
        TicketSatisfactionRated(event_id="r", occurred_at=at("03-02 11:00"), ticket_id=1, score="good"),
    )
    # when
    _, root = _export(state, tmp_path)
    # then
    ticket = root.find("tickets/ticket")
    assert _fields(ticket.find("metric-set/reply-time-in-minutes")) == {"calendar": "90", "business": "90"}
    assert ticket.find("metric-set/solved-at").get("nil") == "true"
    assert _fields(ticket.find("satisfaction-rating")) == {"score": "good", "comment": None}


TRICKY = 'a < b & "c" ]]> 🔥 nul\x00 vt\x0b \ud800 \ufffe\r\nend'
CLEANED = 'a < b & "c" ]]> 🔥 nul\ufffd vt\ufffd \ufffd \ufffd\r\nend'


def test_zendesk_xml_escapes_markup_and_replaces_what_xml_cannot_hold(tmp_path):
    # given markup, an emoji, control characters, a lone surrogate and a non-character
    # in a comment body and a user name
    state = _state(
        created(at("03-02 09:00")),
        comment(at("03-02 10:00"), ANA, body=TRICKY),
        UserUpserted(event_id="u20", occurred_at=LONG_AGO, user_id=20, name=TRICKY),
    )
    # when
    _, root = _export(state, tmp_path)
    # then the file parses, the markup reads back as text, the rest is U+FFFD
    assert root.findall("tickets/ticket/comments/comment")[1].findtext("body") == CLEANED
    assert root.findall("users/user")[-1].findtext("name") == CLEANED


def test_zendesk_xml_leaves_out_deleted_tickets(tmp_path):
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        TicketDeleted(event_id="d", occurred_at=at("03-02 10:00"), ticket_id=2),
    )
    _, root = _export(state, tmp_path)
    assert [t.findtext("id") for t in root.findall("tickets/ticket")] == ["1"]


def test_zendesk_xml_range_is_on_each_items_latest_update(tmp_path):
    # given ticket 2 and user 20 last updated Tuesday; the rest Monday or before
    state = _state(
        created(at("03-02 09:00"), ticket_id=1),
        created(at("03-02 09:00"), ticket_id=2),
        status(at("03-03 09:00"), "open", ticket_id=2),
        UserUpserted(event_id="u20", occurred_at=at("03-03 08:00"), user_id=20, name="Zoé"),
    )
    # when asking for Tuesday only
    rows, root = _export(state, tmp_path, date_from=at("03-03 00:00"), date_to=at("03-04 00:00"))
    # then the account is always there, with its schedules
    assert [t.findtext("id") for t in root.findall("tickets/ticket")] == ["2"]
    assert [u.findtext("id") for u in root.findall("users/user")] == ["20"]
    assert root.findall("groups/group") == []
    assert rows == 3  # account, ticket, user


def test_zendesk_xml_account_lists_schedules_with_holidays_and_the_default(tmp_path):
    # given the default schedule (1, UTC, Mon-Fri 09-17) with a holiday, and a Paris one (2)
    state = _state(
        holiday(date(2026, 3, 5)),
        schedule("Europe/Paris", weekdays(8, 12), schedule_id=2, is_default=False),
    )
    # when
    _, root = _export(state, tmp_path, as_of=at("03-06 00:00"))
    # then
    account = root.find("accounts/account")
    assert account.findtext("default-schedule-id") == "1"
    first, second = account.findall("schedules/schedule")
    assert (first.findtext("id"), first.findtext("time-zone")) == ("1", "UTC")
    assert [_fields(i) for i in first.findall("intervals/interval")][0] == {"start-minute": "1980", "end-minute": "2460"}
    assert [_fields(h) for h in first.findall("holidays/holiday")] == [{"start-date": "2026-03-05", "end-date": "2026-03-05"}]
    assert (second.findtext("id"), second.findtext("time-zone")) == ("2", "Europe/Paris")
    assert second.find("holidays").get("type") == "array" and len(second.find("holidays")) == 0


def test_zendesk_users_xml_holds_groups_organizations_users_with_tags(tmp_path):
    # given a tagged organization and user, and a ticket (not part of this export)
    state = _state(
        created(at("03-02 09:00")),
        OrganizationUpserted(event_id="o4", occurred_at=LONG_AGO, organization_id=4, name="Acme",
                             domain_names=("acme.example", "acme.test"), tags=("b2b", "vip")),
        UserUpserted(event_id="u20", occurred_at=at("02-03 08:00"), user_id=20, name="Zoé", email="zoe@acme.example",
                     organization_id=4, tags=("vip",)),
    )
    # when
    rows, root = _export(state, tmp_path, name="zendesk-users-xml", time_zone="Europe/Paris")
    # then
    assert [child.tag for child in root] == ["groups", "organizations", "users"]
    assert _fields(root.find("groups/group")) == {"id": "3", "name": "Support", "updated-at": "2026-01-01T01:00:00+01:00"}
    assert _fields(root.find("organizations/organization")) == {
        "id": "4", "name": "Acme", "domain-names": "acme.example acme.test", "tags": "b2b vip",
        "updated-at": "2026-01-01T01:00:00+01:00",
    }
    assert _fields(root.findall("users/user")[-1]) == {
        "id": "20", "name": "Zoé", "email": "zoe@acme.example", "role": "end-user", "organization-id": "4",
        "external-id": None, "tags": "vip", "updated-at": "2026-02-03T09:00:00+01:00",
    }
    assert rows == 1 + 1 + 4
