"""Hootdesk agent and team figures: per-conversation contributions folded by owner, all time."""
import csv
from pathlib import Path

import pytest

from events import CsatAnswered
from events.downstream import HootdeskFigures
from events.log import read_log
from projections import conversations as conversation_fold
from projections import hootdesk_figures as figures_fold
from projections.hootdesk_figures import Presence, all_figures, changes, contributions, figures, presence_now
from projections.state import CONVERSATION_TYPES, ProjectionState
from tests.projections.conversations_story import (
    ANA, BOB, HOOT, created, fold, inbound, locked, outbound, people, resolved, status, t,
)
from tests.projections.presence_story import available, away, presence_of

EXAMPLE_LOG = Path(__file__).parents[2] / "examples" / "events.ndjson"
GOLDEN = Path(__file__).parents[1] / "golden"


def answered_by_ana():
    """conv-1: Noah writes at 09:00; Ana locks at 09:01, replies at 09:03, resolves at 09:05;
    Noah rates it 5 at 09:20."""
    return fold([created(t("09:00:00")), inbound(t("09:00:00"), "m1"), locked(t("09:01:00"), ANA),
                 outbound(t("09:03:00"), "m2", ANA), resolved(t("09:05:00"), ANA),
                 CsatAnswered(event_id="csat-1", occurred_at=t("09:20:00"), conversation_id="conv-1", score=5)])


def stolen_by_bob(*late):
    """conv-2: Noah writes at 10:00; Ana locks at 10:01, Bob takes it at 10:03, replies at
    10:04 and resolves at 10:06."""
    c = "conv-2"
    return fold([created(t("10:00:00"), c), inbound(t("10:00:00"), "m3", c), locked(t("10:01:00"), ANA, c),
                 locked(t("10:03:00"), BOB, c), outbound(t("10:04:00"), "m4", BOB, conversation_id=c),
                 resolved(t("10:06:00"), BOB, conversation_id=c), *late], c)


def owner_states(*conversations, presence=()):
    return all_figures(conversations, presence, people())


def test_agent_figures_add_up_every_conversation_of_the_agent():
    # given Ana's presence: available at 08:30, said again at 09:30, away for lunch at 12:00
    ana_presence = presence_of([available(t("08:30:00")), available(t("09:30:00")),
                                away(t("12:00:00"), state="Lunch")])
    # when
    found = owner_states(answered_by_ana(), stolen_by_bob(), presence=[ana_presence])
    # then: conv-1 whole (reply, resolve, 3 min to respond, 5 to resolve, a 4 min lock, the 5);
    # from conv-2 only her 2 min lock, cherry-picked; Noah is one contact helped
    assert figures("agent:agent-ana", found["agent:agent-ana"]) == HootdeskFigures(
        owner="agent:agent-ana", conversations=2, first_reply_at=t("09:03:00"), replies=1, contacts_helped=1,
        resolves_with_reply=1, resolves_without_reply=0, first_response_seconds=180, first_responses=1,
        resolution_seconds=300, resolutions=1, handle_seconds=240 + 120, handled_conversations=2,
        no_reply_seconds=0, cherry_pick_seconds=120, tags_added=0, topics_added=0,
        csat_score_1=0, csat_score_2=0, csat_score_3=0, csat_score_4=0, csat_score_5=1,
        available=False, away_state="Lunch", presence_since=t("12:00:00"),
    )


def test_stolen_conversation_counts_for_the_agent_who_took_it_too():
    # when
    bob = figures("agent:agent-bob", owner_states(answered_by_ana(), stolen_by_bob())["agent:agent-bob"])
    # then: conv-2 from 10:03: the reply, the resolve, 4 min to respond, 6 to resolve, a
    # 3 min lock; no presence known
    assert (bob.conversations, bob.replies, bob.resolves_with_reply, bob.first_response_seconds,
            bob.resolution_seconds, bob.handle_seconds, bob.cherry_pick_seconds) == (1, 1, 1, 240, 360, 180, 0)
    assert (bob.available, bob.away_state, bob.presence_since) == (None, None, None)


def test_team_figures_merge_their_agents_counting_a_conversation_once():
    # given Ana in Care; Bob in Sales and Care
    found = owner_states(answered_by_ana(), stolen_by_bob())
    # when
    care, sales = figures("team:care", found["team:care"]), figures("team:sales", found["team:sales"])
    # then: Care has both conversations (conv-2 locked by both, one handled conversation)
    assert (care.conversations, care.replies, care.contacts_helped, care.handle_seconds, care.handled_conversations,
            care.first_response_seconds, care.first_responses, care.csat_score_5) == (2, 2, 1, 540, 2, 420, 2, 1)
    assert (sales.conversations, sales.replies, sales.handle_seconds, sales.first_reply_at) == (
        1, 1, 180, t("10:04:00"))
    assert care.available is None


def pending_with_bob(*late):
    """conv-3: Noah writes at 11:00; Ana replies at 11:02; Bob locks at 11:05, replies at
    11:06 and sets it Pending at 11:07 (open, waiting for Noah)."""
    c = "conv-3"
    return fold([created(t("11:00:00"), c), inbound(t("11:00:00"), "m6", c), outbound(t("11:02:00"), "m7", ANA,
                 conversation_id=c), locked(t("11:05:00"), BOB, c), outbound(t("11:06:00"), "m8", BOB,
                 conversation_id=c), status(t("11:07:00"), "Pending", BOB, c), *late], c)


def test_open_conversations_are_those_new_or_pending_now_the_owner_has_figures_from():
    # given conv-1 and conv-2 resolved, conv-3 Pending (Ana and Bob replied in it), and
    # conv-4 New, unanswered (no one has figures from it)
    unanswered = fold([created(t("12:00:00"), "conv-4"), inbound(t("12:00:00"), "m9", "conv-4")], "conv-4")
    # when
    found = owner_states(answered_by_ana(), stolen_by_bob(), pending_with_bob(), unanswered)
    ana = figures("agent:agent-ana", found["agent:agent-ana"])
    bob = figures("agent:agent-bob", found["agent:agent-bob"])
    care, sales = figures("team:care", found["team:care"]), figures("team:sales", found["team:sales"])
    # then: conv-3 is open for both agents, and once for Care, which has them both
    assert (ana.conversations, ana.open_conversations) == (3, 1)
    assert (bob.conversations, bob.open_conversations) == (2, 1)
    assert (care.conversations, care.open_conversations, sales.open_conversations) == (3, 1, 1)


def test_open_conversation_resolved_is_told_its_owners_closed():
    # given conv-3 Pending in Bob's figures
    before = contributions(pending_with_bob(), people())
    bob = figures_fold.apply(figures_fold.initial(), {"conv-3": before["agent:agent-bob"]})
    # when Bob resolves it at 11:30
    after = contributions(pending_with_bob(resolved(t("11:30:00"), BOB, conversation_id="conv-3")), people())
    bob = figures_fold.apply(bob, {"conv-3": changes(before, after)["agent:agent-bob"]})
    # then
    assert (figures("agent:agent-bob", bob).conversations, figures("agent:agent-bob", bob).open_conversations) == (1, 0)


def test_figures_carry_the_owner_name_the_directory_gives():
    # given the directory of Ana (team Care), and an agent it does not know
    who = people()
    # then
    assert (figures_fold.owner_name("agent:agent-ana", who), figures_fold.owner_name("team:care", who)) == (
        "Ana Agent", "Customer care")
    assert figures_fold.owner_name("agent:agent-zoe", who) is None
    assert figures("team:care", figures_fold.initial(), "Customer care").owner_name == "Customer care"


def test_agent_figures_carry_the_agent_teams_the_directory_gives():
    # given the directory of Bob (teams Sales and Care)
    who = people()
    # when
    teams = [figures_fold.team_ids(owner, who) for owner in ("agent:agent-bob", "team:care", "agent:agent-zoe")]
    # then: a team, and an agent the directory does not know, have none
    assert teams == [("sales", "care"), (), ()]
    assert figures("agent:agent-bob", figures_fold.initial(), "Bob Agent", ("sales", "care")).team_ids == (
        "sales", "care")


def test_virtual_agent_resolving_a_rated_conversation_gets_no_agent_figures():
    # given Hoot (a virtual agent) resolving conv-5 at 13:01, and Noah rating it 1 at 13:05
    c = "conv-5"
    rated = fold([created(t("13:00:00"), c), inbound(t("13:00:00"), "m10", c),
                  resolved(t("13:01:00"), HOOT, trigger="virtual_agent", conversation_id=c),
                  CsatAnswered(event_id="csat-5", occurred_at=t("13:05:00"), conversation_id=c, score=1)], c)
    # when
    given = contributions(rated, people())
    # then: no "agent:va-hoot" owner on the agent-figures topic
    assert given == {}


def test_redelivered_change_changes_nothing():
    # given Ana's state after conv-1's change
    told = changes({}, contributions(answered_by_ana(), people()))
    once = figures_fold.apply(figures_fold.initial(), {"conv-1": told["agent:agent-ana"]})
    # when the same change comes again
    twice = figures_fold.apply(once, {"conv-1": told["agent:agent-ana"]})
    # then
    assert twice is once
    assert figures("agent:agent-ana", twice).replies == 1


def test_conversation_leaving_an_owner_is_removed():
    # given conv-2 in Ana's figures (her cherry-picked lock), then a late event: Bob had
    # resolved it at 10:00:30, before Ana's lock, which then never counted
    before = contributions(stolen_by_bob(), people())
    after = contributions(stolen_by_bob(resolved(t("10:00:30"), BOB, conversation_id="conv-2")), people())
    ana = owner_states(answered_by_ana(), stolen_by_bob())["agent:agent-ana"]
    # when
    told = changes(before, after)
    ana = figures_fold.apply(ana, {"conv-2": told["agent:agent-ana"]})
    # then Ana is told conv-2 left her, and her figures are conv-1's alone
    assert told["agent:agent-ana"] is None and told["agent:agent-bob"] is not None
    assert (figures("agent:agent-ana", ana).conversations, figures("agent:agent-ana", ana).handle_seconds) == (1, 240)


def test_unchanged_contribution_is_not_told_again():
    # given Ana's answer, then only a new message from the contact: no agent's figures move
    answered = [created(t("09:00:00")), inbound(t("09:00:00"), "m1"), outbound(t("09:03:00"), "m2", ANA)]
    before, after = fold(answered), fold([*answered, inbound(t("09:10:00"), "m5")])
    # when
    told = changes(contributions(before, people()), contributions(after, people()))
    # then
    assert told == {}


def test_presence_now_is_the_latest_state_and_when_it_began():
    # given available at 08:30, said again at 09:30 (the same interval goes on)
    restated = presence_of([available(t("08:30:00")), available(t("09:30:00"))])
    # then
    assert presence_now(restated) == Presence("Available", None, t("08:30:00"))
    assert presence_now(presence_of([])) is None


def test_figures_fed_change_by_change_equal_figures_folded_at_once():
    # given the example log, and the same log fed one event at a time as the worker is,
    # each conversation change telling its owners
    events = list(read_log(EXAMPLE_LOG, on_error=pytest.fail))
    replayed = ProjectionState()
    replayed.fold(events)
    who = replayed.people
    conversations, fed = {}, {}
    for event in events:
        if type(event) not in CONVERSATION_TYPES:
            continue
        before = conversations.get(event.conversation_id) or fold([], event.conversation_id)
        after = conversations[event.conversation_id] = conversation_fold.apply(before, event)
        for owner, given in changes(contributions(before, who), contributions(after, who)).items():
            fed[owner] = figures_fold.apply(fed.get(owner, figures_fold.initial()), {event.conversation_id: given})
    # when
    at_once = all_figures(replayed.live_conversations(), (), who)
    # then
    assert {owner: state for owner, state in fed.items() if state.conversations} == at_once
    assert any(owner.startswith("team:") for owner in at_once)
    assert figures("agent:agent-01", at_once["agent:agent-01"]).replies > 0


# The figures and the export columns counting the same thing, over the whole example log.
USER_COLUMNS = {
    "Contacts Helped": "contacts_helped", "Handle Time (s)": "handle_seconds", "No-Reply Time (s)": "no_reply_seconds",
    "Cherry-Pick Time (s)": "cherry_pick_seconds", "Replies": "replies", "Resolves - With Reply": "resolves_with_reply",
    "Resolves - No Reply": "resolves_without_reply", "Tags Added": "tags_added", "Topics Added": "topics_added",
    **{f"CSAT With Score {n}": f"csat_score_{n}" for n in range(1, 6)},
}
TEAM_COLUMNS = {
    "Resolves With Reply": "resolves_with_reply", "Resolves Without Reply": "resolves_without_reply",
    "Total Handle Time": "handle_seconds", "Total No-Reply Time": "no_reply_seconds",
    "Total Cherry-Pick Time": "cherry_pick_seconds", "Contacts Helped": "contacts_helped",
    "Tags Added": "tags_added", "Topics Added": "topics_added", "Replies": "replies",
    **{f"CSAT With Score {n}": f"csat_score_{n}" for n in range(1, 6)},
}


@pytest.mark.parametrize("golden, owner_column, kind, columns", [
    ("examples.hootdesk_users.csv", "User ID", "agent:", USER_COLUMNS),
    ("examples.hootdesk_teams.csv", "Team ID", "team:", TEAM_COLUMNS),
])
def test_figures_equal_the_exports_counted_over_the_whole_log(golden, owner_column, kind, columns):
    # given the example log replayed, and the users and teams exports of the whole log
    state = ProjectionState()
    state.fold(read_log(EXAMPLE_LOG, on_error=pytest.fail))
    found = all_figures(state.live_conversations(), state.presence.values(), state.people)
    with (GOLDEN / golden).open(newline="") as file:
        rows = list(csv.DictReader(file))
    # then every row's counters are its owner's figures
    for row in rows:
        owner = kind + row[owner_column]
        published = figures(owner, found.get(owner, figures_fold.initial()))
        assert {column: int(row[column]) for column in columns} == {
            column: getattr(published, field) for column, field in columns.items()}, owner
    assert rows
