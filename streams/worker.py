"""The worker: the Runtime's agents and web views, wired to the Processor."""
import time

import msgspec

from events.commands import ExportReady, SnapshotRequested, command_decoder
from streams.app import Runtime
from streams.audit import Clock, audited_answer, wall_clock
from streams.dashboard.feed import DashboardFeed
from streams.dashboard.web import register_dashboard
from streams.diagnostics import install as install_state_dump
from streams.gathering import attempt_id, gather_parts
from streams.hootdesk_figures import roll_up_figures
from streams.processing import Processor
from streams.settings import Settings
from streams.snapshot_parts import answer_part, decode_request, encode
from streams.snapshots import encode_ready, take_snapshot
from streams.web import REMEMBERED, Recent, register_views


class Worker:
    def __init__(self, settings: Settings, clock: Clock = wall_clock):
        self.runtime = runtime = Runtime(settings)
        self.processor = processor = Processor(runtime)
        # Answers to the latest snapshot requests, by request id, for GET /exports/{id}.
        self.ready: Recent[str, ExportReady] = Recent(REMEMBERED)
        # The downstream topics, read whole by every worker for the dashboard (GET /).
        self.dashboard = DashboardFeed(settings)
        runtime.app.task(self.dashboard.follow)
        app = runtime.app
        install_state_dump(app)  # SIGUSR2: what a silent worker is waiting for
        size, wait = settings.batch_size, settings.batch_wait

        async def fold_input(stream):
            """Both input topics: fold each batch of events into the tables."""
            async for events in stream.take_events(size, within=wait):
                await processor.process(events)
                yield len(events)  # put() in test_context waits for a yielding agent

        tickets = app.agent(runtime.ticket_topic, name="tickets")(fold_input)
        conversations = app.agent(runtime.conversation_topic, name="conversations")(fold_input)

        @app.agent(runtime.rollup_changes_topic, name="rollups")
        async def rollup_changes(stream):
            async for events in stream.take_events(size, within=wait):
                await processor.roll_up(events)
                yield len(events)

        @app.agent(runtime.figure_changes_topic, name="hootdesk-figures")
        async def figure_changes(stream):
            async for events in stream.take_events(size, within=wait):
                await roll_up_figures(runtime, events, processor.people())
                yield len(events)

        @app.agent(runtime.command_topic, name="commands")
        async def commands(stream):
            async for event in stream.events():
                try:
                    command = command_decoder.decode(event.message.value)
                except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
                    await processor.dead_letter(event.message, f"not a deskstream command: {exc}")
                    continue
                yield await self.answer(command)

        @app.agent(runtime.snapshot_parts_topic, name="snapshot-parts")
        async def snapshot_parts(stream):
            """Answer for the input partition this worker holds; acknowledged (so committed)
            only once answered, so a holder that dies leaves the request to the next one."""
            async for event in stream.events():
                request = decode_request(event.message.value)
                if time.time() > request.deadline:
                    continue  # delivered again after its snapshot gave up
                for chunk in answer_part(processor, request, attempt_id()):
                    await runtime.snapshot_answers_topic.send(key=request.request_id.encode(), value=encode(chunk))
                yield request.partition

        self.clock = clock
        # How a snapshot gets the parts of the input partitions other workers hold (tests give their own).
        self.gather = lambda request_id, partitions: gather_parts(runtime, request_id, partitions)

        self.agents = {
            "tickets": tickets, "conversations": conversations, "rollups": rollup_changes,
            "hootdesk-figures": figure_changes, "commands": commands, "snapshot-parts": snapshot_parts,
        }
        register_views(self)
        register_dashboard(self)

    async def answer(self, command: SnapshotRequested) -> ExportReady:
        """Take the snapshot, keep its answer for GET /exports/{id}, send it on the
        export-ready topic and record it on the audit topic."""
        runtime = self.runtime
        ready = await take_snapshot(self.processor, command, self.gather)
        self.ready[ready.request_id] = ready
        await runtime.export_ready_topic.send(key=ready.request_id.encode(), value=encode_ready(ready))
        audit = audited_answer(command, ready, self.clock())
        await runtime.export_audit_topic.send(key=ready.request_id.encode(), value=msgspec.json.encode(audit))
        return ready
