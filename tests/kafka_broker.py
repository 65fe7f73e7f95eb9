"""A throwaway single-node Apache Kafka broker (KRaft) for the integration tests.

The broker runs from Maven Central jars (see tests/kafka_jars.py), configured by the
files in `.ci/kafka/`. Each start gets a fresh temp folder (storage, config, log) and
free 127.0.0.1 ports, and stop removes the folder.

    python -m tests.kafka_broker fetch    # fill the jar cache (skipped when complete)
    python -m tests.kafka_broker start    # start one in the background, print its address
    python -m tests.kafka_broker stop     # stop the one `start` started

From pytest, use the session fixture `kafka_broker` (tests/conftest.py).
"""
import asyncio
import base64
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.kafka_jars import REPO, BrokerError, fetch, find_java

__all__ = ["Broker", "BrokerError", "external", "fetch", "start"]

CONFIG_DIR = REPO / ".ci" / "kafka"  # server.properties (a template), log4j2.properties
STATE_FILE = REPO / ".cache" / "kafka-broker.json"  # the broker `start` left running
# A test broker on 2 cores: a small heap, and C1 only (starts ~2 s sooner than full JIT).
JVM_OPTS = ["-Xms128m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true"]
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cluster_id() -> str:
    # Kafka's Uuid text form: URL-safe base64 of 16 bytes, unpadded, never starting
    # with '-' (its own generator retries for that too: it reads as a CLI flag).
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not text.startswith("-"):
            return text


@dataclass
class Broker:
    """A running broker: where to reach it, and (if we started it) how to stop it."""

    bootstrap: str
    pid: int | None = None
    workdir: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def broker_url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def log_path(self) -> Path | None:
        return self.workdir / "broker.log" if self.workdir else None

    def log_tail(self, lines: int = 40) -> str:
        path = self.log_path
        if path is None or not path.exists():
            return "(no broker log)"
        return _tail(path.read_text(errors="replace"), lines)

    def stop(self, keep_data: bool = False) -> None:
        """SIGTERM (Kafka shuts down cleanly on it), SIGKILL past the deadline, then clean
        up, unless `keep_data` leaves the folder for `start_again`."""
        if self._running():
            with contextlib.suppress(ProcessLookupError):  # it may exit meanwhile
                os.kill(self.pid, signal.SIGTERM)
                if not self._wait_exit(STOP_TIMEOUT):
                    os.kill(self.pid, signal.SIGKILL)
                    self._wait_exit(STOP_TIMEOUT)
        if self.workdir is not None and not keep_data:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def start_again(self, timeout: float = START_TIMEOUT) -> None:
        """Start the broker `stop(keep_data=True)` stopped: same folder, data and ports."""
        _launch(self, _java_command(), timeout)

    def _running(self) -> bool:
        if self.process is not None:
            return self.process.poll() is None
        return self.pid is not None and _is_our_broker(self.pid, self.workdir)

    def _wait_exit(self, timeout: float) -> bool:
        if self.process is not None:
            try:
                self.process.wait(timeout=timeout)
                return True
            except subprocess.TimeoutExpired:
                return False
        # Not our child (started by an earlier `start` command): wait on a pidfd instead.
        try:
            fd = os.pidfd_open(self.pid)
        except ProcessLookupError:
            return True
        try:
            return bool(select.select([fd], [], [], timeout)[0])
        finally:
            os.close(fd)


def _is_our_broker(pid: int, workdir: Path | None) -> bool:
    """True if `pid` is still our broker, not a process that reused the number."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return workdir is None or str(workdir).encode() in cmdline


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _die_with_parent() -> None:
    """In the child before exec: take SIGTERM when the parent dies, so a killed test
    session leaves no broker behind."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start(timeout: float = START_TIMEOUT, detached: bool = False) -> Broker:
    """Fetch if needed, format fresh KRaft storage, start the broker, wait until it answers.

    `detached` leaves it running after this process exits (the `start` command).
    """
    base = _java_command()
    workdir = Path(tempfile.mkdtemp(prefix="deskstream-kafka-"))
    port, controller_port = free_port(), free_port()
    config = workdir / "server.properties"
    template = string.Template((CONFIG_DIR / "server.properties").read_text())
    config.write_text(template.substitute(
        port=port, controller_port=controller_port, data_dir=workdir / "data"))
    broker = Broker(bootstrap=f"127.0.0.1:{port}", workdir=workdir)
    formatted = subprocess.run(
        [*base, "kafka.tools.StorageTool", "format", "-t", _cluster_id(), "-c", str(config)],
        capture_output=True, text=True, timeout=timeout,
    )
    if formatted.returncode != 0:
        broker.stop()
        raise BrokerError("Kafka storage format failed:\n" + _tail(formatted.stdout + formatted.stderr))
    _launch(broker, base, timeout, detached)
    return broker


def _java_command() -> list[str]:
    java, cache = find_java(), fetch()
    return [java, *JVM_OPTS, f"-Dlog4j2.configurationFile={CONFIG_DIR / 'log4j2.properties'}",
            "-cp", str(cache / "*")]


def _launch(broker: Broker, base: list[str], timeout: float, detached: bool = False) -> None:
    """Run the broker of `broker.workdir` (config and storage made) and wait until it answers."""
    with open(broker.log_path, "ab") as log:
        broker.process = subprocess.Popen(
            [*base, "kafka.Kafka", str(broker.workdir / "server.properties")], stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=detached,
            preexec_fn=None if detached or not sys.platform.startswith("linux") else _die_with_parent,
        )
    broker.pid = broker.process.pid
    try:
        _wait_ready(broker, timeout)
    except BrokerError as exc:
        tail = broker.log_tail()  # read before stop() removes the folder
        broker.stop()
        raise BrokerError(f"{exc}; broker log tail:\n{tail}") from None
    except BaseException:
        broker.stop()
        raise


def _wait_ready(broker: Broker, timeout: float) -> None:
    """Poll until the broker lists itself in metadata; fail early if the JVM exits."""
    deadline = time.monotonic() + timeout
    host, port = broker.bootstrap.split(":")
    while True:
        try:
            code = broker.process.wait(timeout=0.25)  # the poll interval, and a death check
            raise BrokerError(f"Kafka broker exited with code {code} before it answered")
        except subprocess.TimeoutExpired:
            pass
        if _port_open(host, int(port)) and asyncio.run(_lists_a_broker(broker.bootstrap)):
            return
        if time.monotonic() > deadline:
            raise BrokerError(f"Kafka broker did not answer on {broker.bootstrap} within {timeout:.0f}s")


def _port_open(host: str, port: int) -> bool:
    # A plain connect first, so aiokafka does not log an error for every early poll.
    try:
        socket.create_connection((host, port), timeout=1).close()
        return True
    except OSError:
        return False


async def _lists_a_broker(bootstrap: str) -> bool:
    from aiokafka.client import AIOKafkaClient
    from aiokafka.errors import KafkaError

    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await client.bootstrap()
        metadata = await client.fetch_all_metadata()
        return bool(metadata.brokers())
    except KafkaError:
        return False
    finally:
        await client.close()


def external(bootstrap: str) -> Broker:
    """A broker someone else runs (DESKSTREAM_TEST_BOOTSTRAP): nothing to stop."""
    return Broker(bootstrap=bootstrap)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    try:
        if command == "fetch":
            began = time.monotonic()
            print(f"Kafka jars in {fetch()} ({time.monotonic() - began:.1f}s)")
        elif command == "start":
            if STATE_FILE.exists():
                raise BrokerError(f"a broker is already recorded in {STATE_FILE}; run `stop` first")
            began = time.monotonic()
            broker = start(detached=True)
            STATE_FILE.parent.mkdir(parents=True, exist_ok=True)
            STATE_FILE.write_text(json.dumps(
                {"bootstrap": broker.bootstrap, "pid": broker.pid, "workdir": str(broker.workdir)}))
            print(f"Kafka broker on {broker.bootstrap} (pid {broker.pid}, "
                  f"{time.monotonic() - began:.1f}s); log {broker.log_path}")
            print(f"export DESKSTREAM_TEST_BOOTSTRAP={broker.bootstrap}")
        elif command == "stop":
            if not STATE_FILE.exists():
                print("no broker recorded: nothing to stop")
                return 0
            state = json.loads(STATE_FILE.read_text())
            Broker(state["bootstrap"], state["pid"], Path(state["workdir"])).stop()
            STATE_FILE.unlink()
            print(f"stopped the Kafka broker on {state['bootstrap']}")
        else:
            print("usage: python -m tests.kafka_broker fetch|start|stop", file=sys.stderr)
            return 2
    except BrokerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


async def create_topic(bootstrap: str, prefix: str, partitions: int = 1) -> str:
    """A new topic `prefix.<random>` of `partitions` partitions on the broker at `bootstrap`; its name."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    topic = f"{prefix}.{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    finally:
        await admin.close()
    return topic
