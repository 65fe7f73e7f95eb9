"""The worker: the Runtime's agents and web views, wired to the Processor."""
import msgspec

from events.commands import ExportReady, command_decoder
from streams.app import Runtime
from streams.audit import Clock, audited_answer, wall_clock
from streams.hootdesk_figures import roll_up_figures
from streams.processing import Processor
from streams.settings import Settings
from streams.snapshots import encode_ready, take_snapshot
from streams.web import REMEMBERED, Recent, register_views


class Worker:
    def __init__(self, settings: Settings, clock: Clock = wall_clock):
        self.runtime = runtime = Runtime(settings)
        self.processor = processor = Processor(runtime)
        # Answers to the latest snapshot requests, by request id, for GET /exports/{id}.
        self.ready: Recent[str, ExportReady] = Recent(REMEMBERED)
        app = runtime.app
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
                processor.roll_up(events)
                yield len(events)

        @app.agent(runtime.figure_changes_topic, name="hootdesk-figures")
        async def figure_changes(stream):
            async for events in stream.take_events(size, within=wait):
                roll_up_figures(runtime, events)
                yield len(events)

        @app.agent(runtime.command_topic, name="commands")
        async def commands(stream):
            async for event in stream.events():
                try:
                    command = command_decoder.decode(event.message.value)
                except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
                    await processor.dead_letter(event.message, f"not a deskstream command: {exc}")
                    continue
                ready = take_snapshot(processor, command)
                self.ready[ready.request_id] = ready
                await runtime.export_ready_topic.send(key=ready.request_id.encode(), value=encode_ready(ready))
                audit = audited_answer(command, ready, clock())
                await runtime.export_audit_topic.send(key=ready.request_id.encode(), value=msgspec.json.encode(audit))
                yield ready

        self.agents = {
            "tickets": tickets, "conversations": conversations, "rollups": rollup_changes,
            "hootdesk-figures": figure_changes, "commands": commands,
        }
        register_views(self)
