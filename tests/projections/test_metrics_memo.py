"""The account's revision, which says whether ticket metrics computed earlier still hold:
made of what metrics read (schedules, holidays, who is an agent) and of nothing else."""
from datetime import date

from events import UserUpserted
from projections import directory
from projections.account import Account
from tests.projections.tickets_story import REQUESTER, at, holiday, people, schedule


def _account(events) -> Account:
    parts = {}
    account = Account(parts)
    for event in events:
        parts[event.key] = directory.apply(parts.get(event.key) or directory.initial(), event)
        account.note(event)
    return account


def _user(role: str, name: str = "Rita Requester", event_id: str = "u7b") -> UserUpserted:
    return UserUpserted(event_id=event_id, occurred_at=at("03-03 00:00"), user_id=REQUESTER, name=name, role=role)


OFFICE = schedule()
REFERENCE = [*people(), OFFICE]


def test_revision_is_the_same_for_the_same_reference_data_in_any_order():
    # given / when
    forward, backward = _account(REFERENCE), _account(reversed(REFERENCE))
    # then
    assert forward.revision() == backward.revision()


def test_revision_changes_when_a_user_becomes_an_agent_and_back():
    # given
    before = _account(REFERENCE).revision()
    # when
    promoted = _account([*REFERENCE, _user("agent")]).revision()
    demoted = _account([*REFERENCE, _user("agent"), _user("end-user", event_id="u7c")]).revision()
    # then
    assert promoted != before
    assert demoted == before


def test_revision_changes_when_a_user_becomes_an_agent_after_it_was_read():
    # given an account whose revision was read
    account = _account(REFERENCE)
    before = account.revision()
    # when a user is promoted, folded into the same parts
    promotion = _user("agent")
    account.parts[promotion.key] = directory.apply(account.parts[promotion.key], promotion)
    account.note(promotion)
    # then
    assert account.revision() != before


def test_revision_stays_when_a_user_changes_but_not_their_role():
    # given / when
    renamed = _account([*REFERENCE, _user("end-user", name="Rita R.")])
    # then
    assert renamed.revision() == _account(REFERENCE).revision()


def test_revision_changes_with_a_holiday_or_a_schedule_version():
    # given
    before = _account(REFERENCE).revision()
    # when
    with_holiday = _account([*REFERENCE, holiday(date(2026, 3, 4))]).revision()
    with_version = _account([*REFERENCE, schedule(since=at("03-01 00:00"))]).revision()
    # then
    assert len({before, with_holiday, with_version}) == 3
