"""A snapshot's parts: each input partition's entities read by its holder, cut into chunks,
and put back together by the worker asked into replay's bytes.
(Across real workers: tests/integration/test_several_workers.py.)"""
import msgspec
import pytest

from events import codec
from events.commands import ExportRequest, SnapshotRequested
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from streams.processing import decode_ticket
from streams.settings import Settings
from streams.snapshot_parts import (
    ENTRY_OVERHEAD,
    Gathered,
    PartChunk,
    PartRequested,
    PartsMissing,
    chunked,
    decode_chunk,
    encode,
    partition_entries,
)
from streams.worker import Worker
from tests.projections.tickets_story import ANA, at, comment, created, people, schedule, status
from tests.streams.own_parts import own_parts
from tests.streams.test_agents import _mocked

# Five tickets, spread by id over three partitions: 0 holds 3; 1 holds 1 and 4; 2 holds 2 and 5.
STORY = people() + [schedule()] + [
    event for ticket in range(1, 6) for event in (
        created(at("03-02 09:00"), ticket_id=ticket),
        comment(at(f"03-02 1{ticket}:00"), ANA, ticket_id=ticket),
        status(at("03-02 16:00"), "solved", ticket_id=ticket),
    )
]
REQUEST = PartRequested("r1", 1, 0.0)


def _partition(event) -> int:
    return getattr(event, "ticket_id", 0) % 3


@pytest.fixture
def worker(tmp_path):
    settings = Settings(store="rocksdb://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports", partitions=3)
    return _mocked(Worker(settings))


async def _feed(worker, events):
    async with worker.agents["tickets"].test_context() as agent:
        for event in events:
            await agent.put(codec.encode_avro(event), key=event.key.encode(), partition=_partition(event))


def _chunk(partition: int, attempt: str, index: int, last: bool, keys=(), offsets=None) -> PartChunk:
    entries = [("tickets", key, b"state-" + key.encode()) for key in keys]
    return PartChunk("r1", partition, attempt, index, last, entries, offsets or {})


async def test_partition_entries_are_those_of_the_partition_their_events_came_from(worker):
    # when the tickets' events come on partitions 0, 1 and 2 by ticket id
    await _feed(worker, STORY)
    # then each partition of the table holds its own tickets, and only those
    held = {p: sorted(key for key, _ in partition_entries(worker.runtime.tickets, p)) for p in range(3)}
    assert held == {0: ["3"], 1: ["1", "4"], 2: ["2", "5"]}
    (value,) = [value for key, value in partition_entries(worker.runtime.tickets, 1) if key == "4"]
    assert decode_ticket(value).status == "solved"


def test_chunking_cuts_a_part_under_the_limit_and_the_last_chunk_carries_the_offsets():
    # given five entries of 100 bytes each (key, state and framing) and a 250-byte limit
    entries = [("tickets", str(key), b"x" * (100 - 1 - ENTRY_OVERHEAD)) for key in range(1, 6)]
    # when
    chunks = list(chunked(REQUEST, "a", entries, {"t:1": 41}, limit=250))
    # then two entries a chunk, the last one marked and holding the offsets
    assert [[key for _, key, _ in chunk.entries] for chunk in chunks] == [["1", "2"], ["3", "4"], ["5"]]
    assert [(chunk.index, chunk.last, chunk.offsets) for chunk in chunks] == [
        (0, False, {}), (1, False, {}), (2, True, {"t:1": 41})]


def test_chunking_an_empty_partition_still_says_the_part_is_whole():
    assert list(chunked(REQUEST, "a", [], {})) == [PartChunk("r1", 1, "a", 0, True, [], {})]


def test_chunking_gives_an_entity_above_the_limit_a_chunk_of_its_own():
    entries = [("tickets", "1", b"x" * 10), ("tickets", "2", b"x" * 500), ("tickets", "3", b"x" * 10)]
    chunks = list(chunked(REQUEST, "a", entries, {}, limit=100))
    assert [[key for _, key, _ in chunk.entries] for chunk in chunks] == [["1"], ["2"], ["3"]]


def test_merge_takes_a_part_whole_from_one_holder_even_when_a_dead_one_began_it():
    # given a holder that sent the first of its two chunks of partition 0, then died
    gathered = Gathered("r1", range(1))
    gathered.add(_chunk(0, "dead", 0, False, ["1", "2"]))
    # when the partition's new owner answers the request again, whole
    gathered.add(_chunk(0, "new", 0, False, ["1"]))
    gathered.add(_chunk(0, "new", 1, True, ["2"], {"t:0": 9}))
    gathered.add(_chunk(0, "dead", 1, True, ["3"]))  # late, from the first holder
    # then the part is the new owner's only
    assert gathered.entries()["tickets"] == {"1": b"state-1", "2": b"state-2"}
    assert gathered.offsets() == {"t:0": 9}


def test_merge_counts_a_chunk_delivered_twice_once():
    gathered = Gathered("r1", range(1))
    for chunk in [_chunk(0, "a", 0, False, ["1"]), _chunk(0, "a", 0, False, ["1"]), _chunk(0, "a", 1, True, ["2"])]:
        gathered.add(chunk)
    assert (gathered.missing(), sorted(gathered.entries()["tickets"])) == ([], ["1", "2"])


def test_merge_lists_every_partition_offset_in_topic_then_partition_order():
    gathered = Gathered("r1", range(12))
    for partition in (11, 2, 0):
        gathered.add(_chunk(partition, "a", 0, True, offsets={f"t:{partition}": partition * 10}))
    assert list(gathered.offsets().items()) == [("t:0", 0), ("t:2", 20), ("t:11", 110)]


def test_merge_missing_part_fails_naming_its_partition_and_the_holder_reason():
    # given a whole part 0, nothing of part 1, and part 2 refused by the worker it reached
    gathered = Gathered("r1", range(3))
    gathered.add(_chunk(0, "a", 0, True, ["3"]))
    gathered.add(_chunk(1, "b", 0, False, ["1"]))
    gathered.add(PartChunk("r1", 2, "c", 0, True, [], error="the worker it reached does not hold it"))
    # when / then
    with pytest.raises(PartsMissing) as missing:
        gathered.check(40)
    assert str(missing.value) == (
        "snapshot incomplete after 40 s (input partition 1: no whole answer; input partition 2: the worker it "
        "reached does not hold it); its worker may have died or be rebalancing: ask again")


def test_merge_refuses_a_key_held_in_two_partitions():
    gathered = Gathered("r1", range(2))
    gathered.add(_chunk(0, "a", 0, True, ["7"]))
    gathered.add(_chunk(1, "b", 0, True, ["7"]))
    with pytest.raises(ValueError, match="tickets '7' is held in two input partitions"):
        gathered.entries()


def test_merge_ignores_another_request_chunks():
    gathered = Gathered("r2", range(1))
    gathered.add(_chunk(0, "a", 0, True, ["1"]))
    assert gathered.missing() == [0]


def test_chunk_round_trips_through_its_message_bytes():
    chunk = _chunk(2, "a", 3, True, ["1"], {"t:2": 5})
    assert decode_chunk(encode(chunk)) == chunk


async def test_snapshot_of_parts_cut_one_entity_a_chunk_equals_replay(worker, tmp_path):
    # given the story folded over three partitions, and replayed
    await _feed(worker, STORY)
    replayed = ProjectionState()
    replayed.fold(STORY)
    request = ExportRequest(export="ticket-metrics")
    expected = write_export(get_export("ticket-metrics"), replayed, request, tmp_path / "replay")
    # when a snapshot gathers the three parts, each entity in a chunk of its own
    worker.gather = own_parts(worker, limit=1)
    ready = await worker.answer(SnapshotRequested(request_id="r1", request=request))
    # then its bytes are replay's
    assert (ready.error, ready.rows) == (None, 5)
    assert open(ready.path, "rb").read() == open(expected.path, "rb").read()
    sent = msgspec.json.decode(worker.runtime.export_ready_topic.send.call_args.kwargs["value"])
    assert sent["rows"] == 5
