"""A snapshot's parts without Kafka: each partition's part taken from this worker's own
tables by the holder's code, encoded and decoded as on the answers topic."""
import math

from streams.snapshot_parts import CHUNK_BYTES, Gathered, PartRequested, decode_chunk, encode, take_part


def own_parts(worker, limit: int = CHUNK_BYTES):
    """A `Worker.gather` for agent tests (test_context holds no partition assignment)."""

    async def gather(request_id: str, partitions: list[int]) -> Gathered:
        gathered = Gathered(request_id, partitions)
        for partition in partitions:
            for chunk in take_part(worker.processor, PartRequested(request_id, partition, math.inf), "here", limit):
                gathered.add(decode_chunk(encode(chunk)))
        gathered.check(0)
        return gathered

    return gather
