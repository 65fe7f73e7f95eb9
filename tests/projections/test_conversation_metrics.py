"""Locks, lock times, first response and resolution of a conversation, checkable on paper."""
from datetime import timedelta

from projections.conversation_metrics import LockTimes, conversation_metrics, locks
from tests.projections.conversations_story import (
    ANA, BOB, HOOT, created, fold, handover, inbound, locked, outbound, people, resolved, status, t, unlocked,
)


def _metrics(events):
    return conversation_metrics(fold(events), people())


def test_steal_ends_the_first_lock_as_cherry_pick_and_the_thief_replies():
    # given: Ana looks for two minutes, Bob takes the conversation, replies and resolves
    events = [
        created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
        locked(t("09:10:00"), ANA),
        locked(t("09:12:00"), BOB),
        outbound(t("09:13:00"), "m2", sender=BOB),
        resolved(t("09:15:00"), BOB),
    ]
    # when
    metrics = _metrics(events)
    # then
    assert [(lock.agent_id, lock.ended_by) for lock in locks(fold(events), people())] == [
        (ANA, "steal"), (BOB, "resolve")]
    assert metrics.times == LockTimes(handle=300, no_reply=0, cherry_pick=120)
    assert metrics.agent_times == {ANA: LockTimes(120, 0, 120), BOB: LockTimes(180, 0, 0)}


def test_no_reply_time_is_a_lock_its_agent_resolved_without_replying():
    # given: Ana reads for 45 s and resolves (spam)
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              resolved(t("09:01:45"), ANA, reason="Spam")]
    # when
    metrics = _metrics(events)
    # then
    assert metrics.times == LockTimes(handle=45, no_reply=45, cherry_pick=0)


def test_cherry_pick_time_is_a_lock_left_without_replying():
    # given: Ana reads for 30 s and leaves it in the queue
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              unlocked(t("09:01:30"), ANA)]
    # when
    metrics = _metrics(events)
    # then
    assert metrics.times == LockTimes(handle=30, no_reply=0, cherry_pick=30)


def test_lock_ended_by_pending_counts_until_the_change_and_not_the_later_unlock():
    # given: Ana replies, moves it to Pending at 09:03, and closes her tab at 09:10
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              outbound(t("09:02:00"), "m2"), status(t("09:03:00"), "Pending", ANA), unlocked(t("09:10:00"), ANA)]
    # when
    metrics = _metrics(events)
    # then: 2 minutes of handle time, with a reply so neither no-reply nor cherry-pick
    assert metrics.times == LockTimes(handle=120, no_reply=0, cherry_pick=0)


def test_lock_ended_by_someone_elses_resolve_is_cherry_pick():
    # given: Ana looks from 09:01; the conversation is auto-resolved at 09:02 while she looks
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              resolved(t("09:02:00"), None, trigger="auto_resolve")]
    # when
    metrics = _metrics(events)
    # then
    assert metrics.times == LockTimes(handle=60, no_reply=0, cherry_pick=60)


def test_locks_only_by_human_agents_on_new_or_pending_and_closed():
    # given: the virtual agent "locks", Ana locks a resolved conversation, Bob's lock is still held
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:00:10"), HOOT),
              unlocked(t("09:00:50"), HOOT), resolved(t("09:01:00"), trigger="virtual_agent", agent=HOOT),
              locked(t("09:02:00"), ANA), unlocked(t("09:03:00"), ANA),
              status(t("09:04:00"), "New"), locked(t("09:05:00"), BOB)]
    # when
    metrics = _metrics(events)
    # then: no lock counts
    assert metrics.times == LockTimes(0, 0, 0)
    assert metrics.agent_times == {}


def test_bulk_resolve_by_the_lock_holder_is_a_no_reply_resolve():
    # given
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              resolved(t("09:01:20"), ANA, trigger="bulk")]
    # when
    metrics = _metrics(events)
    # then
    assert metrics.times == LockTimes(handle=20, no_reply=20, cherry_pick=0)
    assert metrics.resolution.trigger == "bulk"


def test_first_response_time_counts_from_the_handover_to_a_human_reply():
    # given: the virtual agent answers at once, then hands over; Ana answers 3 minutes later
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
              outbound(t("09:00:05"), "m2", HOOT, "virtual_agent"),
              inbound(t("09:01:00"), "m3"), handover(t("09:01:10")), outbound(t("09:04:10"), "m4")]
    # when
    metrics = _metrics(events)
    # then
    assert metrics.first_response_time == 180


def test_first_response_time_without_handover_is_first_inbound_to_first_outbound():
    # given: the virtual agent answers and resolves, no human ever involved
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
              outbound(t("09:00:05"), "m2", HOOT, "virtual_agent"),
              resolved(t("09:00:30"), HOOT, trigger="virtual_agent")]
    # when
    metrics = _metrics(events)
    # then
    assert metrics.first_response_time == 5
    assert metrics.resolution_time == 30


def test_first_response_time_is_empty_until_the_first_response():
    # given
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), handover(t("09:00:10"))]
    # when / then
    assert _metrics(events).first_response_time is None


def test_durations_are_truncated_to_whole_seconds():
    # given: resolved 1799.999 s after the first message
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
              resolved(t("09:30:00") - timedelta(milliseconds=1), ANA)]
    # when / then
    assert _metrics(events).resolution_time == 1799


def test_inbound_after_resolved_is_counted_and_leaves_the_resolution():
    # given: resolved at 09:10, then the contact writes "thanks" at 10:00
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2"),
              resolved(t("09:10:00"), ANA), inbound(t("10:00:00"), "m3")]
    # when
    conversation = fold(events)
    metrics = conversation_metrics(conversation, people())
    # then
    assert (conversation.status, metrics.inbound_count, metrics.outbound_count) == ("Resolved", 2, 1)
    assert (metrics.resolution.at, metrics.resolution_time) == (t("09:10:00"), 600)


def test_reopened_and_not_resolved_again_has_empty_resolution_but_keeps_first_resolution():
    # given
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), resolved(t("09:10:00"), ANA),
              inbound(t("10:00:00"), "m3"), status(t("10:00:00"), "New")]
    # when
    conversation = fold(events)
    metrics = conversation_metrics(conversation, people())
    # then
    assert (metrics.resolution, metrics.resolution_time) == (None, None)
    assert conversation.first_resolved_at == t("09:10:00")


def test_last_status_change_is_the_last_move_to_resolved_or_pending():
    # given: Bob moves it to Pending, the contact's answer moves it back to New
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), status(t("09:05:00"), "Pending", BOB),
              status(t("09:30:00"), "New")]
    # when / then
    assert _metrics(events).last_status_change.agent_id == BOB


def test_lock_agent_unknown_to_the_directory_is_taken_as_human():
    # given: agent-zoe has no AgentUpserted
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), "agent-zoe"),
              unlocked(t("09:01:40"), "agent-zoe")]
    # when / then
    assert _metrics(events).agent_times == {"agent-zoe": LockTimes(40, 0, 40)}


def test_lock_goes_on_through_a_relock_a_stranger_unlock_and_a_status_restated():
    # given: Ana locks twice, Bob "unlocks" without holding it, New is restated; Ana resolves
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
              locked(t("09:01:30"), ANA), unlocked(t("09:02:00"), BOB), status(t("09:02:30"), "New"),
              resolved(t("09:03:00"), ANA)]
    # when / then: one lock of two minutes, ended by her resolve without a reply
    assert _metrics(events).times == LockTimes(handle=120, no_reply=120, cherry_pick=0)
