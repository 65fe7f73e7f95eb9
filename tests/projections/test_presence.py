"""An agent's presence intervals, checkable on paper (times UTC, 2 March 2026 unless said)."""
import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projections import presence as presence_fold
from projections.presence import Interval, intervals
from projections.state import ProjectionState
from tests.projections.conversations_story import ANA, BOB, t
from tests.projections.presence_story import available, away, presence_of


def _listed(found: list[Interval]) -> list[tuple]:
    return [(i.type, i.away_state, i.start, i.end) for i in found]


def test_presence_intervals_alternate_available_and_away_with_the_away_state_name():
    # given: Ana is available at 09:00, at lunch from 12:00, back at 13:00, on a break at 15:00
    events = [available(t("09:00:00")), away(t("12:00:00"), state="Lunch"), available(t("13:00:00")),
              away(t("15:00:00"), state="Break")]
    # when
    found = intervals(presence_of(events), as_of=t("15:30:00"))
    # then
    assert _listed(found) == [
        ("Available", None, t("09:00:00"), t("12:00:00")),
        ("Away", "Lunch", t("12:00:00"), t("13:00:00")),
        ("Available", None, t("13:00:00"), t("15:00:00")),
        ("Away", "Break", t("15:00:00"), t("15:30:00")),
    ]


def test_presence_interval_still_running_is_closed_at_the_as_of_time():
    # given: Ana available since 09:00, nothing since
    presence = presence_of([available(t("09:00:00"))])
    # when
    found = intervals(presence, as_of=t("10:15:30"))
    # then: one interval of 1 h 15 min 30 s
    assert _listed(found) == [("Available", None, t("09:00:00"), t("10:15:30"))]
    assert found[0].duration.total_seconds() == 4530


def test_presence_changes_after_the_as_of_time_are_left_out():
    # given: Ana goes away at 12:00, but the snapshot is as of 11:00
    presence = presence_of([available(t("09:00:00")), away(t("12:00:00"), state="Lunch")])
    # when
    found = intervals(presence, as_of=t("11:00:00"))
    # then
    assert _listed(found) == [("Available", None, t("09:00:00"), t("11:00:00"))]


def test_presence_restated_state_continues_its_interval():
    # given: Ana said she was available twice, and away for lunch twice
    events = [available(t("09:00:00")), available(t("10:00:00")), away(t("12:00:00"), state="Lunch"),
              away(t("12:30:00"), state="Lunch"), away(t("12:45:00"), state="Meeting")]
    # when
    found = intervals(presence_of(events), as_of=t("13:00:00"))
    # then: a different away state is a new interval, the same one is not
    assert _listed(found) == [
        ("Available", None, t("09:00:00"), t("12:00:00")),
        ("Away", "Lunch", t("12:00:00"), t("12:45:00")),
        ("Away", "Meeting", t("12:45:00"), t("13:00:00")),
    ]


def test_presence_changes_at_the_same_instant_keep_only_the_later():
    # given: at 12:00 Ana goes away and, in the same second, comes back (event ids in that order)
    events = [available(t("09:00:00")), away(t("12:00:00")), available(t("12:00:00"))]
    # when
    found = intervals(presence_of(events), as_of=t("13:00:00"))
    # then: no zero-length interval, and the two available intervals are one
    assert _listed(found) == [("Available", None, t("09:00:00"), t("13:00:00"))]


def test_presence_fold_is_idempotent_and_order_free():
    # given: a day of changes, and the same changes shuffled with each one twice
    events = [available(t("09:00:00")), away(t("12:00:00"), state="Lunch"), available(t("13:00:00")),
              away(t("17:00:00"))]
    mixed = events * 2
    random.Random(3).shuffle(mixed)
    # when
    in_order, shuffled = presence_of(events), presence_of(mixed)
    # then
    assert shuffled == in_order
    assert presence_of(events + events) == in_order


def test_presence_fold_ignores_other_agents():
    # when
    presence = presence_of([available(t("09:00:00"), BOB)], agent=ANA)
    # then
    assert presence.changes == ()


@pytest.mark.parametrize("start, end, listed", [
    ("08:00:00", "09:00:00", False),  # ends where the range starts: no time in it
    ("08:00:00", "09:00:01", True),  # starts before, runs into it
    ("09:00:00", "09:30:00", True),  # starts on the range's start
    ("09:30:00", "11:00:00", True),  # starts in it, ends after
    ("08:00:00", "11:00:00", True),  # covers it
    ("10:00:00", "11:00:00", False),  # starts where it ends (end exclusive)
])
def test_presence_interval_overlaps_range_when_it_starts_in_it_or_runs_into_it(start, end, listed):
    # given: the range 09:00 to 10:00
    interval = Interval("Available", None, t(start), t(end))
    # when / then
    assert interval.overlaps(t("09:00:00"), t("10:00:00")) is listed


def test_presence_time_within_range_is_clipped_to_it():
    # given: 08:00 to 11:00, and the range 09:00 to 10:00
    interval = Interval("Available", None, t("08:00:00"), t("11:00:00"))
    # when / then
    assert interval.time_within(t("09:00:00"), t("10:00:00")).total_seconds() == 3600
    assert interval.time_within(None, None).total_seconds() == 3 * 3600


def test_projection_state_folds_presence_by_agent_and_dates_the_snapshot_by_it():
    # given: Ana's and Bob's presence, Bob's latest change last of all
    state = ProjectionState()
    state.fold([available(t("09:00:00"), ANA), available(t("09:05:00"), BOB), away(t("18:00:00"), BOB)])
    # when
    presence = state.presence
    # then
    assert sorted(presence) == [ANA, BOB]
    assert [mark.type for mark in presence[BOB].changes] == ["Available", "Away"]
    assert state.last_event_at() == t("18:00:00")


def test_last_event_at_given_states_latest_of_any():
    # given: presence states folded elsewhere (a worker's tables), Bob's latest change last of all
    folded = ProjectionState()
    folded.fold([available(t("09:00:00"), ANA), away(t("18:00:00"), BOB), available(t("10:00:00"), ANA)])
    state = ProjectionState(presence=dict(folded.presence))
    # when
    as_of = state.last_event_at()
    # then
    assert as_of == t("18:00:00")


@st.composite
def days(draw):
    """1-15 presence changes of Ana from 09:00, each 0 s (the same instant) to an hour apart."""
    when, events = t("09:00:00"), []
    for _ in range(draw(st.integers(1, 15))):
        when += timedelta(seconds=draw(st.sampled_from([0, 1, 60, 1800, 3600])))
        state = draw(st.sampled_from([None, "Lunch", "Break"]))
        events.append(available(when) if state is None else away(when, state=state))
    return events


@given(days(), st.randoms(use_true_random=False), st.data())
@settings(max_examples=150, deadline=None)
def test_presence_intervals_tile_the_time_from_the_first_change_whatever_the_order(events, rng, data):
    # given: the same changes shuffled, some twice, folded in two batches
    shuffled = events + data.draw(st.lists(st.sampled_from(events), max_size=4))
    rng.shuffle(shuffled)
    half = len(shuffled) // 2
    as_of = events[-1].occurred_at + timedelta(minutes=5)
    # when
    in_order = presence_of(events)
    mixed = presence_fold.fold(presence_of(shuffled[:half]), shuffled[half:])
    found = intervals(in_order, as_of)
    # then: the same state; intervals end to end from the first change to the as-of time,
    # each of some length and a state other than the one before
    assert mixed == in_order
    assert found[0].start == events[0].occurred_at and found[-1].end == as_of
    assert all(a.end == b.start and (a.type, a.away_state) != (b.type, b.away_state) for a, b in zip(found, found[1:]))
    assert all(interval.duration > timedelta(0) for interval in found)
