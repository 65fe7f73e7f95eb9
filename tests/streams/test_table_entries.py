from unittest.mock import patch

from streams.table_entries import stored_value


def test_stored_value_is_the_entry_found_with_one_store_lookup(worker):
    # given a ticket stored in the tickets table (memory store)
    table = worker.runtime.tickets
    table.data["42"] = b"state of 42"
    # when
    with patch.object(type(table.data), "__contains__", side_effect=AssertionError("a second lookup")):
        found, missing = stored_value(table, "42"), stored_value(table, "43")
    # then
    assert (found, missing) == (b"state of 42", None)
