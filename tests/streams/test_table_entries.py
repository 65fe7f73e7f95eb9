from unittest.mock import Mock, patch

import pytest

from streams.settings import Settings
from streams.table_entries import entry_key, source, stored_value, write_entry
from streams.worker import Worker


def test_stored_value_is_the_entry_found_with_one_store_lookup(worker):
    # given a ticket stored in the tickets table (memory store)
    table = worker.runtime.tickets
    table.data["42"] = b"state of 42"
    # when
    with patch.object(type(table.data), "__contains__", side_effect=AssertionError("a second lookup")):
        found, missing = stored_value(table, "42"), stored_value(table, "43")
    # then
    assert (found, missing) == (b"state of 42", None)


@pytest.fixture
def rocksdb_worker(tmp_path):
    """A worker with the default store, RocksDB, as it runs."""
    return Worker(Settings(data_dir=tmp_path / "data", export_dir=tmp_path / "exports"))


@pytest.mark.parametrize("name", ["tickets", "conversations", "presence", "rollups", "hootdesk_figures"])
def test_entries_written_at_the_byte_level_are_faust_entries_under_faust_keys(rocksdb_worker, name):
    # given a table of the worker, and an entry from an event of partition 2
    table = getattr(rocksdb_worker.runtime, name)
    with source(Mock(message=Mock(partition=2))):
        # when two entries are written at the store's byte level, one under a non-ASCII key
        write_entry(table, "42", b"state of 42")
        write_entry(table, "contact:Zoé", b"state of Zoe")
        # then Faust's own reads find them, under the keys its own codec makes
        assert table.data["42"] == b"state of 42" and table.data["contact:Zoé"] == b"state of Zoe"
        assert [stored_value(table, key) for key in ("42", "contact:Zoé", "43")] == [
            b"state of 42", b"state of Zoe", None]
    assert entry_key(table.key_serializer, "contact:Zoé") == table.data._encode_key("contact:Zoé") == (
        b'"contact:Zo\\u00e9"')
