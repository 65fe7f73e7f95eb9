"""Hootdesk rollups: who gets what from a conversation's activity inside a range."""
from datetime import timedelta
from itertools import count
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events import ConversationTopicAdded, ConversationTopicRemoved, CsatAnswered, MessageTagAdded
from events.log import read_log
from projections.hootdesk_rollups import Tally, conversation_rollups, merge, rollups, team_rollup
from projections.state import ProjectionState
from tests.projections.conversations_story import (
    ANA, BOB, CONTACT, CONVERSATION, HOOT, created, fold, handover, inbound, locked, outbound, people, resolved, t,
    unlocked,
)

EXAMPLE_LOG = Path(__file__).parents[2] / "examples" / "events.ndjson"
ON_CHANNEL = ("Facebook", "acme.support", "Acme Support")
_ids = count(1)


def _on(when) -> dict:
    return {"event_id": f"r{next(_ids):04d}", "occurred_at": when, "conversation_id": CONVERSATION}


def topic_added(when, topic_id, name, agent=ANA):
    return ConversationTopicAdded(**_on(when), topic_id=topic_id, topic_name=name, agent_id=agent)


def topic_removed(when, topic_id, agent=ANA):
    return ConversationTopicRemoved(**_on(when), topic_id=topic_id, agent_id=agent)


def tag_added(when, message_id, tag_id, name, agent=ANA):
    return MessageTagAdded(**_on(when), message_id=message_id, tag_id=tag_id, tag_name=name, agent_id=agent)


def csat(when, score):
    return CsatAnswered(**_on(when), score=score)


def _rollups(events, in_range=lambda at: True):
    return conversation_rollups(fold(events), people(), in_range)


def test_csat_goes_to_the_resolving_agent_not_the_one_who_replied():
    # given Ana answers, Bob resolves without a word, the contact gives 4
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2", sender=ANA),
              resolved(t("09:10:00"), BOB), csat(t("09:20:00"), 4)]
    # when
    found = _rollups(events)
    # then
    assert found[("agent", BOB)].csat == (0, 0, 0, 1, 0)
    assert (found[("agent", BOB)].resolves_with_reply, found[("agent", BOB)].resolves_without_reply) == (0, 1)
    assert found[("agent", ANA)].csat == (0, 0, 0, 0, 0)
    assert found[("agent", ANA)].replies == 1


def test_csat_answer_before_any_resolution_goes_to_no_agent():
    # given
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), csat(t("09:01:00"), 2)]
    # when
    found = _rollups(events)
    # then
    assert all(tally.csat == (0, 0, 0, 0, 0) for tally in found.values())


def test_topic_added_then_removed_counts_the_application_but_not_as_current():
    # given Ana adds Billing, then takes it away; she adds Refund and leaves it
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
              topic_added(t("09:01:00"), "billing", "Billing"), topic_removed(t("09:02:00"), "billing"),
              topic_added(t("09:03:00"), "refund", "Refund")]
    # when
    found = _rollups(events)
    # then
    billing = found[("topic", "billing", *ON_CHANNEL)]
    assert (len(billing.conversations), len(billing.current_conversations)) == (1, 0)
    assert len(found[("topic", "refund", *ON_CHANNEL)].current_conversations) == 1
    assert found[("agent", ANA)].topics_added == 2


def test_tag_on_two_messages_counts_two_messages_of_one_contact():
    # given the contact's two messages both tagged Lead
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), inbound(t("09:01:00"), "m2"),
              tag_added(t("09:02:00"), "m1", "lead", "Lead"), tag_added(t("09:02:30"), "m2", "lead", "Lead")]
    # when
    lead = _rollups(events)[("tag", "lead", *ON_CHANNEL)]
    # then
    assert (len(lead.contacts), len(lead.messages), len(lead.current_messages)) == (1, 2, 2)
    assert lead.name[2] == "Lead"


def test_virtual_agent_tags_count_messages_and_tags_apart():
    # given Hoot tags one message twice (Lead, Urgent) and another once
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), inbound(t("09:01:00"), "m2"),
              tag_added(t("09:02:00"), "m1", "lead", "Lead", agent=HOOT),
              tag_added(t("09:02:00"), "m1", "urgent", "Urgent", agent=HOOT),
              tag_added(t("09:03:00"), "m2", "lead", "Lead", agent=HOOT)]
    # when
    hoot = _rollups(events)[("virtual_agent", HOOT, *ON_CHANNEL)]
    # then
    assert (len(hoot.messages), hoot.tags_added) == (2, 3)


def test_handover_due_to_error_counts_in_both_handover_columns():
    # given Hoot answers, fails to understand, and hands over
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:00:05"), "m2", HOOT, "virtual_agent"),
              handover(t("09:00:30"), reason="Intent not recognized")]
    # when
    hoot = _rollups(events)[("virtual_agent", HOOT, *ON_CHANNEL)]
    # then
    assert (len(hoot.conversations), len(hoot.handovers), len(hoot.error_handovers)) == (1, 1, 1)


def test_handover_for_another_reason_is_not_an_error():
    # given
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), handover(t("09:00:30"), reason="Asked for a human")]
    # when
    hoot = _rollups(events)[("virtual_agent", HOOT, *ON_CHANNEL)]
    # then
    assert (len(hoot.handovers), len(hoot.error_handovers)) == (1, 0)


def test_range_edges_count_activity_from_the_start_included_to_the_end_excluded():
    # given a range [09:00, 10:00): messages at 08:59:59, 09:00, 09:59:59 and 10:00
    events = [created(t("08:00:00")), inbound(t("08:59:59"), "m0"), inbound(t("09:00:00"), "m1"),
              outbound(t("09:59:59"), "m2"), outbound(t("10:00:00"), "m3")]
    # when
    found = _rollups(events, in_range=lambda at: t("09:00:00") <= at < t("10:00:00"))
    # then
    contact = found[("contact", CONTACT)]
    assert (contact.inbound, contact.outbound, contact.first_at) == (1, 1, t("09:00:00"))
    assert found[("agent", ANA)].replies == 1


def test_lock_counts_in_the_range_it_closes_in_with_its_whole_duration():
    # given Ana holds the conversation from 08:50 to 09:10 and replies; the range starts at 09:00
    events = [created(t("08:40:00")), inbound(t("08:40:00"), "m1"), locked(t("08:50:00"), ANA),
              outbound(t("08:55:00"), "m2"), unlocked(t("09:10:00"), ANA)]
    # when
    ana = _rollups(events, in_range=lambda at: at >= t("09:00:00"))[("agent", ANA)]
    # then
    assert (ana.handle, ana.cherry_pick, ana.average_handle()) == (timedelta(minutes=20), timedelta(0),
                                                                  timedelta(minutes=20))
    assert ana.replies == 0  # her message was before the range


def test_first_response_and_resolution_go_to_the_agent_who_made_them():
    # given Ana answers after 5 minutes and resolves at 09:30
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2"),
              resolved(t("09:30:00"), ANA)]
    # when
    ana = _rollups(events)[("agent", ANA)]
    # then
    assert (ana.average_first_response(), ana.average_resolution()) == (timedelta(minutes=5), timedelta(minutes=30))
    assert (ana.resolves_with_reply, ana.resolves_without_reply) == (1, 0)


def test_automated_reply_is_no_agent_reply_nor_first_response():
    # given an automated acknowledgement at 09:00:01, then Ana's answer at 09:05
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"),
              outbound(t("09:00:01"), "auto", sender="hootdesk", kind="automation"), outbound(t("09:05:00"), "m2")]
    # when
    found = _rollups(events)
    # then the first response time (1 s, ended by the automation) goes to no agent
    assert ("agent", "hootdesk") not in found
    assert (found[("agent", ANA)].replies, found[("agent", ANA)].first_responses) == (1, 0)
    assert found[("contact", CONTACT)].outbound == 2


def test_team_figures_are_those_of_every_agent_having_the_team():
    # given Ana (Care) and Bob (Sales and Care) each answer once
    events = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:05:00"), "m2", sender=ANA),
              outbound(t("09:06:00"), "m3", sender=BOB)]
    found = _rollups(events)
    # when
    care, sales = team_rollup(found, people(), "care"), team_rollup(found, people(), "sales")
    # then
    assert (care.replies, len(care.contacts), care.first_at) == (2, 1, t("09:05:00"))
    assert (sales.replies, sales.first_at) == (1, t("09:06:00"))


@pytest.fixture(scope="module")
def example_state() -> ProjectionState:
    state = ProjectionState()
    state.fold(read_log(EXAMPLE_LOG, on_error=pytest.fail))
    return state


@settings(max_examples=25, deadline=None)
@given(parts=st.lists(st.integers(0, 3), min_size=30, max_size=30), start_day=st.integers(1, 9),
       days=st.integers(1, 9))
def test_rollups_merged_from_parts_equal_rollups_folded_at_once(example_state, parts, start_day, days):
    # given the example log's conversations split in up to four parts, and a range of days
    conversations, who = list(example_state.live_conversations()), example_state.people
    start = t("00:00:00", day=f"03-{start_day:02d}")

    def in_range(at):
        return start <= at < start + timedelta(days=days)

    split: dict[int, list] = {}
    for conversation, part in zip(conversations, parts * 2):
        split.setdefault(part, []).append(conversation)
    # when
    merged = merge(rollups(part, who, in_range, lambda channel: True) for part in reversed(split.values()))
    # then
    assert merged == rollups(conversations, who, in_range, lambda channel: True)


def test_merge_adds_counts_joins_sets_and_keeps_the_first_time():
    # given
    a = Tally(first_at=t("09:00:00"), replies=1, contacts=frozenset({"c1"}), csat=(1, 0, 0, 0, 0))
    b = Tally(first_at=t("08:00:00"), replies=2, contacts=frozenset({"c1", "c2"}), csat=(0, 0, 0, 0, 1))
    # when
    merged = merge([{("agent", ANA): a}, {("agent", ANA): b}])[("agent", ANA)]
    # then
    assert merged == Tally(first_at=t("08:00:00"), replies=3, contacts=frozenset({"c1", "c2"}), csat=(1, 0, 0, 0, 1))


def test_merge_joins_sets_empty_in_the_first_parts():
    # given: the owner's first two parts have no conversation, the next two have some
    parts = [Tally(replies=1), Tally(replies=1), Tally(conversations=frozenset({"v1"})),
             Tally(conversations=frozenset({"v2", "v1"}))]
    # when
    merged = merge({("agent", ANA): tally} for tally in parts)[("agent", ANA)]
    # then
    assert merged == Tally(replies=2, conversations=frozenset({"v1", "v2"}))
