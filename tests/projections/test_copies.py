"""Copies of one event (same time and event_id): the first read counts, whatever the order
of a set, the hash seed or the host, and the replay counts what it ignored."""
import os
import subprocess
import sys
from pathlib import Path

import msgspec

from events.log import write_log
from projections import tickets as ticket_fold
from projections.copies import Copies
from projections.state import ProjectionState
from tests.projections.tickets_story import ANA, at, comment, created, people, schedule, status

ROOT = Path(__file__).parents[2]


def _copy(event, **changes):
    return msgspec.structs.replace(event, **changes)


def test_first_read_copy_wins_a_conflict_in_a_timeline():
    # given a ticket solved at 11:00, then a differing copy of that event saying "pending"
    solved = status(at("03-02 11:00"), "solved")
    pending = _copy(solved, status="pending")
    events = [created(at("03-02 09:00")), status(at("03-02 10:00"), "open"), solved, pending]
    # when folded in that order, and in the other
    first = ticket_fold.fold(ticket_fold.initial(1), events)
    reversed_copies = ticket_fold.fold(ticket_fold.initial(1), [*events[:2], pending, solved])
    # then one mark per event: the copy read first
    assert [mark.value for mark in first.statuses] == ["new", "open", "solved"]
    assert [mark.value for mark in reversed_copies.statuses] == ["new", "open", "pending"]


def test_first_read_copy_wins_a_conflict_already_folded():
    # given a ticket whose solving event was folded in an earlier batch (the worker's case)
    solved = status(at("03-02 11:00"), "solved")
    before = ticket_fold.fold(ticket_fold.initial(1), [created(at("03-02 09:00")), solved])
    # when a differing copy comes in a later batch
    after = ticket_fold.apply(before, _copy(solved, status="open"))
    # then the ticket keeps the copy it had
    assert after.status == "solved"
    assert after.statuses == before.statuses


def test_copies_count_duplicates_and_conflicts_and_keep_the_first_read():
    # given a comment read three times: once more identical, once more changed
    note = comment(at("03-02 10:30"), ANA)
    changed = _copy(note, body="another body")
    seen = []
    copies = Copies(on_conflict=lambda kept, ignored: seen.append((kept.body, ignored.body)))
    # when
    kept = copies.distinct([note, note, changed])
    # then
    assert kept == [note]
    assert (copies.duplicates, copies.conflicts, copies.ignored) == (1, 1, 2)
    assert seen == [(note.body, "another body")]


def test_copies_at_another_time_are_other_events():
    # given the same event_id at two times: not copies of one fact
    first = status(at("03-02 11:00"), "solved")
    later = _copy(first, occurred_at=at("03-02 12:00"))
    copies = Copies()
    # when
    kept = copies.distinct([first, later])
    # then
    assert kept == [first, later]
    assert copies.ignored == 0


def test_replay_state_counts_the_copies_it_ignored():
    # given a ticket whose events all come twice, one of them changed the second time
    events = [created(at("03-02 09:00")), status(at("03-02 11:00"), "solved")]
    state = ProjectionState()
    # when
    state.fold([*events, events[0], _copy(events[1], status="open")])
    # then
    assert state.tickets[1].status == "solved"
    assert (state.copies.duplicates, state.copies.conflicts) == (1, 1)


def _replay(log: Path, out: Path, seed: str) -> bytes:
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run(
        [sys.executable, "-c", "from streams.cli import main; main()", "replay", str(log), "--out", str(out)],
        cwd=ROOT, env=environment, check=True, capture_output=True,
    )
    return (out / "ticket_metrics.ndjson").read_bytes()


def test_conflicting_copies_give_the_same_export_under_any_hash_seed(tmp_path):
    # given twelve tickets, each with two differing copies of its last status change
    events = people() + [schedule()]
    for ticket_id in range(1, 13):
        last = status(at("03-02 11:00"), "solved", ticket_id=ticket_id)
        events += [created(at("03-02 09:00"), ticket_id=ticket_id), last, _copy(last, status="pending")]
    log = tmp_path / "events.ndjson"
    write_log(log, events)
    # when replayed under two hash seeds
    first, second = (_replay(log, tmp_path / seed, seed) for seed in ("1", "2"))
    # then the same bytes, each ticket solved (the copy read first)
    assert first == second
    assert first.count(b'"solved_at":"2026-03-02T11:00:00Z"') == 12
