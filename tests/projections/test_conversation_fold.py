"""The conversation fold is order-free and idempotent; responses and labels read from it."""
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events import ConversationTopicAdded, ConversationTopicRemoved
from projections import conversations as conversation_fold
from projections.conversations import current_labels
from projections.responses import responses
from tests.projections.conversations_story import (
    ANA, BOB, HOOT, created, fold, handover, inbound, locked, outbound, resolved, status, t, unlocked,
)

START = t("09:00:00")


@st.composite
def stories(draw):
    """A created conversation and 1-20 later events, each a few seconds to an hour apart."""
    events = [created(START), inbound(START, "m0")]
    when = START
    for n in range(1, draw(st.integers(1, 20)) + 1):
        when += timedelta(seconds=draw(st.integers(0, 3600)))
        agent = draw(st.sampled_from([ANA, BOB]))
        kind = draw(st.sampled_from(["in", "out", "va", "handover", "lock", "unlock", "pending", "new", "resolve"]))
        events.append({
            "in": lambda: inbound(when, f"m{n}"),
            "out": lambda: outbound(when, f"m{n}", agent),
            "va": lambda: outbound(when, f"m{n}", HOOT, "virtual_agent"),
            "handover": lambda: handover(when),
            "lock": lambda: locked(when, agent),
            "unlock": lambda: unlocked(when, agent),
            "pending": lambda: status(when, "Pending", agent),
            "new": lambda: status(when, "New"),
            "resolve": lambda: resolved(when, agent),
        }[kind]())
    return events


@given(stories(), st.randoms(use_true_random=False), st.data())
@settings(max_examples=150, deadline=None)
def test_fold_is_order_free_and_idempotent_any_order_with_duplicates(events, rng, data):
    # given: the same events shuffled, some twice, folded in two batches
    shuffled = events + data.draw(st.lists(st.sampled_from(events), max_size=5))
    rng.shuffle(shuffled)
    half = len(shuffled) // 2
    # when
    in_order = fold(events)
    mixed = conversation_fold.fold(fold(shuffled[:half]), shuffled[half:])
    # then
    assert mixed == in_order


def test_fold_duplicate_event_changes_nothing():
    # given
    event = inbound(t("09:01:00"), "m1")
    once = fold([created(START), event])
    # when
    twice = conversation_fold.apply(once, event)
    # then
    assert twice == once


def test_fold_ignores_other_conversations_events():
    # given
    state = fold([created(START)])
    # when / then
    assert conversation_fold.apply(state, inbound(START, "x1", conversation_id="conv-2")) is state


def test_current_labels_are_those_still_applied_in_order_applied():
    # given: billing, then a wrong topic taken off, then delivery
    def topic(when, topic_id, added=True):
        base = {"event_id": f"topic-{when:%H%M%S}", "occurred_at": when, "conversation_id": "conv-1",
                "topic_id": topic_id, "agent_id": ANA}
        if added:
            return ConversationTopicAdded(**base, topic_name=topic_id.title())
        return ConversationTopicRemoved(**base)

    state = fold([created(START), topic(t("09:01:00"), "billing"), topic(t("09:02:00"), "wrong"),
                  topic(t("09:02:01"), "wrong", added=False), topic(t("09:03:00"), "delivery")])
    # when / then
    assert [(m.label_id, m.name) for m in current_labels(state.topics)] == [
        ("billing", "Billing"), ("delivery", "Delivery")]


def test_response_started_by_contact_message_counts_from_its_first_unanswered_message():
    # given: two messages from the contact, two replies from Ana
    state = fold([created(START), inbound(START, "m1"), inbound(t("09:01:00"), "m2"),
                  outbound(t("09:05:00"), "m3"), outbound(t("09:06:00"), "m4")])
    # when
    found = responses(state)
    # then: one response, to the first message, 5 minutes after it; the second reply answers nothing new
    assert [(r.started_by, r.inbound.message_id, r.outbound.message_id, r.response_time) for r in found] == [
        ("INBOUND_MESSAGE", "m1", "m3", 300)]


def test_response_after_handover_counts_from_the_handover_with_its_reason():
    # given: the virtual agent replies, the contact insists, the VA hands over, Ana answers
    state = fold([created(START), inbound(START, "m1"), outbound(t("09:00:05"), "m2", HOOT, "virtual_agent"),
                  inbound(t("09:01:00"), "m3"), handover(t("09:01:10"), "Asked for a human"),
                  outbound(t("09:04:10"), "m4")])
    # when
    (found,) = responses(state)
    # then
    assert (found.started_by, found.handover_reason, found.started_at, found.inbound.message_id,
            found.outbound.message_id, found.response_time) == (
        "VA_HANDED_OVER_CONVERSATION", "Asked for a human", t("09:01:10"), "m3", "m4", 180)


def test_response_to_inbound_after_resolved_starts_a_new_wait():
    # given: resolved, then the contact writes again and Ana answers a minute later
    state = fold([created(START), inbound(START, "m1"), outbound(t("09:02:00"), "m2"), resolved(t("09:03:00"), ANA),
                  inbound(t("10:00:00"), "m3"), outbound(t("10:01:00"), "m4")])
    # when / then
    assert [(r.inbound.message_id, r.response_time) for r in responses(state)] == [("m1", 120), ("m3", 60)]
