"""Faults the worker survives on the real broker: a worker of two killed, one worker
killed again and again, the broker restarted, a flood of malformed messages. Each ends
with the export replay writes, byte for byte."""
import asyncio
import random

import msgspec
import pytest

from bench.generate import generate
from events import codec
from events.codec import EventDecodeError
from events.downstream import TICKET_METRICS
from events.log import read_log, write_log
from projections.state import DIRECTORY_TYPES, ProjectionState
from projections.ticket_metrics import ticket_metrics
from streams.topics import bootstrap, ensure_topics, input_topic
from tests import kafka_broker as _kafka
from tests.integration.test_worker import EXAMPLE, all_consumed, replay_bytes, snapshot
from tests.integration.worker_harness import (
    WorkerProcess,
    another_worker,
    consumed,
    deskstream,
    input_partitions_by_member,
    isolated_settings,
    killed_mid_stream,
    latest_records,
    read_to_end,
    split_log,
    wait_for,
)

pytestmark = pytest.mark.kafka


@pytest.mark.slow  # about a minute: the group waits out the killed worker's session
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
        killed_mid_stream(settings, victim, rest)
        # then the survivor takes every partition over and consumes the log to its end
        wait_for(lambda: input_partitions_by_member(settings) == [set(range(settings.partitions))],
                 "the survivor to hold every partition", survivor)
        wait_for(lambda: all_consumed(settings), "the survivor to finish the log", survivor)
        # and its export is replay's: nothing the dead worker held lost or doubled
        assert len(held) == 2
        assert snapshot(settings).read_bytes() == replay_bytes(settings, log, tmp_path / "replay")
    finally:
        victim.stop()


@pytest.mark.slow  # about a minute: six starts, each waiting for the group
def test_worker_killed_at_five_offsets_loses_and_doubles_nothing_downstream(run, tmp_path):
    settings, worker = run
    # The shortest session the broker allows: each restart waits it out for the dead worker.
    # Batches of 200 (default 2,000), for a slower worker: with 2,000 it finished the log
    # before its fifth kill in 2 runs of 11.
    settings = worker.settings = msgspec.structs.replace(settings, session_timeout=6.0, batch_size=200)
    # Commits every half second (Faust's default: 2.8 s), so a fast worker is still
    # mid-log at each kill, with folded events not committed yet.
    worker.faust = {"BROKER_COMMIT_INTERVAL": "0.5"}
    # given an account's reference data folded, then its tickets' events all produced
    events = list(generate(tickets=1500, conversations=0, seed=15))
    reference, tickets = _reference_first(tmp_path, events)
    deskstream(settings, "produce", str(reference))
    worker.start()
    wait_for(lambda: all_consumed(settings), "the reference data folded", worker)
    deskstream(settings, "produce", str(tickets))
    start, total = consumed(settings)
    # when the worker is SIGKILLed at five offsets of the log chosen by a seed (at its first
    # commit past each, and past the last kill), and restarted each time
    points = sorted(random.Random(15).sample(range(start + 1, start + (total - start) // 2), 5))
    last = start
    for point in points:
        last = wait_for(lambda: _committed_past(settings, max(point, last + 1)),
                        f"a commit past offset {point} of {total}", worker)
        worker.kill()
        assert last < total, f"the worker finished the log before the kill at offset {point}"
        worker.start()
    wait_for(lambda: all_consumed(settings), "the restarted worker to finish the log", worker)
    # then the export is replay's, and the last metrics record of each ticket on the
    # downstream topic is replay's metrics of that ticket: none lost, none left stale
    assert snapshot(settings).read_bytes() == replay_bytes(settings, tmp_path / "log.ndjson", tmp_path / "replay")
    assert _downstream_metrics(settings) == _replayed_metrics(events)


@pytest.mark.slow  # about 40 s: a broker of its own, started twice
def test_worker_resumes_by_itself_when_the_broker_comes_back_and_exports_the_replay_bytes(own_broker, tmp_path):
    settings = isolated_settings(own_broker.broker_url, tmp_path)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    worker.faust = {"BROKER_COMMIT_INTERVAL": "0.5"}  # its first commit on the rest comes soon
    try:
        # given a worker that folded the first fifth of a log, and the rest produced
        events = list(generate(tickets=1000, conversations=100, seed=5))
        log, first, rest = split_log(tmp_path, events)
        deskstream(settings, "produce", str(first))
        worker.start()
        wait_for(lambda: all_consumed(settings), "the first fifth consumed", worker)
        start, _ = consumed(settings)
        deskstream(settings, "produce", str(rest))
        # when the broker stops mid-stream (a clean shutdown), then starts again on its data
        done, total = wait_for(lambda: _moved_past(settings, start), "the worker to start on the rest", worker)
        own_broker.stop(keep_data=True)
        assert done < total
        own_broker.start_again()
        # then the same worker process, never restarted, finishes the log: replay's bytes
        wait_for(lambda: all_consumed(settings), "the worker to finish the log after the restart", worker)
        assert worker.alive()
        assert snapshot(settings).read_bytes() == replay_bytes(settings, log, tmp_path / "replay")
    finally:
        worker.stop()


@pytest.fixture
def own_broker():
    """A broker for one test alone, which it may stop and start again."""
    broker = _kafka.start()
    try:
        yield broker
    finally:
        broker.stop()


def _reference_first(folder, events) -> tuple:
    """The log whole, its reference data, and its other events, written as logs."""
    paths = folder / "log.ndjson", folder / "reference.ndjson", folder / "tickets.ndjson"
    write_log(paths[0], events)
    write_log(paths[1], (e for e in events if type(e) in DIRECTORY_TYPES))
    write_log(paths[2], (e for e in events if type(e) not in DIRECTORY_TYPES))
    return paths[1:]


def _committed_past(settings, offset: int) -> int | None:
    """The events committed over every input partition, once at least `offset`."""
    done, _ = consumed(settings)
    return done if done >= offset else None


def _moved_past(settings, offset: int) -> tuple[int, int] | None:
    done, total = consumed(settings)
    return (done, total) if done > offset else None


def _downstream_metrics(settings) -> dict:
    """The last record of each live ticket on the ticket-metrics topic, decoded."""
    return {int(key): TICKET_METRICS.decode(value)
            for key, (_, value) in latest_records(settings, settings.ticket_metrics_topic).items()
            if value is not None}


def _replayed_metrics(events) -> dict:
    state = ProjectionState()
    state.fold(events)
    return {ticket.ticket_id: ticket_metrics(ticket, state.account) for ticket in state.live_tickets()}


MALFORMED = [  # what a careless producer may send: a kind of malformed message each
    b"\x00garbage",  # not Avro
    b'{"type":"TicketCreated","ticket_id":"x"}',  # a field of the wrong type
    b'{"type":"TicketExploded","ticket_id":1}',  # no such event
    b'{"type":"TicketCreated",',  # cut short
]


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
