"""The worker's presence table, with Faust's test_context(): folded as conversations are,
and read by a snapshot into the same export bytes as a replay."""
from unittest.mock import AsyncMock, Mock

import msgspec
import pytest

from events import codec
from events.commands import ExportRequest, SnapshotRequested
from projections.presence import intervals
from projections.state import ProjectionState
from sinks.export import write_export
from sinks.registry import get_export
from streams.processing import decode_presence
from streams.settings import Settings
from streams.worker import Worker
from tests.projections.conversations_story import ANA, BOB, directory, t
from tests.projections.presence_story import available, away
from tests.streams.own_parts import own_parts

STORY = directory() + [
    available(t("09:00:00"), ANA), available(t("09:05:00"), BOB), away(t("12:00:00"), ANA, state="Lunch"),
    available(t("13:00:00"), ANA), away(t("17:30:00"), BOB),
]


@pytest.fixture
def worker(tmp_path):
    worker = Worker(Settings(store="memory://", data_dir=tmp_path / "data", export_dir=tmp_path / "exports"))
    runtime = worker.runtime
    for topic in ("dead_letter_topic", "export_ready_topic", "export_audit_topic", "conversation_topic"):
        setattr(getattr(runtime, topic), "send", AsyncMock())
    runtime.conversation_metrics_topic.send_soon = Mock()
    runtime.figure_changes_topic.send_soon = Mock()
    worker.gather = own_parts(worker)
    return worker


async def _feed(worker, events):
    async with worker.agents["conversations"].test_context() as agent:
        for event in events:
            await agent.put(codec.encode_avro(event), key=event.key.encode())


async def test_presence_events_are_folded_into_the_presence_table_by_agent(worker):
    # when: the story, with Ana's lunch sent twice
    await _feed(worker, STORY + [STORY[-3]])
    # then
    ana = decode_presence(worker.runtime.presence[ANA])
    assert [(i.type, i.away_state, i.start, i.end) for i in intervals(ana, as_of=t("14:00:00"))] == [
        ("Available", None, t("09:00:00"), t("12:00:00")),
        ("Away", "Lunch", t("12:00:00"), t("13:00:00")),
        ("Available", None, t("13:00:00"), t("14:00:00")),
    ]
    assert len(decode_presence(worker.runtime.presence[BOB]).changes) == 2


@pytest.mark.parametrize("export", ["hootdesk-presence", "hootdesk-users"])
async def test_presence_snapshot_from_the_tables_equals_replay(worker, tmp_path, export):
    # given the story in the tables, and replayed
    await _feed(worker, STORY)
    replayed = ProjectionState()
    replayed.fold(STORY)
    request = ExportRequest(export=export, time_zone="Europe/Paris")
    expected = write_export(get_export(export), replayed, request, tmp_path / "replay")
    command = SnapshotRequested(request_id="r1", request=request)
    # when
    async with worker.agents["commands"].test_context() as agent:
        await agent.put(msgspec.json.encode(command))
    # then: as of Bob's going away, the latest event
    ready = worker.ready["r1"]
    assert ready.error is None and ready.as_of == t("17:30:00")
    assert open(ready.path, "rb").read() == open(expected.path, "rb").read()
    assert ready.rows == {"hootdesk-presence": 5, "hootdesk-users": 2}[export]
