"""What a replay keeps on disk beyond its memory budget: states, and events waiting to be folded."""
from datetime import datetime
from pathlib import Path

from projections.state import ProjectionState
from projections.tickets import TicketState
from streams.state_store import LOCK_FILE, EventOverflow, StateStore, TemporaryDatabase, sweep_stale_folders
from tests.projections.tickets_story import at, comment, created, status

PARIS_MORNING = datetime.fromisoformat("2026-03-02T10:00:00+01:00")


def test_state_store_keeps_states_in_memory_until_one_more_than_keep_then_on_disk():
    # given a store that keeps 2 states in memory
    store = StateStore(TicketState, int, keep=2)
    # when 2 tickets are stored, then a third
    store[5] = TicketState(ticket_id=5, created_at=at("03-02 09:00"))
    store[1] = TicketState(ticket_id=1)
    on_disk_with_two = store.on_disk
    store[3] = TicketState(ticket_id=3, deleted=True)
    # then the third writes them all out, and each reads back as it was stored
    assert not on_disk_with_two and store.on_disk
    assert store[5] == TicketState(ticket_id=5, created_at=at("03-02 09:00"))
    assert store.get(3).deleted is True
    assert store.get(4) is None and 4 not in store
    assert sorted(store) == [1, 3, 5] and len(store) == 3


def test_state_store_gives_the_latest_state_of_an_entity_stored_twice():
    # given ticket 1 written out to disk, then stored again (in memory)
    store = StateStore(TicketState, int, keep=1)
    store[1] = TicketState(ticket_id=1)
    store[2] = TicketState(ticket_id=2)
    store[1] = TicketState(ticket_id=1, deleted=True)
    # when it is read, and the ids listed
    # then the newer state counts, and ticket 1 is listed once
    assert store[1].deleted is True
    assert sorted(store) == [1, 2]


def test_state_store_sealed_reads_what_was_written():
    # given states written to disk, then the store sealed (read-only, for forked writers)
    store = StateStore(TicketState, int, keep=1)
    for ticket_id in (1, 2, 3):
        store[ticket_id] = TicketState(ticket_id=ticket_id)
    # when
    store.seal()
    # then
    assert [store[ticket_id].ticket_id for ticket_id in sorted(store)] == [1, 2, 3]


def test_event_overflow_gives_each_entitys_events_together_in_the_order_put():
    # given events of tickets 7 and 3 put in three batches, one dated in Paris time
    overflow = EventOverflow(limit=10)
    first, second = created(PARIS_MORNING, ticket_id=7), created(at("03-02 09:00"), ticket_id=3)
    third = status(at("03-02 11:00"), "open", ticket_id=7)
    overflow.put("ticket", 7, [first])
    overflow.put("ticket", 3, [second])
    overflow.put("ticket", 7, [third])
    # when the tickets are taken, then taken again
    taken = list(overflow.take("ticket"))
    again = list(overflow.take("ticket"))
    # then ticket 3, then 7 with both of its batches in order, the time's offset kept; then nothing
    assert taken == [(3, [second]), (7, [first, third])]
    assert taken[1][1][0].occurred_at.utcoffset() == PARIS_MORNING.utcoffset()
    assert again == []


def test_waiting_events_beyond_the_limit_leave_closed_tickets_first():
    # given room for 4 waiting events; ticket 1 closed, tickets 2 and 3 open
    overflow = EventOverflow(limit=4)
    state = ProjectionState(overflow=overflow)
    one = [created(at("03-02 09:00"), ticket_id=1), status(at("03-02 09:30"), "closed", ticket_id=1)]
    two = [created(at("03-02 08:00"), ticket_id=2)]
    three = [created(at("03-02 10:00"), ticket_id=3)]
    # when a fifth event is read
    state.fold([*one, *two, *three, comment(at("03-02 11:00"), 7, ticket_id=3)])
    # then ticket 1's events made room, down to half the limit: the others still wait in memory
    assert list(overflow.take("ticket")) == [(1, one)]


def test_waiting_events_beyond_the_limit_leave_the_idlest_entity_first():
    # given room for 2 waiting events, no ticket closed; ticket 2's last event is the oldest
    overflow = EventOverflow(limit=2)
    state = ProjectionState(overflow=overflow)
    events = [created(at("03-02 09:00"), ticket_id=1), created(at("03-02 08:00"), ticket_id=2)]
    # when a third event is read
    state.fold([*events, comment(at("03-02 12:00"), 7, ticket_id=3)])
    # then ticket 2's event made room
    assert list(overflow.take("ticket")) == [(2, [events[1]])]


def test_ticket_folded_from_overflow_and_memory_equals_one_folded_from_memory():
    # given a ticket whose first events went to the overflow and later ones waited in memory
    story = [created(at("03-02 09:00")), comment(at("03-02 09:10"), 11), status(at("03-02 09:20"), "solved"),
             comment(at("03-02 09:30"), 7), status(at("03-02 09:40"), "open")]
    with_overflow, in_memory = ProjectionState(overflow=EventOverflow(limit=2)), ProjectionState()
    # when both fold it
    with_overflow.fold(story)
    in_memory.fold(story)
    # then the ticket is the same
    assert with_overflow.tickets[1] == in_memory.tickets[1]


def test_sweep_removes_the_folders_of_dead_replays_and_leaves_live_and_foreign_ones(tmp_path, monkeypatch):
    # given under TMPDIR: a database of this process (in use), a folder whose lock no one
    # holds (its replay was killed), one of our names with no lock file, and someone else's
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    live = TemporaryDatabase()
    dead = tmp_path / "deskstream-replay-dead"
    (dead / "data").mkdir(parents=True)
    (dead / LOCK_FILE).touch()
    unlocked = tmp_path / "deskstream-replay-nolock"
    unlocked.mkdir()
    foreign = tmp_path / "someone-else"
    foreign.mkdir()
    # when the folders are swept
    sweep_stale_folders()
    # then only the dead replay's folder is gone
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [Path(live.folder).name, "deskstream-replay-nolock", "someone-else"])
    live.remove()
