"""A replay beyond its memory budget writes the same files and counts the same as one within it."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from events.commands import ExportRequest
from events.errors import SourceError
from sinks.registry import EXPORTS, write_exports
from streams.replay import MemoryBudget, ReplayStats, fold, read_source

ROOT = Path(__file__).parents[2]
# Every event waits on disk, and every state is written there.
TINY = MemoryBudget(waiting_events=1, kept_states=1, kept_rows=1, kept_references=1)
UNBOUNDED = MemoryBudget(waiting_events=10**9, kept_states=10**9, kept_rows=10**9, kept_references=10**9)
TIME = re.compile(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d))"')


def replay(paths: list[Path], source: str, budget: MemoryBudget, out: Path) -> tuple[ReplayStats, dict[str, bytes]]:
    errors: list[SourceError] = []
    stats = ReplayStats()
    state = fold(read_source(paths, source, errors.append), None, stats, budget)
    request = ExportRequest(export="", time_zone="Europe/Paris")
    results = write_exports(state, sorted(EXPORTS), request, out)
    return stats, {Path(result.path).name: Path(result.path).read_bytes() for result in results}


@pytest.mark.parametrize(("paths", "source"), [
    (["examples/events.ndjson"], "events"),
    # Read twice: every event of the second copy is a duplicate of one already on disk.
    (["examples/events.ndjson", "examples/events.ndjson"], "events"),
    (["tests/fixtures/zendesk_api"], "zendesk-api"),
])
def test_replay_over_its_memory_budget_writes_the_same_bytes_and_counts(tmp_path, paths, source):
    # given a log, replayed with room for everything in memory and with room for nothing
    logs = [ROOT / path for path in paths]
    # when both write every export
    within = replay(logs, source, UNBOUNDED, tmp_path / "within")
    beyond = replay(logs, source, TINY, tmp_path / "beyond")
    # then the files are the same, byte for byte, and so are the counts
    assert beyond[1] == within[1]
    assert beyond[0] == within[0]


def test_replay_over_its_memory_budget_keeps_states_on_disk(tmp_path):
    # given the example log
    errors: list[SourceError] = []
    # when it is folded with room for nothing
    state = fold(read_source([ROOT / "examples/events.ndjson"], "events", errors.append), None, ReplayStats(), TINY)
    # then its tickets and conversations went to disk, and all are there
    assert state.tickets.on_disk and state.conversations.on_disk
    assert len(state.tickets) == len(fold(read_source([ROOT / "examples/events.ndjson"], "events", errors.append),
                                          None, ReplayStats()).tickets)


def test_replay_over_its_memory_budget_writes_the_same_bytes_for_times_with_an_offset(tmp_path):
    # given the example log with every time written at +02:00 (the same instants)
    plus_two = timezone(timedelta(hours=2))
    log = tmp_path / "offsets.ndjson"
    log.write_text(TIME.sub(lambda m: f'"{datetime.fromisoformat(m.group(1)).astimezone(plus_two).isoformat()}"',
                            (ROOT / "examples/events.ndjson").read_text()))
    # when it is replayed within its budget and beyond it
    within = replay([log], "events", UNBOUNDED, tmp_path / "within")
    beyond = replay([log], "events", TINY, tmp_path / "beyond")
    # then the files are the same
    assert "+02:00" in log.read_text()[:200]
    assert beyond == within


@pytest.mark.parametrize("budget", [TINY, UNBOUNDED], ids=["tiny", "unbounded"])
def test_live_entities_counted_while_folding_are_those_the_exports_hold(budget):
    # given the example log (one of its tickets deleted), read twice: every event also a copy
    logs = [ROOT / "examples/events.ndjson"] * 2
    # when it is folded
    state = fold(read_source(logs, "events", pytest.fail), None, ReplayStats(), budget)
    # then the counts kept while folding are the live tickets and conversations, read back
    assert state.live == {"ticket": len(list(state.live_tickets())),
                          "conversation": len(list(state.live_conversations()))} == {"ticket": 39, "conversation": 30}
