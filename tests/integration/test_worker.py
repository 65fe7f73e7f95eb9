"""The worker on the real broker: same bytes as replay, crash recovery, dead letters, HTTP."""
import asyncio
import json
import urllib.request
from pathlib import Path

import msgspec
import pytest

from bench.generate import generate
from sinks.registry import EXPORTS
from streams.topics import bootstrap, ensure_topics
from tests.integration.worker_harness import (
    consumed,
    deskstream,
    isolated_settings,
    killed_mid_stream,
    split_log,
    wait_for,
)

pytestmark = pytest.mark.kafka
EXAMPLE = Path(__file__).parents[2] / "examples" / "events.ndjson"
ADMIN = "claire.fontaine@nimbus-home.example"  # an administrator of the example account


def replay_bytes(settings, log: Path, out: Path, export: str = "ticket-metrics") -> bytes:
    done = deskstream(settings, "replay", str(log), "--out", str(out), "--export", export)
    return Path(done.stdout.split("\t")[0]).read_bytes()


def snapshot(settings, export: str = "ticket-metrics") -> Path:
    done = deskstream(settings, "snapshot", export, "--as", ADMIN, "--timeout", "120")
    return Path(done.stdout.strip())


def all_consumed(settings):
    done, total = consumed(settings)
    return total > 0 and done == total


@pytest.mark.parametrize("guarantee", ["at_least_once", "exactly_once"])
def test_worker_export_equals_replay_byte_for_byte(run, tmp_path, guarantee):
    settings, worker = run
    settings = worker.settings = msgspec.structs.replace(settings, processing_guarantee=guarantee)
    # given the example log on the input topics, and a worker that consumed it
    deskstream(settings, "produce", str(EXAMPLE))
    worker.start()
    wait_for(lambda: all_consumed(settings), "the worker to consume the example log", worker)
    # when every export is asked for
    paths = {export: snapshot(settings, export) for export in sorted(EXPORTS)}
    # then each is the file replay writes, byte for byte (zips included: names and times
    # in them come from the request and the data)
    for export, path in paths.items():
        assert path.read_bytes() == replay_bytes(settings, EXAMPLE, tmp_path / export, export), export
        assert path.is_relative_to(settings.export_dir)


def test_redelivered_events_change_nothing(run, tmp_path):
    settings, worker = run
    # given the example log produced twice: every event delivered twice
    deskstream(settings, "produce", str(EXAMPLE))
    deskstream(settings, "produce", str(EXAMPLE), "--encoding", "json")
    worker.start()
    wait_for(lambda: all_consumed(settings), "the worker to consume both copies", worker)
    # then
    assert snapshot(settings).read_bytes() == replay_bytes(settings, EXAMPLE, tmp_path / "replay")


def test_worker_killed_mid_stream_recovers_to_the_replay_bytes(run, tmp_path):
    settings, worker = run
    # given a worker that consumed the first fifth of a log, then froze (SIGSTOP) while
    # the rest was produced: the kill surely comes with the log unfinished, however fast
    # the worker is (waiting for "a fifth consumed" raced a fast worker to the end)
    events = list(generate(tickets=600, conversations=100, seed=11))
    log, first, rest = split_log(tmp_path, events)
    deskstream(settings, "produce", str(first))
    worker.start()
    wait_for(lambda: all_consumed(settings), "the first fifth consumed", worker)
    # when: SIGKILL mid-stream, no goodbye, then a new worker on the same data dir
    killed_mid_stream(settings, worker, rest)
    worker.start()
    wait_for(lambda: all_consumed(settings), "the restarted worker to finish", worker)
    # then: nothing lost, nothing doubled
    assert snapshot(settings).read_bytes() == replay_bytes(settings, log, tmp_path / "replay")


def test_malformed_event_goes_to_dead_letters_and_the_worker_goes_on(run, tmp_path):
    settings, worker = run
    # given a good log with a broken message in front of it
    asyncio.run(_send_raw(settings, settings.ticket_topic, b"42", b"\x00garbage"))
    deskstream(settings, "produce", str(EXAMPLE))
    worker.start()
    # when
    (letter,) = wait_for(lambda: asyncio.run(_read_all(settings, settings.dead_letter_topic)), "a dead letter", worker)
    # then: the original bytes, why, and where they came from
    headers = dict(letter.headers)
    assert letter.value == b"\x00garbage" and letter.key == b"42"
    assert headers["deskstream-reason"].startswith(b"not an Avro-encoded deskstream event")
    assert headers["deskstream-source"].startswith(f"{settings.ticket_topic}:".encode())
    wait_for(lambda: all_consumed(settings), "the rest of the log", worker)
    assert snapshot(settings).read_bytes() == replay_bytes(settings, EXAMPLE, tmp_path / "replay")


def test_http_endpoint_takes_and_serves_a_snapshot(run, tmp_path):
    settings, worker = run
    deskstream(settings, "produce", str(EXAMPLE))
    worker.start()
    wait_for(lambda: all_consumed(settings), "the example log", worker)
    base = f"http://127.0.0.1:{settings.web_port}"
    # when
    request = urllib.request.Request(f"{base}/exports/ticket-metrics?timezone=Europe/Paris", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202
        export_id = json.load(response)["id"]
    status = wait_for(lambda: _ready(f"{base}/exports/{export_id}"), "the export to be ready", worker)
    # then
    assert status["rows"] == 40 - 1  # the deleted ticket is left out
    with urllib.request.urlopen(f"{base}/exports/{export_id}?download=1", timeout=30) as response:
        assert response.read() == replay_bytes(settings, EXAMPLE, tmp_path / "replay")


def _ready(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            status = json.load(response)
    except urllib.error.HTTPError as exc:  # the export failed: say why, not only the status
        raise AssertionError(f"{url}: {exc.code} {exc.read().decode(errors='replace')}") from None
    return status if status["status"] == "ready" else None


async def _send_raw(settings, topic: str, key: bytes, value: bytes) -> None:
    from aiokafka import AIOKafkaProducer

    from streams.topics import ensure_topics

    await ensure_topics(settings)
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap(settings))
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=key, value=value)
    finally:
        await producer.stop()


async def _read_all(settings, topic: str) -> list:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap(settings), auto_offset_reset="earliest",
                                enable_auto_commit=False)
    await consumer.start()
    try:
        batches = await consumer.getmany(timeout_ms=2000)
        return [message for messages in batches.values() for message in messages]
    finally:
        await consumer.stop()


def test_topics_are_created_with_their_partitions_and_compaction(kafka_broker, tmp_path):
    # given
    settings = isolated_settings(kafka_broker.broker_url, tmp_path, partitions=3)
    # when
    asyncio.run(ensure_topics(settings))
    # then
    assert asyncio.run(_describe(settings, settings.ticket_topic)) == (3, "delete")
    assert asyncio.run(_describe(settings, settings.ticket_metrics_topic)) == (3, "compact")
    assert asyncio.run(_describe(settings, settings.dead_letter_topic)) == (1, "delete")


async def _describe(settings, topic: str) -> tuple[int, str]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap(settings))
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        configs = {entry[0]: entry[1] for entry in response.resources[0][4]}
        return len(described["partitions"]), configs["cleanup.policy"]
    finally:
        await admin.close()
