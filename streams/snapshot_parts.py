"""One input partition's part of a snapshot: what its holder answers, and how the asker
puts the answers together.

A snapshot covers every partition of the input topics, whichever worker holds each. The
worker asked for it sends one `PartRequested` per input partition on the parts topic,
which has as many partitions as the inputs: Faust's assignor gives partition p of every
topic of one partition count to the same worker (co-partitioning), so request p reaches
the holder of input partition p. The holder reads that partition's entities with no await
in between (one point of its stream) and answers on the answers topic in `PartChunk`s,
each under the broker's message size, the last one carrying the partition's offsets.
"""
from collections.abc import Iterable, Iterator

import msgspec
from aiokafka.partitioner import murmur2

# The tables a part carries, by their Runtime attribute: the entities partitioned as the inputs.
KINDS = ("tickets", "conversations", "presence")
# A chunk's entries, in bytes: half of Kafka's default 1 MB message, leaving room for the
# framing. One entity above it goes alone, as its table's changelog carries it alone too.
CHUNK_BYTES = 512 * 1024
ENTRY_OVERHEAD = 16  # msgpack framing of one entry, about


class PartRequested(msgspec.Struct, frozen=True, array_like=True):
    request_id: str
    partition: int
    # Wall-clock time (epoch seconds) after which nobody waits for the answer: a request
    # delivered again later, to a worker taking the partition over, is dropped.
    deadline: float


class PartChunk(msgspec.Struct, frozen=True, array_like=True):
    request_id: str
    partition: int
    # One holder's answer: a part is taken whole from one attempt, never mixed with a
    # second holder's answer to the same request after a rebalance.
    attempt: str
    index: int
    last: bool
    entries: list[tuple[str, str, bytes]]  # (kind, key, encoded state)
    offsets: dict[str, int] = {}  # on the last chunk: "topic:partition" -> last offset applied
    error: str | None = None


_request_decoder = msgspec.msgpack.Decoder(PartRequested)
_chunk_decoder = msgspec.msgpack.Decoder(PartChunk)
encode = msgspec.msgpack.Encoder().encode


def decode_request(data: bytes) -> PartRequested:
    return _request_decoder.decode(data)


def decode_chunk(data: bytes) -> PartChunk:
    return _chunk_decoder.decode(data)


def partition_entries(table, partition: int) -> Iterator[tuple[str, bytes]]:
    """The (key, encoded state) entries of one partition of a table this worker holds.

    RocksDB keeps one database per partition: an entry is in the partition of the event
    that wrote it. The memory store keeps the partition only of entries it read from the
    changelog; an entry written here is placed by the producer's default partitioner, which
    is where `deskstream produce` and the worker's re-keying sent its events.
    """
    store = table.data
    databases = getattr(store, "_dbs", None)
    if databases is not None:
        database = databases.get(partition)
        if database is not None:
            for key, value in store._visible_items(database):
                yield store._decode_key(key), value
        return
    count = table.partitions
    for key, value in store.data.items():
        held = store._key_partition.get(key)
        if held is None:
            held = (murmur2(key.encode()) & 0x7FFFFFFF) % count
        if held == partition:
            yield key, value


def chunked(request: PartRequested, attempt: str, entries: Iterable[tuple[str, str, bytes]],
            offsets: dict[str, int], limit: int = CHUNK_BYTES) -> Iterator[PartChunk]:
    """The entries cut into chunks of about `limit` bytes; the last one (maybe empty) says
    the part is whole and carries its offsets."""
    batch: list[tuple[str, str, bytes]] = []
    size = index = 0
    for entry in entries:
        weight = len(entry[1]) + len(entry[2]) + ENTRY_OVERHEAD
        if batch and size + weight > limit:
            yield PartChunk(request.request_id, request.partition, attempt, index, False, batch)
            batch, size, index = [], 0, index + 1
        batch.append(entry)
        size += weight
    yield PartChunk(request.request_id, request.partition, attempt, index, True, batch, offsets)


class PartsMissing(Exception):
    """A snapshot that can't be whole: a partition's part did not come in time."""


class Gathered:
    """The chunks of one snapshot's parts as they come; each partition's part is taken
    whole from one holder's answer."""

    def __init__(self, request_id: str, partitions: Iterable[int]):
        self.request_id, self.partitions = request_id, sorted(partitions)
        self.parts: dict[int, list[PartChunk]] = {}  # the whole ones, by partition
        self.errors: dict[int, str] = {}  # what a holder said instead of its part
        self._attempts: dict[tuple[int, str], dict[int, PartChunk]] = {}

    def add(self, chunk: PartChunk) -> None:
        if chunk.request_id != self.request_id or chunk.partition in self.parts:
            return  # another request's, or a second holder's after the part came whole
        if chunk.error is not None:
            self.errors[chunk.partition] = chunk.error
            return
        chunks = self._attempts.setdefault((chunk.partition, chunk.attempt), {})
        chunks[chunk.index] = chunk  # a chunk produced twice counts once
        if any(c.last and len(chunks) == c.index + 1 for c in chunks.values()):
            self.parts[chunk.partition] = [chunks[i] for i in range(len(chunks))]
            self._attempts = {key: value for key, value in self._attempts.items() if key[0] != chunk.partition}

    def missing(self) -> list[int]:
        return [p for p in self.partitions if p not in self.parts]

    def check(self, waited: float) -> None:
        """Raise PartsMissing naming each partition whose part is not whole."""
        missing = self.missing()
        if missing:
            reasons = [self.errors.get(p, "no whole answer") for p in missing]
            named = "; ".join(f"input partition {p}: {reason}" for p, reason in zip(missing, reasons))
            raise PartsMissing(f"snapshot incomplete after {waited:g} s ({named}); its worker may have died "
                               f"or be rebalancing: ask again")

    def entries(self) -> dict[str, dict[str, bytes]]:
        """Every entry of every part, by kind then key; ValueError when two partitions hold one key."""
        merged: dict[str, dict[str, bytes]] = {kind: {} for kind in KINDS}
        for partition in sorted(self.parts):
            for chunk in self.parts[partition]:
                for kind, key, value in chunk.entries:
                    held = merged[kind]
                    if key in held:
                        raise ValueError(f"{kind} {key!r} is held in two input partitions; were the input "
                                         f"topics' partitions changed after events were consumed?")
                    held[key] = value
        return merged

    def offsets(self) -> dict[str, int]:
        """The offsets of every part: "topic:partition" -> last offset applied."""
        return in_order({key: offset for chunks in self.parts.values() for key, offset in chunks[-1].offsets.items()})


def in_order(offsets: dict[str, int]) -> dict[str, int]:
    """Offsets by "topic:partition", in topic then partition order."""
    return dict(sorted(offsets.items(), key=lambda item: _topic_partition(item[0])))


def _topic_partition(key: str) -> tuple[str, int]:
    topic, _, partition = key.rpartition(":")
    return topic, int(partition)


def held_partitions(runtime) -> set[int]:
    """The input partitions this worker holds now (its tables' active partitions)."""
    topic = runtime.settings.ticket_topic
    return {tp.partition for tp in runtime.app.assignor.assigned_actives() if tp.topic == topic}


def partition_offsets(processor, partitions: set[int]) -> dict[str, int]:
    """The last input offset this worker applied on each of these partitions, by "topic:partition"."""
    inputs = processor.runtime.input_topics
    return {key: offset for key, offset in processor.positions.items()
            if (place := _topic_partition(key))[1] in partitions and place[0] in inputs}


def answer_part(processor, request: PartRequested, attempt: str) -> list[PartChunk]:
    """This worker's answer to a part request: its part, or why it has none."""
    runtime = processor.runtime
    if request.partition not in held_partitions(runtime):
        reason = "the worker it reached does not hold it (the parts topic is not co-partitioned with the inputs)"
        return [PartChunk(request.request_id, request.partition, attempt, 0, True, [], error=reason)]
    return take_part(processor, request, attempt)


def take_part(processor, request: PartRequested, attempt: str, limit: int = CHUNK_BYTES) -> list[PartChunk]:
    """The part of the partition `request` names, from this worker's tables.

    No await in here: the part is one point of the partition's stream, as a batch of
    events is stored whole or not at all (streams.folded.Folded.store).
    """
    runtime = processor.runtime
    partition = request.partition
    offsets = partition_offsets(processor, {partition})
    entries = ((kind, key, value) for kind in KINDS
               for key, value in partition_entries(getattr(runtime, kind), partition))
    return list(chunked(request, attempt, entries, offsets, limit))
