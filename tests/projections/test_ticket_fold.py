"""The ticket fold is order-free and idempotent: any order, any duplicates, same ticket."""
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events import TicketFieldsChanged, TicketSatisfactionRated, TicketTagsChanged
from projections import tickets as ticket_fold
from projections.ticket_metrics import ticket_metrics
from tests.projections.tickets_story import (
    ANA, BOB, REQUESTER, assignee, at, comment, created, fold_ticket, group, metrics, people, schedule, status,
)
from projections.state import ProjectionState

START = at("03-02 09:00")
STATUSES = ["new", "open", "pending", "hold", "solved"]


@st.composite
def stories(draw):
    """A created ticket and 1-15 later changes, each a few minutes to a day apart."""
    events = [created(START, assignee_id=draw(st.sampled_from([None, ANA])), group_id=3)]
    when = START
    for _ in range(draw(st.integers(1, 15))):
        when += timedelta(minutes=draw(st.integers(1, 1440)), seconds=draw(st.integers(0, 59)))
        kind = draw(st.sampled_from(["status", "assignee", "group", "comment", "tags", "rating"]))
        if kind == "status":
            events.append(status(when, draw(st.sampled_from(STATUSES))))
        elif kind == "assignee":
            events.append(assignee(when, draw(st.sampled_from([None, ANA, BOB]))))
        elif kind == "group":
            events.append(group(when, draw(st.sampled_from([None, 3, 4]))))
        elif kind == "comment":
            author = draw(st.sampled_from([REQUESTER, ANA, BOB]))
            events.append(comment(when, author, public=draw(st.booleans()), body=draw(st.text(max_size=8))))
        elif kind == "tags":
            events.append(TicketTagsChanged(event_id=f"tags{len(events)}", occurred_at=when, ticket_id=1,
                                            tags=tuple(draw(st.lists(st.sampled_from("abc"), max_size=3)))))
        else:
            events.append(TicketSatisfactionRated(event_id=f"csat{len(events)}", occurred_at=when, ticket_id=1,
                                                  score=draw(st.sampled_from(["offered", "good", "bad"]))))
    return events


def _account():
    state = ProjectionState()
    for event in people() + [schedule()]:
        state.apply(event)
    return state.account


ACCOUNT = _account()


@settings(max_examples=150, deadline=None)
@given(story=stories(), data=st.data())
def test_out_of_order_and_duplicated_events_give_the_same_ticket(story, data):
    # given the same events shuffled, with some delivered twice
    shuffled = data.draw(st.permutations(story))
    repeated = data.draw(st.lists(st.sampled_from(story), max_size=5))
    # when
    in_order = fold_ticket(story)
    messy = fold_ticket(shuffled + repeated)
    # then
    assert messy == in_order
    assert ticket_metrics(messy, ACCOUNT) == ticket_metrics(in_order, ACCOUNT)


@settings(max_examples=100, deadline=None)
@given(story=stories(), data=st.data())
def test_folding_events_together_equals_applying_them_one_by_one(story, data):
    # given the story cut in two batches, shuffled
    shuffled = data.draw(st.permutations(story))
    cut = data.draw(st.integers(0, len(story)))
    # when
    in_batches = ticket_fold.fold(ticket_fold.fold(ticket_fold.initial(1), shuffled[:cut]), shuffled[cut:])
    # then
    assert in_batches == fold_ticket(story)


def test_same_event_twice_changes_nothing():
    story = [created(START), status(at("03-02 10:00"), "solved"), comment(at("03-02 09:30"), ANA)]
    once = fold_ticket(story)
    assert fold_ticket(story + story) == once


def test_comments_keep_their_id_and_body_with_the_description_first():
    # given a reply and an internal note, the note arriving first
    story = [
        created(START, description="It smokes."),
        comment(at("03-02 10:45"), BOB, public=False, body="Second fire this week.", comment_id=502),
        comment(at("03-02 10:30"), ANA, body="Unplug it, please.", comment_id=501),
    ]
    # when
    state = fold_ticket(story)
    # then
    assert [(c.comment_id, c.author_id, c.public, c.is_description, c.body) for c in state.comments] == [
        (None, REQUESTER, True, True, "It smokes."),
        (501, ANA, True, False, "Unplug it, please."),
        (502, BOB, False, False, "Second fire this week."),
    ]


def test_late_field_change_does_not_overwrite_a_newer_value():
    # given the priority set to high at 10:00, then a change made at 09:30 arriving late
    newer = TicketFieldsChanged(event_id="f2", occurred_at=at("03-02 10:00"), ticket_id=1, changes={"priority": "high"})
    older = TicketFieldsChanged(event_id="f1", occurred_at=at("03-02 09:30"), ticket_id=1, changes={"priority": "low"})
    state = fold_ticket([created(START, priority="normal"), newer, older])
    assert state.field("priority") == "high"


def test_events_of_another_ticket_are_ignored():
    state = fold_ticket([created(START), status(at("03-02 10:00"), "solved", ticket_id=2)])
    assert state.status == "new"


def test_ticket_created_late_still_starts_the_timeline():
    # given a status change that overtook its ticket's creation
    state = fold_ticket([status(at("03-02 10:00"), "solved"), created(START)])
    assert [m.value for m in state.statuses] == ["new", "solved"]
    assert metrics(status(at("03-02 10:00"), "solved"), created(START)).first_resolution_time.calendar == 60


def test_state_is_frozen_and_encodable_for_the_state_store():
    import msgspec

    state = fold_ticket([created(START, tags=("vip",)), status(at("03-02 10:00"), "open")])
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(state), type=ticket_fold.TicketState) == state


def test_satisfaction_is_the_latest_rating_and_unoffered_by_default():
    # given a rating offered, then answered good, then changed to bad
    ratings = [
        TicketSatisfactionRated(event_id=f"r{i}", occurred_at=at(f"03-02 1{i}:00"), ticket_id=1, score=score)
        for i, score in enumerate(["offered", "good", "bad"])
    ]
    # then
    assert fold_ticket([created(START)]).field("satisfaction", "unoffered") == "unoffered"
    assert fold_ticket([created(START), *ratings]).field("satisfaction") == "bad"
    assert fold_ticket([created(START), *reversed(ratings)]).field("satisfaction") == "bad"
