"""Fixtures of the worker's integration tests."""
import pytest

from tests.integration.worker_harness import WorkerProcess, isolated_settings


@pytest.fixture
def run(kafka_broker, tmp_path):
    """A worker (not started) with settings of its own; stopped at the end."""
    settings = isolated_settings(kafka_broker.broker_url, tmp_path)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    yield settings, worker
    worker.stop()
