"""Gathering a snapshot's parts over Kafka: ask each input partition's holder, read the answers.

The worker asked for a snapshot reads the answers topic with a consumer of its own,
outside the consumer group: the answers are for it alone, whichever worker wrote them.
"""
import time
import uuid

from streams.snapshot_parts import Gathered, PartRequested, PartsMissing, decode_chunk, encode
from streams.topics import bootstrap

# After the session timeout a dead holder's partitions go to another worker, which
# restores their tables and is delivered the part request again (not committed until
# answered): the time that takes, with room for the restore.
RESTORE_ROOM = 30.0


def part_wait(settings) -> float:
    """How long a snapshot waits for its parts before it fails naming the missing ones."""
    return settings.session_timeout + RESTORE_ROOM


def attempt_id() -> str:
    """Names one holder's answer to one part request."""
    return uuid.uuid4().hex


async def gather_parts(runtime, request_id: str, partitions: list[int]) -> Gathered:
    """The parts of the snapshot `request_id` for these input partitions (those other
    workers hold); PartsMissing names those not whole within `part_wait`."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.errors import KafkaError

    settings = runtime.settings
    wait = part_wait(settings)
    gathered = Gathered(request_id, partitions)
    if not partitions:  # this worker holds them all
        return gathered
    answers = TopicPartition(runtime.snapshot_answers_topic.get_topic_name(), 0)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap(settings), enable_auto_commit=False)
    try:
        await consumer.start()
        # Where answers start now, before asking, so none can be missed.
        consumer.assign([answers])
        await consumer.seek_to_end(answers)
        await consumer.position(answers)
        deadline = time.time() + wait
        key = request_id.encode()
        for partition in partitions:
            await runtime.snapshot_parts_topic.send(
                key=key, value=encode(PartRequested(request_id, partition, deadline)), partition=partition)
        while gathered.missing() and (left := deadline - time.time()) > 0:
            batches = await consumer.getmany(answers, timeout_ms=int(min(left, 1.0) * 1000))
            for message in batches.get(answers, []):
                if message.key == key:
                    gathered.add(decode_chunk(message.value))
    except KafkaError as exc:
        raise PartsMissing(f"could not gather the snapshot's parts from Kafka: {exc}") from None
    finally:
        await consumer.stop()
    gathered.check(wait)
    return gathered
