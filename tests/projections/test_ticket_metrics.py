"""Every ticket metric rule of semantics.md, on stories a person can check on paper.

The default account works Monday to Friday, 09:00-17:00 UTC; 2 March 2026 is a Monday.
"""
from datetime import date

from events import UserUpserted, WeeklyInterval
from events.downstream import Minutes
from projections.state import ProjectionState
from projections.ticket_metrics import resolution_hours, ticket_metrics
from tests.projections.tickets_story import (
    ANA, BOB, REQUESTER, assignee, at, comment, created, group, holiday, metrics, people, schedule, status,
    weekdays,
)


def test_assignee_stations_count_changes_to_a_value_including_the_first():
    # given: Ana at creation, then Bob, then nobody, then Bob again, then Bob once more
    m = metrics(
        created(at("03-02 09:00"), assignee_id=ANA),
        assignee(at("03-02 10:00"), BOB),
        assignee(at("03-02 11:00"), None),
        assignee(at("03-02 12:00"), BOB),
        assignee(at("03-02 13:00"), BOB),
    )
    # then: Ana, Bob, Bob again after nobody = 3; assigned at = the latest, initially = the first
    assert m.assignee_stations == 3
    assert m.initially_assigned_at == at("03-02 09:00")
    assert m.assigned_at == at("03-02 12:00")


def test_group_stations_count_reassignments_across_groups():
    m = metrics(created(at("03-02 09:00"), group_id=3), group(at("03-02 10:00"), 4), group(at("03-02 11:00"), 3))
    assert m.group_stations == 3


def test_unassigned_ticket_has_no_stations_and_no_assignment_times():
    m = metrics(created(at("03-02 09:00")))
    assert (m.assignee_stations, m.group_stations, m.assigned_at, m.initially_assigned_at) == (0, 0, None, None)


def test_reopens_count_changes_from_solved_to_open_even_if_never_solved_again():
    # the seed: "changed from Solved to Open"; solved to pending is not a reopen
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 10:00"), "solved"),
        status(at("03-02 11:00"), "open"),
        status(at("03-02 12:00"), "solved"),
        status(at("03-02 13:00"), "pending"),
    )
    assert m.reopens == 1


def test_solved_time_counts_as_requester_wait_only_when_it_ends_in_a_reopen():
    # given: new 60, solved 60 then pending (no reopen), pending 60, open 60, final solve
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 10:00"), "solved"),
        status(at("03-02 11:00"), "pending"),
        status(at("03-02 12:00"), "open"),
        status(at("03-02 13:00"), "solved"),
    )
    # then: new 60 + open 60; the solved hour went to pending, not back to open
    assert m.requester_wait_time == Minutes(calendar=120, business=120)
    assert m.reopens == 0


def test_assigned_at_is_the_current_assignee_assignment_and_empty_once_unassigned():
    m = metrics(created(at("03-02 09:00"), assignee_id=ANA), assignee(at("03-02 10:00"), None))
    assert (m.assigned_at, m.initially_assigned_at, m.assignee_stations) == (None, at("03-02 09:00"), 1)


def test_replies_count_public_agent_comments_but_not_the_description_notes_or_end_users():
    m = metrics(
        created(at("03-02 09:00"), submitter_id=ANA),  # agent-created, public description
        comment(at("03-02 09:10"), ANA, public=False),  # internal note
        comment(at("03-02 09:20"), REQUESTER),  # end user
        comment(at("03-02 10:30"), ANA),
        comment(at("03-02 11:00"), BOB),  # admins are agents too
    )
    assert m.replies == 2


def test_first_reply_time_ignores_internal_notes_and_end_user_comments():
    m = metrics(
        created(at("03-02 09:00")),
        comment(at("03-02 09:10"), ANA, public=False),
        comment(at("03-02 09:20"), REQUESTER),
        comment(at("03-02 10:30"), ANA),
    )
    assert m.reply_time == Minutes(calendar=90, business=90)


def test_first_reply_time_across_a_night_counts_business_hours_only():
    # given: Monday 16:00 to Tuesday 10:00 is 18 h, of which 1 h on Monday and 1 h on Tuesday are worked
    m = metrics(created(at("03-02 16:00")), comment(at("03-03 10:00"), ANA))
    assert m.reply_time == Minutes(calendar=1080, business=120)


def test_first_reply_time_of_an_agent_created_ticket_skips_its_public_description():
    m = metrics(created(at("03-02 09:00"), submitter_id=ANA), comment(at("03-02 09:45"), ANA))
    assert m.reply_time == Minutes(calendar=45, business=45)


def test_first_reply_time_rounds_the_exact_time_to_the_nearest_minute():
    # 10:57:49 -> 11:29:29 is 31 min 40 s: 32 minutes
    m = metrics(created(at("03-02 10:57:49")), comment(at("03-02 11:29:29"), ANA))
    assert m.reply_time == Minutes(calendar=32, business=32)


def test_first_reply_time_matches_zendesk_on_its_8584_72_minute_ticket():
    # given: created Wednesday 15:41:04, first reply six days later, Tuesday 14:45:47
    m = metrics(created(at("03-04 15:41:04")), comment(at("03-10 14:45:47"), ANA))
    # then: 8584 min 43 s calendar; business Wed 78:56 + Thu, Fri 960 + Mon 480 + Tue 345:47
    # = 1864 min 43 s; Zendesk's Ticket Metrics say 8585 and 1865 (semantics.md)
    assert m.reply_time == Minutes(calendar=8585, business=1865)


def test_exactly_half_a_minute_rounds_up():
    # given: replies after 10 min 30 s and after 10 min 29 s
    half = metrics(created(at("03-02 09:00")), comment(at("03-02 09:10:30"), ANA))
    under = metrics(created(at("03-02 09:00")), comment(at("03-02 09:10:29"), ANA))
    # then
    assert half.reply_time == Minutes(calendar=11, business=11)
    assert under.reply_time == Minutes(calendar=10, business=10)


def test_summed_metric_adds_exact_segments_then_rounds_once():
    # given: two pending segments of 20 min 20 s each
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 10:00"), "pending"),
        status(at("03-02 10:20:20"), "open"),
        status(at("03-02 11:00"), "pending"),
        status(at("03-02 11:20:20"), "solved"),
    )
    # then: 40 min 40 s is 41 minutes (rounding each segment would say 20 + 20 = 40)
    assert m.agent_wait_time == Minutes(calendar=41, business=41)


def test_first_reply_time_stays_empty_until_a_reply_and_solving_does_not_fulfil_it():
    m = metrics(created(at("03-02 09:00")), status(at("03-02 10:00"), "solved"))
    assert m.reply_time is None
    assert m.replies == 0


def test_reopened_and_resolved_again_keeps_first_and_updates_full_resolution():
    # given: solved Monday 11:00, reopened 12:00, solved again Tuesday 10:00
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 11:00"), "solved"),
        status(at("03-02 12:00"), "open"),
        status(at("03-03 10:00"), "solved"),
    )
    # then: first = 2 h; full = 25 h calendar, Monday 8 h + Tuesday 1 h = 540 business minutes
    assert m.first_resolution_time == Minutes(calendar=120, business=120)
    assert m.full_resolution_time == Minutes(calendar=1500, business=540)
    assert m.solved_at == at("03-03 10:00")
    assert m.reopens == 1
    assert resolution_hours(m) == 25


def test_reopened_and_not_solved_again_has_no_full_resolution_but_keeps_the_first():
    # given: solved Monday 11:00, reopened 12:00, still open (semantics.md, from real
    # Zendesk data: reopens 1, first resolution kept, full resolution null, no solved_at)
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 11:00"), "solved"),
        status(at("03-02 12:00"), "open"),
    )
    # then
    assert m.reopens == 1
    assert m.first_resolution_time == Minutes(calendar=120, business=120)
    assert (m.full_resolution_time, m.solved_at, resolution_hours(m)) == (None, None, None)


def test_solved_then_pending_has_no_full_resolution_while_unsolved():
    # given: solved, then set back to pending (not a reopen by the seed's count)
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 11:00"), "solved"),
        status(at("03-02 12:00"), "pending"),
    )
    # then
    assert (m.reopens, m.first_resolution_time) == (0, Minutes(calendar=120, business=120))
    assert (m.full_resolution_time, m.solved_at) == (None, None)


def test_closed_after_solved_keeps_full_resolution():
    m = metrics(created(at("03-02 09:00")), status(at("03-02 09:30"), "solved"), status(at("03-06 09:30"), "closed"))
    assert m.full_resolution_time == Minutes(calendar=30, business=30)
    assert m.status_updated_at == at("03-06 09:30")


def test_resolution_hours_round_half_up():
    # 90 minutes is 1.5 h -> 2; 89 minutes -> 1
    assert resolution_hours(metrics(created(at("03-02 09:00")), status(at("03-02 10:30"), "solved"))) == 2
    assert resolution_hours(metrics(created(at("03-02 09:00")), status(at("03-02 10:29"), "solved"))) == 1


def test_agent_wait_time_sums_closed_pending_segments():
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 10:00"), "pending"),
        status(at("03-02 11:00"), "open"),
        status(at("03-02 14:00"), "pending"),
        status(at("03-02 14:30"), "solved"),
    )
    assert m.agent_wait_time == Minutes(calendar=90, business=90)


def test_agent_wait_time_is_empty_until_the_first_pending_segment_closes():
    never = metrics(created(at("03-02 09:00")), status(at("03-02 10:00"), "open"))
    still = metrics(created(at("03-02 09:00")), status(at("03-02 10:00"), "pending"))
    assert never.agent_wait_time is None
    assert still.agent_wait_time is None


def test_agent_wait_time_is_zero_once_solved_if_never_pending():
    # given: solved and closed without ever being pending (real data: 0/0), and one
    # solved then reopened, unsolved now, never pending
    solved = metrics(created(at("03-02 09:00")), status(at("03-02 10:00"), "solved"))
    closed = metrics(
        created(at("03-02 09:00")), status(at("03-02 10:00"), "solved"), status(at("03-03 10:00"), "closed")
    )
    reopened = metrics(
        created(at("03-02 09:00")), status(at("03-02 10:00"), "solved"), status(at("03-02 11:00"), "open")
    )
    # then
    assert solved.agent_wait_time == Minutes(calendar=0, business=0)
    assert closed.agent_wait_time == Minutes(calendar=0, business=0)
    assert reopened.agent_wait_time is None


def test_requester_wait_time_counts_new_open_and_reopened_solved_but_not_hold_or_final_solve():
    # given: new 30, open 30, pending 60, open 60, solved 60 then reopened, open 30, hold 90, final solve
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 09:30"), "open"),
        status(at("03-02 10:00"), "pending"),
        status(at("03-02 11:00"), "open"),
        status(at("03-02 12:00"), "solved"),
        status(at("03-02 13:00"), "open"),
        status(at("03-02 13:30"), "hold"),
        status(at("03-02 15:00"), "solved"),
    )
    # then: 30 + 30 + 60 + 60 + 30 = 210
    assert m.requester_wait_time == Minutes(calendar=210, business=210)
    assert m.on_hold_time == Minutes(calendar=90, business=90)


def test_requester_wait_time_is_empty_while_the_ticket_has_never_left_new_or_open():
    m = metrics(created(at("03-02 09:00")), status(at("03-02 09:30"), "open"))
    assert m.requester_wait_time is None


def test_on_hold_time_is_zero_when_never_on_hold_and_empty_while_first_hold_is_open():
    never = metrics(created(at("03-02 09:00")), status(at("03-02 09:30"), "solved"))
    holding = metrics(created(at("03-02 09:00")), status(at("03-02 09:30"), "hold"))
    assert never.on_hold_time == Minutes(0, 0)
    assert holding.on_hold_time is None


def test_on_hold_segments_overnight_count_business_minutes_only():
    # given: on hold Monday 16:00 to Tuesday 10:00, then Tuesday 16:30 to 17:30
    m = metrics(
        created(at("03-02 09:00")),
        status(at("03-02 16:00"), "hold"),
        status(at("03-03 10:00"), "open"),
        status(at("03-03 16:30"), "hold"),
        status(at("03-03 17:30"), "open"),
    )
    # then: 18 h + 1 h calendar; business 60 + 60 + 30
    assert m.on_hold_time == Minutes(calendar=1140, business=150)


def test_a_holiday_removes_its_working_hours():
    # given: Paris office Mon-Fri 09:00-17:00, Tuesday 3 March off; Monday 16:00 to Wednesday 10:00 Paris time
    account = people() + [schedule("Europe/Paris"), holiday(date(2026, 3, 3))]
    m = metrics(
        created(at("03-02 16:00", "Europe/Paris")),
        status(at("03-04 10:00", "Europe/Paris"), "solved"),
        account=account,
    )
    # then: 42 h calendar; Monday 1 h + Tuesday 0 + Wednesday 1 h
    assert m.full_resolution_time == Minutes(calendar=2520, business=120)


def test_a_week_crossing_the_dst_change_counts_wall_clock_hours():
    # given: New York office; Friday 6 March 16:00 EST to Monday 9 March 10:00 EDT (clocks jump on the 8th)
    account = people() + [schedule("America/New_York")]
    m = metrics(
        created(at("03-06 16:00", "America/New_York")),
        status(at("03-09 10:00", "America/New_York"), "solved"),
        account=account,
    )
    # then: 66 wall-clock hours minus the lost one = 65 h; business Friday 1 h + Monday 1 h
    assert m.full_resolution_time == Minutes(calendar=3900, business=120)


def test_ticket_still_open_at_as_of_counts_closed_segments_only():
    # given: the log ends while the ticket waits on the requester
    m = metrics(
        created(at("03-02 09:00"), assignee_id=ANA),
        status(at("03-02 09:30"), "open"),
        comment(at("03-02 10:00"), ANA),
        status(at("03-02 10:00"), "pending"),
    )
    assert m.requester_wait_time == Minutes(calendar=60, business=60)
    assert m.agent_wait_time is None
    assert (m.first_resolution_time, m.full_resolution_time, m.solved_at) == (None, None, None)
    assert m.reply_time == Minutes(calendar=60, business=60)


def test_without_any_schedule_business_minutes_equal_calendar_minutes():
    m = metrics(created(at("03-02 16:00")), comment(at("03-03 10:00"), ANA), account=people())
    assert m.reply_time == Minutes(calendar=1080, business=1080)


def test_schedule_in_force_when_recorded_applies_back_to_creation():
    # given: office hours until Tuesday 00:00, then a 24/7 schedule
    always = (WeeklyInterval(0, 10080),)
    account = people() + [schedule(), schedule(intervals=always, since=at("03-03 00:00"))]
    m = metrics(
        created(at("03-02 16:00")),
        comment(at("03-02 16:30"), ANA),  # recorded under office hours
        status(at("03-03 10:00"), "solved"),  # recorded under 24/7, back to Monday 16:00
        account=account,
    )
    assert m.reply_time == Minutes(calendar=30, business=30)
    assert m.first_resolution_time == Minutes(calendar=1080, business=1080)


def test_ticket_own_schedule_wins_over_the_account_default():
    # given: the default works 09:00-17:00 UTC, schedule 2 works 09:00-12:00 UTC
    account = people() + [schedule(), schedule(intervals=weekdays(9, 12), schedule_id=2, is_default=False)]
    m = metrics(created(at("03-02 09:00"), schedule_id=2), status(at("03-02 15:00"), "solved"), account=account)
    assert m.full_resolution_time == Minutes(calendar=360, business=180)


def test_a_user_made_agent_after_metrics_were_computed_counts_as_agent_from_then_on():
    # given: an account already asked who is an agent (the worker keeps one across batches),
    # and a reply by user 13, unknown then
    state = ProjectionState()
    for event in [*people(), schedule(), created(at("03-02 09:00")), comment(at("03-02 10:00"), 13)]:
        state.apply(event)
    before = ticket_metrics(state.tickets[1], state.account)
    # when user 13 turns out to be an agent
    state.apply(UserUpserted(event_id="u13", occurred_at=at("03-02 11:00"), user_id=13, name="Cy", role="agent"))
    after = ticket_metrics(state.tickets[1], state.account)
    # then
    assert (before.replies, after.replies) == (0, 1)
    assert after.reply_time == Minutes(calendar=60, business=60)
