"""Faults the worker survives on the real broker: a worker of two killed, a flood of
malformed messages. Each ends with the export replay writes, byte for byte."""
import asyncio

import msgspec
import pytest

from bench.generate import generate
from events import codec
from events.codec import EventDecodeError
from events.log import read_log
from streams.topics import bootstrap, ensure_topics, input_topic
from tests.integration.test_worker import EXAMPLE, all_consumed, replay_bytes, snapshot
from tests.integration.worker_harness import (
    another_worker,
    consumed,
    deskstream,
    input_partitions_by_member,
    read_to_end,
    split_log,
    wait_for,
)

pytestmark = pytest.mark.kafka


@pytest.mark.slow  # about a minute: the group waits out the killed worker's session
# Known bug, issue 15: once in CI the survivor's export missed the last events of one
# ticket (its updated_at two events short of replay's) after the takeover's rebalance.
@pytest.mark.xfail(reason="after a takeover a ticket's last events were once missing (issue 15)", strict=False)
def test_survivor_takes_over_a_killed_worker_partitions_and_exports_the_replay_bytes(run, tmp_path):
    settings, survivor = run
    # Both workers give the group 20 s of silence before it hands a silent one's
    # partitions over: time for the rest of the log to be produced while one is frozen.
    settings = survivor.settings = msgspec.structs.replace(settings, session_timeout=20.0)
    # given two workers that shared the first fifth of a log
    events = list(generate(tickets=300, conversations=50, seed=7))
    log, first, rest = split_log(tmp_path, events)
    deskstream(settings, "produce", str(first))
    survivor.start()
    victim = another_worker(settings, tmp_path, "victim").start()
    try:
        held = wait_for(lambda: _two_members(settings), "both workers to hold input partitions", survivor)
        wait_for(lambda: all_consumed(settings), "the first fifth consumed", survivor)
        # when one freezes while the rest of the log comes, then is SIGKILLed mid-stream
        victim.pause()
        deskstream(settings, "produce", str(rest))
        victim.kill()
        done, total = consumed(settings)
        assert done < total
        # then the survivor takes every partition over and consumes the log to its end
        wait_for(lambda: input_partitions_by_member(settings) == [set(range(settings.partitions))],
                 "the survivor to hold every partition", survivor)
        wait_for(lambda: all_consumed(settings), "the survivor to finish the log", survivor)
        # and its export is replay's: nothing the dead worker held lost or doubled
        assert len(held) == 2
        assert snapshot(settings).read_bytes() == replay_bytes(settings, log, tmp_path / "replay")
    finally:
        victim.stop()


MALFORMED = [  # what a careless producer may send: a kind of malformed message each
    b"\x00garbage",  # not Avro
    b'{"type":"TicketCreated","ticket_id":"x"}',  # a field of the wrong type
    b'{"type":"TicketExploded","ticket_id":1}',  # no such event
    b'{"type":"TicketCreated",',  # cut short
]


# Known bug, issue 15: now and then (3 runs in 15 here) the worker stalls for good after
# "producer buffer full": a commit waits on the producer's flush, whose metadata request is
# never answered. Kept running so that the day it is fixed shows, not failing CI meanwhile.
@pytest.mark.xfail(reason="the worker's producer sometimes stalls under a burst of sends (issue 15)", strict=False)
def test_a_thousand_malformed_messages_become_a_thousand_dead_letters_and_the_rest_equals_replay(run, tmp_path):
    settings, worker = run
    # given the example log with 1,000 malformed messages mixed in, over every partition
    events = list(read_log(EXAMPLE, on_error=pytest.fail))
    sources = asyncio.run(_produce_mixed(settings, events, malformed=1000))
    # when a worker consumes it
    worker.start()
    wait_for(lambda: all_consumed(settings), "the worker to consume the log", worker)
    # then each malformed message is a dead letter: its bytes, why, and where it was
    letters = read_to_end(settings, settings.dead_letter_topic)
    assert len(letters) == 1000
    found = {dict(m.headers)["deskstream-source"].decode(): (m.value, dict(m.headers)["deskstream-reason"].decode())
             for m in letters}
    assert found == {source: (value, _reason(value, settings)) for source, value in sources.items()}
    assert found[next(s for s, v in sources.items() if v == MALFORMED[0])][1].startswith(
        "not an Avro-encoded deskstream event")
    # and the worker is alive, its export that of the good events alone
    assert worker.alive()
    assert snapshot(settings).read_bytes() == replay_bytes(settings, EXAMPLE, tmp_path / "replay")


def _two_members(settings) -> list[set[int]] | None:
    held = input_partitions_by_member(settings)
    return held if len(held) == 2 and all(held) else None


def _reason(value: bytes, settings) -> str:
    try:
        codec.decode(value, settings.time_window)
    except EventDecodeError as exc:
        return str(exc)
    raise AssertionError(f"{value!r} is a valid event")


async def _produce_mixed(settings, events, malformed: int) -> dict[str, bytes]:
    """The events on their input topics with `malformed` bad messages spread among them,
    keyed by ticket ids so they fall in every partition; where each bad one went
    ("topic:partition:offset", as dead letters name their source) and its bytes."""
    from aiokafka import AIOKafkaProducer

    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap(settings), acks="all")
    await producer.start()
    try:
        bad = {}
        for index in range(max(len(events), malformed)):
            if index < len(events):
                event = events[index]
                await producer.send(input_topic(event, settings), codec.encode_avro(event), key=event.key.encode())
            if index < malformed:
                topic = settings.ticket_topic if index % 2 else settings.conversation_topic
                bad[await producer.send(topic, MALFORMED[index % len(MALFORMED)], key=str(index).encode())] = index
        sources = {}
        for future, index in bad.items():
            sent = await future
            sources[f"{sent.topic}:{sent.partition}:{sent.offset}"] = MALFORMED[index % len(MALFORMED)]
        return sources
    finally:
        await producer.stop()
