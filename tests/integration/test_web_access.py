"""The worker's HTTP endpoint on the real broker: token, administrators only, audit topic."""
import asyncio
import hashlib
import json
import urllib.error
import urllib.request
from pathlib import Path

import msgspec
import pytest

from events.commands import ExportAudited
from tests.integration.test_worker import EXAMPLE, _read_all, all_consumed
from tests.integration.worker_harness import WorkerProcess, deskstream, isolated_settings, wait_for

pytestmark = pytest.mark.kafka
TOKEN = "integration-test-token"
ADMIN, AGENT = "claire.fontaine@nimbus-home.example", "antoine.roux@nimbus-home.example"


def _call(url: str, method: str = "GET", token: str | None = TOKEN, requester: str | None = None):
    """(status, body) of one request; an HTTP error status is an answer too."""
    request = urllib.request.Request(url, method=method)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    if requester is not None:
        request.add_header("X-Deskstream-As", requester)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _answered(url: str):
    status, body = _call(url)
    answer = json.loads(body)
    return (status, answer) if answer["status"] != "pending" else None


def _audit_messages(settings, count: int):
    found = asyncio.run(_read_all(settings, settings.export_audit_topic))
    return found if len(found) >= count else None


@pytest.fixture
def served(kafka_broker, tmp_path):
    """A worker with a token that consumed the example log; its base URL."""
    settings = msgspec.structs.replace(isolated_settings(kafka_broker.broker_url, tmp_path), web_token=TOKEN)
    worker = WorkerProcess(settings, tmp_path / "worker.log")
    deskstream(settings, "produce", str(EXAMPLE))
    worker.start()
    try:
        wait_for(lambda: all_consumed(settings), "the example log", worker)
        yield settings, worker, f"http://127.0.0.1:{settings.web_port}"
    finally:
        worker.stop()


def test_web_token_is_required_and_only_administrators_get_account_exports(served):
    settings, worker, base = served
    # when: no token, a wrong one, then an agent and an administrator asking for the CSV export
    no_token, _ = _call(f"{base}/exports/zendesk-csv", "POST", token=None)
    wrong_token, _ = _call(f"{base}/exports/zendesk-csv", "POST", token="guess")
    _, asked_by_agent = _call(f"{base}/exports/zendesk-csv", "POST", requester=AGENT)
    _, asked_by_admin = _call(f"{base}/exports/zendesk-csv", "POST", requester=ADMIN)
    agent_id, admin_id = json.loads(asked_by_agent)["id"], json.loads(asked_by_admin)["id"]
    refused = wait_for(lambda: _answered(f"{base}/exports/{agent_id}"), "the agent's answer", worker)
    ready = wait_for(lambda: _answered(f"{base}/exports/{admin_id}"), "the admin's export", worker)
    download_status, package = _call(f"{base}/exports/{admin_id}?download=1")
    # then
    assert (no_token, wrong_token) == (401, 401)
    assert refused[0] == 403 and refused[1]["status"] == "refused"
    assert refused[1]["error"].endswith("is agent, not admin; only administrators may export")
    assert ready[0] == 200 and ready[1]["status"] == "ready"
    assert download_status == 200 and hashlib.sha256(package).hexdigest() == ready[1]["sha256"]
    assert Path(ready[1]["path"]).suffix == ".zip"
    audits = wait_for(lambda: _audit_messages(settings, 2), "both audit records", worker)
    records = {r.requester: r for r in (msgspec.json.decode(m.value, type=ExportAudited) for m in audits)}
    assert (records[AGENT].outcome, records[ADMIN].outcome) == ("refused", "ok")
    assert records[ADMIN].sha256 == ready[1]["sha256"] and records[ADMIN].rows == ready[1]["rows"]
