"""The Hootdesk agent and team figures on the real broker equal the projection of a replay."""
from pathlib import Path

import pytest

from events.downstream import HOOTDESK_FIGURES, HootdeskFigures
from events.log import read_log, write_log
from projections.hootdesk_directory import HOOTDESK_REFERENCE_TYPES
from projections.hootdesk_figures import all_figures, figures, owner_name, team_ids
from projections.state import ProjectionState
from streams.topics import CONVERSATION_SIDE
from tests.integration.worker_harness import consumed, deskstream, latest_records, wait_for

pytestmark = pytest.mark.kafka
EXAMPLE = Path(__file__).parents[2] / "examples" / "events.ndjson"
AGENT, TEAM = "agent:agent-01", "team:team-care"  # Claire Fontaine, and her team


def test_agent_and_team_figures_on_their_topics_equal_the_replayed_projection(run, tmp_path):
    settings, worker = run
    # given the example log's Hootdesk side: agents, teams and contacts first (figures use
    # the directory known when a conversation changes), then conversations and presence
    events = [e for e in read_log(EXAMPLE, on_error=pytest.fail) if type(e) in CONVERSATION_SIDE]
    people, activity = tmp_path / "people.ndjson", tmp_path / "activity.ndjson"
    write_log(people, (e for e in events if type(e) in HOOTDESK_REFERENCE_TYPES))
    write_log(activity, (e for e in events if type(e) not in HOOTDESK_REFERENCE_TYPES))
    worker.start()
    deskstream(settings, "produce", str(people))
    wait_for(lambda: _all_consumed(settings), "the worker to consume the directory", worker)
    # when the activity comes
    deskstream(settings, "produce", str(activity))
    # then the latest figures of the agent and of her team are those a replay projects
    expected = _replayed(events)
    assert expected[AGENT].replies > 0 and expected[AGENT].available is not None
    assert expected[AGENT].team_ids == ("team-care",)
    wait_for(lambda: _latest(settings, settings.agent_figures_topic).get(AGENT) == expected[AGENT],
             f"the figures of {AGENT} on {settings.agent_figures_topic}", worker)
    wait_for(lambda: _latest(settings, settings.team_figures_topic).get(TEAM) == expected[TEAM],
             f"the figures of {TEAM} on {settings.team_figures_topic}", worker)


def _replayed(events) -> dict[str, HootdeskFigures]:
    state = ProjectionState()
    state.fold(events)
    found = all_figures(state.live_conversations(), state.presence.values(), state.people)
    return {owner: figures(owner, found[owner], owner_name(owner, state.people), team_ids(owner, state.people))
            for owner in (AGENT, TEAM)}


def _all_consumed(settings) -> bool:
    done, total = consumed(settings)
    return total > 0 and done == total


def _latest(settings, topic: str) -> dict[str, HootdeskFigures]:
    """The latest record of each key on `topic`, read from its start to its end now."""
    return {key.decode(): HOOTDESK_FIGURES.decode(value) for key, (_, value) in latest_records(settings, topic).items()}
