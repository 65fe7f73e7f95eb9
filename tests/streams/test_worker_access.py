"""The worker checks who asks against its tables, answers, and sends every request to the audit topic."""
from datetime import UTC, datetime

import msgspec
import pytest

from events.commands import ExportAudited, ExportRequest, SnapshotRequested
from streams.settings import Settings
from streams.worker import Worker
from tests.projections.tickets_story import ADMIN_EMAIL, AGENT_EMAIL, admin_and_agent, at, created, people
from tests.streams.test_agents import _feed, _mocked

ADMIN, AGENT = ADMIN_EMAIL, AGENT_EMAIL
STORY = people() + admin_and_agent() + [
    created(at("03-02 09:00"), ticket_id=1),
]
NOON = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


@pytest.fixture
def worker(tmp_path):
    settings = Settings(store="memory://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports")
    return _mocked(Worker(settings, clock=lambda: NOON))


async def _ask(worker, request_id: str, requester: str | None) -> ExportAudited:
    await _feed(worker, STORY)
    request = ExportRequest(export="zendesk-csv", requester=requester)
    async with worker.agents["commands"].test_context() as agent:
        await agent.put(msgspec.json.encode(SnapshotRequested(request_id=request_id, request=request)))
    (call,) = worker.runtime.export_audit_topic.send.call_args_list
    assert call.kwargs["key"] == request_id.encode()
    return msgspec.json.decode(call.kwargs["value"], type=ExportAudited)


async def test_worker_access_agent_is_refused_and_the_refusal_audited(worker, tmp_path):
    # when
    audit = await _ask(worker, "r1", AGENT)
    # then
    ready = worker.ready["r1"]
    assert (ready.outcome, ready.path) == ("refused", None)
    assert ready.error == "zendesk-csv: 'ana@nimbus.example' is agent, not admin; only administrators may export"
    assert not (tmp_path / "exports" / "r1").exists()
    assert (audit.at, audit.requester, audit.outcome, audit.reason) == (NOON, AGENT, "refused", ready.error)


async def test_worker_access_admin_gets_the_export_and_the_audit_its_checksum(worker):
    # when
    audit = await _ask(worker, "r2", ADMIN)
    # then
    ready = worker.ready["r2"]
    assert (ready.outcome, ready.rows) == ("ok", 1)
    assert (audit.outcome, audit.rows, audit.sha256, audit.path) == ("ok", 1, ready.sha256, ready.path)
    assert audit.request.export == "zendesk-csv" and audit.request_id == "r2"
