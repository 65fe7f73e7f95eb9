"""Running a real `deskstream worker` against the test broker, and waiting on it.

Every wait polls a condition with a deadline; none sleeps for a fixed time.
"""
import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from events.log import write_log
from streams.diagnostics import END as STATE_DUMP_END
from streams.settings import Settings
from streams.topics import bootstrap, topic_specs
from tests.kafka_broker import free_port

DESKSTREAM = Path(sys.executable).parent / "deskstream"
DEADLINE = 180.0

# Every worker a test started: a timed-out wait prints the state of each one still alive,
# since the one stalled may not be the one the wait names.
STARTED: list["WorkerProcess"] = []

def isolated_settings(broker_url: str, folder: Path, partitions: int = 3) -> Settings:
    """Settings of their own (group, topics, folders), so tests share the broker safely."""
    run = uuid.uuid4().hex[:8]
    return Settings(
        app_id=f"deskstream-{run}",
        broker_url=broker_url,
        data_dir=folder / "data",
        export_dir=folder / "exports",
        ticket_topic=f"{run}.tickets",
        conversation_topic=f"{run}.conversations",
        command_topic=f"{run}.commands",
        export_ready_topic=f"{run}.exports",
        dead_letter_topic=f"{run}.dead-letters",
        export_audit_topic=f"{run}.export-audit",
        ticket_metrics_topic=f"{run}.ticket-metrics",
        conversation_metrics_topic=f"{run}.conversation-metrics",
        agent_rollups_topic=f"{run}.agent-rollups",
        team_rollups_topic=f"{run}.team-rollups",
        agent_figures_topic=f"{run}.hootdesk-agent-figures",
        team_figures_topic=f"{run}.hootdesk-team-figures",
        partitions=partitions,
        web_port=free_port(),
        session_timeout=10.0,  # a restarted worker needn't wait a minute for the killed one
    )


def environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKSTREAM_")}
    for name in Settings.__struct_fields__:
        env[f"DESKSTREAM_{name.upper()}"] = str(getattr(settings, name))
    return env


def deskstream(settings: Settings, *args: str, timeout: float = DEADLINE) -> subprocess.CompletedProcess:
    """Run one deskstream command to its end; fail with its stderr when it fails."""
    done = subprocess.run([str(DESKSTREAM), *args], env=environment(settings), capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"deskstream {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


class WorkerProcess:
    """`deskstream worker` in a subprocess, logging to a file in its folder."""

    def __init__(self, settings: Settings, log: Path):
        self.settings = settings
        self.log = log
        self.process: subprocess.Popen | None = None
        # Faust settings deskstream keeps to Faust's defaults, changed for a test:
        # {"BROKER_COMMIT_INTERVAL": "0.5"} becomes DESKSTREAM_FAUST_BROKER_COMMIT_INTERVAL.
        self.faust: dict[str, str] = {}

    def start(self) -> "WorkerProcess":
        env = environment(self.settings) | {f"DESKSTREAM_FAUST_{k}": v for k, v in self.faust.items()}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([str(DESKSTREAM), "worker", "--loglevel", "info"],
                                            env=env, stdout=out, stderr=out)
        STARTED.append(self)
        return self

    def pause(self) -> None:
        """SIGSTOP: the worker stands still wherever it is, until it is killed."""
        self.process.send_signal(signal.SIGSTOP)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no last commit; the crash the tests recover from."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def state(self, lines: int = 400) -> str:
        """The worker's state, which it writes to its log on SIGUSR2 (streams.diagnostics):
        every task's await chain, Faust's and aiokafka's consumer state, the buffers. A
        worker that stalls logs nothing else, so this is what tells why."""
        if not self.alive():
            return "(no state dump: the worker is gone)"
        start = self.log.stat().st_size
        os.kill(self.process.pid, signal.SIGUSR2)

        def written() -> str | None:
            text = self.log.read_bytes()[start:].decode(errors="replace")
            return text if STATE_DUMP_END in text else None

        try:
            text = wait_for(written, "the worker to write its state", timeout=15)
        except AssertionError as exc:
            return str(exc)
        found = text.split("deskstream state dump", 1)[1].split(STATE_DUMP_END, 1)[0].splitlines()
        return "state dump (SIGUSR2), first lines:\n" + "\n".join(found[:lines])

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_for(condition, what: str, worker: WorkerProcess | None = None, timeout: float = DEADLINE):
    """Poll `condition()` until it returns a true value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker is not None and not worker.alive():
            raise AssertionError(f"worker died while waiting for {what}:\n{worker.log_tail()}")
        value = condition()
        if value:
            return value
        time.sleep(0.2)  # a polling interval, not a wait for the condition
    tail = ""
    if worker is not None:  # a wait on a worker: every live worker's state, also written to its log
        tail = f"\n{worker.log_tail()}"
        for live in [w for w in STARTED if w.alive()]:
            tail += f"\n{live.log.name}: {live.state(lines=150)}"
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}{tail}")


def consumed(settings: Settings) -> tuple[int, int]:
    """(events the worker's group has committed, events in the input topics)."""
    return asyncio.run(_consumed(settings))


async def _consumed(settings: Settings) -> tuple[int, int]:
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import KafkaError

    servers = bootstrap(settings)
    admin = AIOKafkaAdminClient(bootstrap_servers=servers)
    consumer = AIOKafkaConsumer(bootstrap_servers=servers)
    await admin.start()
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for topic in (settings.ticket_topic, settings.conversation_topic)
               for p in range(settings.partitions)]
        ends = await consumer.end_offsets(tps)
        try:
            committed = await admin.list_consumer_group_offsets(settings.app_id, partitions=tps)
        except KafkaError as exc:
            if not exc.retriable:
                raise
            return 0, sum(ends.values())  # the group's coordinator is not up yet
        done = sum(max(meta.offset, 0) for meta in committed.values() if meta is not None)
        return done, sum(ends.values())
    finally:
        await consumer.stop()
        await admin.close()


def another_worker(settings: Settings, folder: Path, name: str) -> WorkerProcess:
    """One more worker of the same group: its own tables, web port and log."""
    import msgspec

    own = msgspec.structs.replace(settings, data_dir=folder / f"data-{name}", web_port=free_port())
    return WorkerProcess(own, folder / f"worker-{name}.log")


def input_partitions_by_member(settings: Settings) -> list[set[int]]:
    """The ticket-topic partitions each member of the worker's group holds now (empty
    while the group is rebalancing)."""
    return asyncio.run(_input_partitions_by_member(settings))


async def _input_partitions_by_member(settings: Settings) -> list[set[int]]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap(settings))
    await admin.start()
    try:
        try:
            (response,) = await admin.describe_consumer_groups([settings.app_id])
        except KafkaError as exc:
            if not exc.retriable:
                raise
            return []  # the group's coordinator is not up yet
        (group,) = response.to_object()["groups"]
        if group["state"] != "Stable":
            return []
        held = []
        for member in group["members"]:
            assignment = ConsumerProtocolMemberAssignment.decode(member["member_assignment"])
            held.append({p for topic, partitions in assignment.assignment if topic == settings.ticket_topic
                         for p in partitions})
        return held
    finally:
        await admin.close()


def latest_records(settings: Settings, topic: str) -> dict[bytes, tuple[int, bytes | None]]:
    """The latest record of each key on `topic`: its partition and its value."""
    return {message.key: (message.partition, message.value) for message in read_to_end(settings, topic)}


def read_to_end(settings: Settings, topic: str) -> list:
    """Every message on `topic`, from its start to its end now, partition by partition."""
    return asyncio.run(_read_to_end(settings, topic))


async def _read_to_end(settings: Settings, topic: str) -> list:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap(settings), enable_auto_commit=False)
    await consumer.start()
    try:
        count, _ = topic_specs(settings)[topic]
        partitions = [TopicPartition(topic, p) for p in range(count)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found = []
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            for messages in (await consumer.getmany(timeout_ms=1000)).values():
                found += messages
        return found
    finally:
        await consumer.stop()


def killed_mid_stream(settings: Settings, worker: WorkerProcess, rest: Path) -> None:
    """Freeze `worker`, produce `rest` while it is frozen, then SIGKILL it: it dies with
    events left unconsumed (asserted), so whoever comes next has work it never saw."""
    worker.pause()
    deskstream(settings, "produce", str(rest))
    worker.kill()
    done, total = consumed(settings)
    assert done < total


def split_log(folder: Path, events: list) -> tuple[Path, Path, Path]:
    """The log written whole, and as its first fifth and the rest: (log, first, rest)."""
    fifth = len(events) // 5
    paths = folder / "log.ndjson", folder / "first.ndjson", folder / "rest.ndjson"
    for path, part in zip(paths, (events, events[:fifth], events[fifth:])):
        write_log(path, part)
    return paths
