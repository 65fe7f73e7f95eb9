"""A worker for the agents' tests (test_context): memory store, ticket sends recorded.
Modules that need another kind of worker define their own `worker` fixture."""
from unittest.mock import Mock

import pytest

from streams.settings import Settings
from streams.worker import Worker


@pytest.fixture
def worker(tmp_path):
    worker = Worker(Settings(store="memory://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports"))
    worker.runtime.ticket_metrics_topic.send_soon = Mock()
    worker.runtime.rollup_changes_topic.send_soon = Mock()
    return worker
