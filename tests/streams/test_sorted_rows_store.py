"""Rows an export sorts, in memory and in a replay's store on disk; and where a replay
keeps the Hootdesk reference data."""
import gc
from datetime import datetime

import pytest

from events import AgentUpserted, ContactUpserted
from projections import hootdesk_directory
from projections.sorted_rows import SortedRows
from projections.state import ProjectionState
from streams.hootdesk_parts_store import HootdeskPartsStore
from streams.sorted_rows_store import SortedRowsStore
from tests.projections.conversations_story import LONG_AGO, created, t

NINE = t("09:00:00")
NINE_IN_PARIS = datetime.fromisoformat("2026-03-02T10:00:00+01:00")  # the same instant
# Added in this order: (time, id), row.
ADDED = [
    ((t("09:00:01"), "m1"), "late"),
    ((NINE, "m2"), "m2 first"),
    ((NINE, "m10"), "m10"),  # "m10" sorts before "m2", as strings do
    ((NINE_IN_PARIS, "m2"), "m2 second"),  # same time and id: after the first added
    ((NINE, "m1"), "m1"),
    ((NINE, "m1\0z"), "m1 with a zero byte"),  # longer than "m1": after it
    ((NINE, "m1z"), "m1z"),
    ((datetime.fromisoformat("1969-12-31T23:59:59+00:00"), "old"), "before 1970"),
]
IN_ORDER = ["before 1970", "m1", "m1 with a zero byte", "m10", "m1z", "m2 first", "m2 second", "late"]


def _sorted(rows: SortedRows) -> list:
    for key, row in ADDED:
        rows.add(key, row)
    return list(rows.in_order())


def test_sorted_rows_by_time_then_id_ties_in_the_order_added():
    # given the rows above, in memory
    # when / then
    assert _sorted(SortedRows()) == IN_ORDER


@pytest.mark.parametrize("keep", [0, 1, 3])
def test_sorted_rows_store_on_disk_by_time_then_id_ties_in_the_order_added(keep):
    # given a store keeping fewer rows in memory than are added
    store = SortedRowsStore(str, keep=keep)
    # when the rows above are added and read back
    rows = _sorted(store)
    # then they went to disk and come back in the same order as in memory
    assert store.on_disk
    assert rows == IN_ORDER


def test_sorted_rows_store_within_keep_stays_in_memory():
    # given a store with room for every row
    store = SortedRowsStore(str, keep=len(ADDED))
    # when / then
    assert _sorted(store) == IN_ORDER and not store.on_disk


def test_sorted_rows_store_by_string_keys_read_twice():
    # given contacts' figures keyed by contact id, two for contact-2, on disk
    store = SortedRowsStore(tuple[str, int], keep=0)
    for contact_id, figure in [("contact-2", 1), ("contact-10", 5), ("contact-2", 3), ("contact-1", 7)]:
        store.add((contact_id,), (contact_id, figure))
    # when they are read, then read again
    first, second = list(store.in_order()), list(store.in_order())
    # then by id, contact-2's in the order added, both times
    assert first == second == [("contact-1", 7), ("contact-10", 5), ("contact-2", 1), ("contact-2", 3)]


def test_sorted_rows_store_removes_its_database_with_the_store(tmp_path, monkeypatch):
    # given rows written to disk under a temporary folder, and read
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    store = SortedRowsStore(str, keep=0)
    store.add((NINE, "m1"), "m1")
    rows = store.in_order()
    # when the store is dropped while its rows are read, then once they are read
    del store
    gc.collect()
    assert [path.name.startswith("deskstream-replay-") for path in tmp_path.iterdir()] == [True]
    assert list(rows) == ["m1"]
    del rows
    gc.collect()
    # then the folder outlives the reading, not the store
    assert list(tmp_path.iterdir()) == []


def _contact(contact_id: str, name: str, at: datetime = LONG_AGO) -> ContactUpserted:
    return ContactUpserted(event_id=f"{contact_id}-{name}", occurred_at=at, contact_id=contact_id, medium="X",
                           primary_identifier=name)


def test_hootdesk_parts_store_contacts_on_disk_beyond_keep_agents_in_memory():
    # given a store keeping one contact in memory, an agent and three contacts folded in
    store = HootdeskPartsStore(keep=1)
    events = [AgentUpserted(event_id="ana", occurred_at=LONG_AGO, agent_id="agent-ana", name="Ana"),
              _contact("c1", "Noah"), _contact("c2", "Lea"), _contact("c3", "Tom")]
    for event in events:
        store[event.key] = hootdesk_directory.apply(store.get(event.key) or hootdesk_directory.initial(), event)
    # when a contact is upserted again, after being read
    assert store["contact:c1"].contact.primary_identifier == "Noah"
    store["contact:c1"] = hootdesk_directory.apply(store["contact:c1"], _contact("c1", "Noah M.", t("09:00:00")))
    # then contacts went to disk, the agent did not, and each reads back as last stored
    assert store.contacts.on_disk and "agent-ana" not in store.contacts
    assert store["contact:c1"].contact.primary_identifier == "Noah M."
    assert store.get("contact:c2").contact.primary_identifier == "Lea"
    assert store.get("contact:c9") is None and store["agent-ana"].agent.name == "Ana"
    assert sorted(store) == ["agent-ana", "contact:c1", "contact:c2", "contact:c3"] and len(store) == 4


def test_last_event_at_counts_the_hootdesk_reference_data_folded_in_a_store():
    # given a contact changed at 10:00, after the last conversation event (09:00), folded into stores
    state = ProjectionState(hootdesk_parts=HootdeskPartsStore(keep=0))
    state.fold([created(NINE), _contact("c1", "Noah", t("10:00:00"))])
    # when / then
    assert state.last_event_at() == t("10:00:00")
