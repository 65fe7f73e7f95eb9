"""Hootdesk agent and team figures for dashboards: all-time totals per owner, as a fold of
per-conversation contributions (the ticket rollups' way, `projections.rollups`).

A conversation contributes to each agent it gives figures to, over all time
(`hootdesk_rollups.conversation_rollups` with no range: the counting is the exports'), and
to each team of those agents, which gets its agents' tallies merged. When a conversation
changes, each owner whose contribution changed is told the new one, and an owner the
conversation left is told None (`changes`). An owner's state keeps each conversation's
latest contribution, so a change delivered twice changes nothing and a conversation is
never counted twice. An agent's state also keeps its presence now (`presence_now`).

A conversation New or Pending now (the open-conversations export's rule, spec §3.2) is
open for each agent it gives figures to, and so for their teams (`OPEN`).

Owner keys are strings, as on Kafka: "agent:ID" and "team:ID".
"""
from collections.abc import Iterable, Mapping
from datetime import datetime

import msgspec

from events.downstream import HootdeskFigures
from projections.conversation_metrics import seconds
from projections.conversations import ConversationState
from projections.hootdesk_directory import People
from projections.hootdesk_rollups import Tally, conversation_rollups, merge
from projections.presence import AVAILABLE, PresenceState, intervals
from projections.rollups import latest

AGENT, TEAM = "agent:", "team:"
OPEN = frozenset({"New", "Pending"})


class Presence(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """An agent's presence now: the state of its latest interval, and when it began."""

    type: str  # AVAILABLE or AWAY
    away_state: str | None
    since: datetime


class FiguresState(msgspec.Struct, frozen=True, gc=False):
    conversations: dict[str, Tally] = {}  # conversation id -> its latest contribution
    presence: Presence | None = None  # agents only


def _all_time(at: datetime) -> bool:
    return True


def _total(tallies: Iterable[Tally]) -> Tally:
    return merge({"": tally} for tally in tallies).get("", Tally())


def contributions(conversation: ConversationState, people: People) -> dict[str, Tally]:
    """What one conversation adds to each agent and team, over all time."""
    if conversation.creation is None:  # its events came before its creation: nothing yet
        return {}
    found = conversation_rollups(conversation, people, _all_time)
    # A virtual agent is credited a survey answer after its resolve (the resolver's), but
    # it is no agent of the users export: its figures are the virtual-agents export's.
    agents = {owner[1]: tally for owner, tally in found.items()
              if owner[0] == "agent" and not people.is_virtual_agent(owner[1])}
    if conversation.status in OPEN:
        still_open = frozenset({conversation.conversation_id})
        agents = {agent_id: msgspec.structs.replace(tally, open_conversations=still_open)
                  for agent_id, tally in agents.items()}
    teams: dict[str, list[Tally]] = {}
    for agent_id, tally in agents.items():
        agent = people.agent(agent_id)
        for team_id in () if agent is None else agent.team_ids:
            teams.setdefault(team_id, []).append(tally)
    return {**{AGENT + agent_id: tally for agent_id, tally in agents.items()},
            **{TEAM + team_id: _total(tallies) for team_id, tallies in teams.items()}}


def changes(before: Mapping[str, Tally], after: Mapping[str, Tally]) -> dict[str, Tally | None]:
    """What to tell each owner when a conversation's contributions go from `before` to
    `after`: the new contribution where it changed, None where the conversation left."""
    told: dict[str, Tally | None] = {owner: tally for owner, tally in after.items() if before.get(owner) != tally}
    told.update({owner: None for owner in before if owner not in after})
    return told


def presence_now(state: PresenceState) -> Presence | None:
    """The agent's latest presence interval, still running; None before any change."""
    if not state.changes:
        return None
    latest = intervals(state, as_of=state.changes[-1].at)[-1]
    return Presence(latest.type, latest.away_state, latest.start)


def initial() -> FiguresState:
    return FiguresState()


def apply(state: FiguresState, conversations: Mapping[str, Tally | None],
          presence: Presence | None = None) -> FiguresState:
    """The owner's state with each conversation's latest contribution (None: it left), and
    the agent's presence now when given (None: unchanged)."""
    after = FiguresState(latest(state.conversations, conversations), state.presence if presence is None else presence)
    return state if after == state else after


def owner_name(owner: str, people: People) -> str | None:
    """The agent's or team's name in the directory; None when it does not know it."""
    if owner.startswith(AGENT):
        found = people.agent(owner.removeprefix(AGENT))
    else:
        found = people.team(owner.removeprefix(TEAM))
    return None if found is None else found.name


def team_ids(owner: str, people: People) -> tuple[str, ...]:
    """An agent's teams in the directory (none for a team, or an agent it does not know)."""
    found = people.agent(owner.removeprefix(AGENT)) if owner.startswith(AGENT) else None
    return () if found is None else found.team_ids


def figures(owner: str, state: FiguresState, name: str | None = None,
            teams: tuple[str, ...] = ()) -> HootdeskFigures:
    """The owner's figures, as published, with its name and an agent's teams when known."""
    tally, presence = _total(state.conversations.values()), state.presence
    one, two, three, four, five = tally.csat
    return HootdeskFigures(
        owner=owner,
        conversations=len(state.conversations),
        first_reply_at=tally.first_at,
        replies=tally.replies,
        contacts_helped=len(tally.contacts),
        resolves_with_reply=tally.resolves_with_reply,
        resolves_without_reply=tally.resolves_without_reply,
        first_response_seconds=seconds(tally.first_response),
        first_responses=tally.first_responses,
        resolution_seconds=seconds(tally.resolution),
        resolutions=tally.resolutions,
        handle_seconds=seconds(tally.handle),
        handled_conversations=len(tally.locked_conversations),
        no_reply_seconds=seconds(tally.no_reply),
        cherry_pick_seconds=seconds(tally.cherry_pick),
        tags_added=tally.tags_added,
        topics_added=tally.topics_added,
        csat_score_1=one, csat_score_2=two, csat_score_3=three, csat_score_4=four, csat_score_5=five,
        available=None if presence is None else presence.type == AVAILABLE,
        away_state=None if presence is None else presence.away_state,
        presence_since=None if presence is None else presence.since,
        open_conversations=len(tally.open_conversations),
        owner_name=name,
        team_ids=teams,
    )


def all_figures(conversations: Iterable[ConversationState], presence: Iterable[PresenceState],
                people: People) -> dict[str, FiguresState]:
    """Every owner's state at once, from whole states (a replay): what the worker's
    figures table holds once it has consumed the same events."""
    kept: dict[str, dict[str, Tally]] = {}
    for conversation in conversations:
        for owner, tally in contributions(conversation, people).items():
            kept.setdefault(owner, {})[conversation.conversation_id] = tally
    found = {owner: FiguresState(tallies) for owner, tallies in kept.items()}
    for agent in presence:
        now = presence_now(agent)
        if now is not None:
            owner = AGENT + agent.agent_id
            found[owner] = FiguresState(found.get(owner, initial()).conversations, now)
    return found
