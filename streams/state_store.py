"""Where a replay keeps what it has read and folded: in memory while it is little, then
on disk, so that an account of a million tickets replays in bounded memory.

`EventOverflow` keeps the events waiting to be folded beyond those that may wait in
memory (`projections.waiting`); `StateStore` keeps the folded states. Each writes to a
RocksDB database (rocksdict, as the worker keeps its tables) in batches, made when the
first batch is written, in a temporary folder (under TMPDIR) removed when its owner is
dropped or the process ends: a replay that fits in memory never touches the disk. A
replay killed (SIGKILL, the machine's out-of-memory killer) leaves its folders behind;
the next process to make one removes them (`sweep_stale_folders`).
"""
import fcntl
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator, MutableMapping

import msgspec
from rocksdict import AccessType, BlockBasedOptions, Options, Rdict, WriteBatch, WriteOptions

from events import AnyEvent, Event

BATCH_BYTES = 16 << 20  # events encoded before they are written out


class EventOverflow:
    """Events waiting to be folded, by kind and entity, in a database made when the
    first are put. JSON as in the logs: it keeps every value as read, a time's offset
    included (msgpack would turn times to UTC)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._disk: TemporaryDatabase | None = None
        self._batch = WriteBatch(raw_mode=True)
        self._batched = 0  # bytes in the batch
        self._puts = 0  # so that an entity's events are taken in the order put
        self._encode = msgspec.json.Encoder().encode
        self._decode = msgspec.json.Decoder(tuple[int | str, list[AnyEvent]]).decode

    def put(self, kind: str, entity_id, events: list[Event]) -> None:
        self._puts += 1
        data = self._encode((entity_id, events))
        self._batch.put(_prefix(kind) + _entity_key(entity_id) + self._puts.to_bytes(8, "big"), data)
        self._batched += len(data)
        if self._batched > BATCH_BYTES:
            self._write_out()

    def take(self, kind: str) -> Iterator[tuple[object, list[Event]]]:
        self._write_out()
        if self._disk is None:
            return
        prefix = _prefix(kind)
        entity_id, events = None, []
        for key, data in self._disk.db.items(from_key=prefix):
            if not key.startswith(prefix):
                break
            next_id, more = self._decode(data)
            if next_id != entity_id and events:
                yield entity_id, events
                events = []
            entity_id = next_id
            events += more
        if events:
            yield entity_id, events
        self._disk.db.delete_range(prefix, prefix[:-1] + b"\1")

    def close(self) -> None:
        """Remove the database (every event taken)."""
        if self._disk is not None:
            self._disk.remove()
            self._disk = None

    def _write_out(self) -> None:
        if self._batch.is_empty():
            return
        if self._disk is None:
            self._disk = TemporaryDatabase(compacted=False)
            weakref.finalize(self, self._disk.remove)
        self._disk.db.write(self._batch)
        self._batch, self._batched = WriteBatch(raw_mode=True), 0


def _prefix(kind: str) -> bytes:
    return kind.encode() + b"\0"


def _entity_key(entity_id) -> bytes:
    """An entity's events together, whatever the type of its id."""
    if isinstance(entity_id, int):
        return b"i" + _int_key(entity_id)
    return b"s" + entity_id.encode() + b"\0"


class StateStore(MutableMapping):
    """States by entity id. The latest states stored stay in memory, up to `keep` of
    them; one more and they are all written out in one batch, encoded as the worker
    encodes them (msgpack), and forgotten. Reading a state takes it from memory, else
    decodes it from disk.

    `seal` ends the writing: the database is reopened read-only, so that processes forked
    to write exports may read it (a writable RocksDB runs background threads that a fork
    does not carry over)."""

    def __init__(self, state_type: type, id_type: type, keep: int) -> None:
        self.keep = keep
        self._memory: dict = {}
        self._disk: TemporaryDatabase | None = None
        self._encode = msgspec.msgpack.Encoder().encode
        self._decode = msgspec.msgpack.Decoder(state_type).decode
        # Ids as bytes that sort as the ids do (for ints: not negative ones), so the
        # database is read in id order, as the exports read it.
        self._key, self._id = (_int_key, _int_id) if id_type is int else (str.encode, bytes.decode)

    def get(self, entity_id, default=None):
        state = self._memory.get(entity_id)
        if state is None and self._disk is not None:
            data = self._disk.db.get(self._key(entity_id))
            if data is not None:
                return self._decode(data)
        return default if state is None else state

    def __getitem__(self, entity_id):
        state = self.get(entity_id)
        if state is None:
            raise KeyError(entity_id)
        return state

    def __setitem__(self, entity_id, state) -> None:
        self._memory[entity_id] = state
        if len(self._memory) > self.keep:
            self._write_out()

    def __delitem__(self, entity_id) -> None:
        if entity_id not in self:
            raise KeyError(entity_id)
        self._memory.pop(entity_id, None)
        if self._disk is not None:
            self._disk.db.delete(self._key(entity_id))

    def __iter__(self) -> Iterator:
        """Ids on disk first, in id order, then those only in memory."""
        memory = self._memory
        if self._disk is not None:
            for key in self._disk.db.keys():
                entity_id = self._id(key)
                if entity_id not in memory:
                    yield entity_id
        yield from memory

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @property
    def on_disk(self) -> bool:
        """Whether any state has been written to disk."""
        return self._disk is not None

    def _write_out(self) -> None:
        if self._disk is None:
            self._disk = TemporaryDatabase()
            weakref.finalize(self, self._disk.remove)
        batch = WriteBatch(raw_mode=True)
        key, encode = self._key, self._encode
        for entity_id, state in self._memory.items():
            batch.put(key(entity_id), encode(state))
        self._disk.db.write(batch)
        self._memory.clear()

    def seal(self) -> None:
        """No more writes: reopen the database read-only (see the module's docstring)."""
        if self._disk is not None:
            self._disk.reopen_read_only()


class TemporaryDatabase:
    """A RocksDB database in a temporary folder."""

    def __init__(self, compacted: bool = True) -> None:
        self.owner = os.getpid()  # not a process forked from it: it must not remove the folder
        if not _swept:
            sweep_stale_folders()
        self.folder, self._lock = _locked_folder()
        _databases.add(self)
        self.options = _options()
        # Data read once in order, then dropped, is not worth RocksDB's compactions: they
        # rewrite it in the background, and slow the writes down when they fall behind.
        self.options.set_disable_auto_compactions(not compacted)
        self.db = Rdict(self.folder, self.options)
        # Nothing to recover after a crash: the folder is temporary.
        no_log = WriteOptions()
        no_log.disable_wal = True
        self.db.set_write_options(no_log)

    def reopen_read_only(self) -> None:
        self.db.flush()  # without a write-ahead log, only flushed writes outlive the handle
        self.db.close()
        self.db = Rdict(self.folder, self.options, access_type=AccessType.read_only())

    def remove(self) -> None:
        if self.folder is not None and os.getpid() == self.owner:  # once, by its owner
            self.db.close()
            shutil.rmtree(self.folder, ignore_errors=True)
            os.close(self._lock)
            self.folder = None


# Every temporary database made, for `remove_temporary_databases`.
_databases: weakref.WeakSet[TemporaryDatabase] = weakref.WeakSet()


FOLDER_PREFIX = "deskstream-replay-"
LOCK_FILE = "deskstream.lock"
_swept = False  # by this process (or the one it was forked from): once is enough


def _locked_folder() -> tuple[str, int]:
    """A new temporary folder and its lock file's handle, locked while the folder is in use:
    the lock is shared with the processes forked from this one (an export worker reading
    the database) and dropped by the kernel when they all end, even by SIGKILL."""
    while True:
        folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
        handle = os.open(os.path.join(folder, LOCK_FILE), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX)
        if os.fstat(handle).st_nlink:
            return folder, handle
        os.close(handle)  # swept between its lock file's creation and its lock: take another


def sweep_stale_folders() -> None:
    """Remove the temporary folders under TMPDIR of replays that died without removing them
    (their lock free); a running replay's, a folder with no lock file and anything not named
    as ours are left alone."""
    global _swept
    _swept = True
    root = tempfile.gettempdir()
    for name in os.listdir(root):
        if not name.startswith(FOLDER_PREFIX):
            continue
        try:
            handle = os.open(os.path.join(root, name, LOCK_FILE), os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue  # removed meanwhile, not a folder of ours, or made a moment ago: left
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)
        except BlockingIOError:
            pass  # in use by a live replay
        finally:
            os.close(handle)


def remove_temporary_databases() -> None:
    """Remove this process's temporary databases now, for a process about to end with
    `os._exit`, which runs no finalizer: a stopped export worker's sort on disk would
    stay in the temporary folder."""
    for database in list(_databases):
        database.remove()


def _options() -> Options:
    options = Options(raw_mode=True)
    options.set_write_buffer_size(32 << 20)  # RocksDB's default, 64 MB, would be a tenth of the budget
    tables = BlockBasedOptions()
    # A new entity's id is looked up before its first state is stored: the filter
    # answers most such misses without reading the disk.
    tables.set_bloom_filter(10, False)
    options.set_block_based_table_factory(tables)
    return options


def _int_key(entity_id: int) -> bytes:
    return entity_id.to_bytes(8, "big", signed=True)


def _int_id(key: bytes) -> int:
    return int.from_bytes(key, "big", signed=True)
