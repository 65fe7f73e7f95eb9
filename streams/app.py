"""The Faust app of the worker: its topics, tables and agents, built from one Settings.

Agents stay thin: decode, route to the entity's partition, fold with the pure
projection, store the new state back (assignment, so the changelog sees it). Business
rules live in `projections/`; exports are written by `sinks/` (see `streams.snapshots`).
"""
from collections.abc import Callable

import faust

from streams.faust_config import app_options
from streams.producer import App
from streams.rebalance import SeekFirstTableManager
from streams.settings import Settings
from streams.topics import (
    figure_changes_topic,
    rollup_changes_topic,
    snapshot_answers_topic,
    snapshot_parts_topic,
    topic_specs,
)

RAW = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw", "value_serializer": "raw"}


class Runtime:
    """Everything one worker runs; `streams.agents` gives it its behaviour."""

    def __init__(self, settings: Settings):
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # Faust won't create parents
        # Faust's table recovery, fixed so that no input is processed during a rebalance's seek.
        self.app = App(settings.app_id, **app_options(settings), TableManager=SeekFirstTableManager)
        partitions = settings.partitions
        specs = topic_specs(settings)  # the partitions and compaction `ensure_topics` creates

        def topic(name: str) -> faust.TopicT:
            count, config = specs[name]
            compacting = config.get("cleanup.policy") == "compact"
            return self.app.topic(name, partitions=count, internal=True, compacting=compacting, **RAW)

        self.ticket_topic = topic(settings.ticket_topic)
        self.conversation_topic = topic(settings.conversation_topic)
        self.input_topics = {  # by name, as streams.topics.input_topic routes events
            settings.ticket_topic: self.ticket_topic,
            settings.conversation_topic: self.conversation_topic,
        }
        self.command_topic = topic(settings.command_topic)
        self.export_ready_topic = topic(settings.export_ready_topic)
        self.dead_letter_topic = topic(settings.dead_letter_topic)
        self.export_audit_topic = topic(settings.export_audit_topic)
        self.ticket_metrics_topic = topic(settings.ticket_metrics_topic)
        self.conversation_metrics_topic = topic(settings.conversation_metrics_topic)
        self.agent_rollups_topic = topic(settings.agent_rollups_topic)
        self.team_rollups_topic = topic(settings.team_rollups_topic)
        self.agent_figures_topic = topic(settings.agent_figures_topic)
        self.team_figures_topic = topic(settings.team_figures_topic)
        # A snapshot's parts (streams.snapshot_parts): requests partitioned as the inputs,
        # so the holder of each input partition gets its own; answers on one partition.
        self.snapshot_parts_topic = topic(snapshot_parts_topic(settings))
        self.snapshot_answers_topic = topic(snapshot_answers_topic(settings))
        # Ticket contributions re-keyed by owner (agent or group): the group_by step
        # that brings every ticket of one owner to the owner's rollup partition.
        self.rollup_changes_topic = topic(rollup_changes_topic(settings))
        # Conversation contributions and presence re-keyed by Hootdesk owner (agent:ID,
        # team:ID), the same step for the Hootdesk figures.
        self.figure_changes_topic = topic(figure_changes_topic(settings))

        def table(name: str, help: str):
            """A table of msgpack-encoded states by string key, partitioned as the input topics."""
            return self.app.Table(name, key_type=str, value_type=bytes, partitions=partitions, help=help)

        # Told of each reference-data record read from a changelog (another worker's
        # write, or a recovery), as (table name, key, value): the Processor's replicas
        # take it.
        self.on_reference_record: Callable[[str, str, bytes | None], None] = lambda name, key, value: None

        def reference_table(name: str, help: str):
            """Like `table`, but every worker holds it whole: each entry is written by the
            worker that holds its event's partition, and read back by all the others from
            the changelog (Faust's GlobalTable), so metrics see every user and schedule."""

            async def replicated(event) -> None:
                self.on_reference_record(name, event.key, event.value)

            # The worker reads them through streams.reference.Replica, which takes each
            # changelog record as it comes (Faust's own store lags behind: see there).
            return self.app.GlobalTable(name, key_type=str, value_type=bytes, partitions=partitions, help=help,
                                        on_changelog_event=replicated)

        self.tickets = table("tickets", "Ticket id -> the ticket's projection state (msgpack).")
        self.directory = reference_table(
            "directory", "Reference-data key (user:11, schedule:1, ...) -> that entity's directory fragment (msgpack).")
        self.rollups = table(
            "rollups", "Owner (agent:11, group:3) -> the latest contribution of each ticket it holds (msgpack).")
        self.conversations = table("conversations", "Conversation id -> the conversation's projection state (msgpack).")
        self.people = reference_table(
            "people", "Hootdesk reference key (contact:c1, agent:a1, team:t1) -> that entity's fragment (msgpack).")
        self.presence = table("presence", "Agent id -> the agent's presence changes (msgpack).")
        self.hootdesk_figures = table(
            "hootdesk_figures",
            "Hootdesk owner (agent:ID, team:ID) -> the latest contribution of each of its conversations, "
            "and an agent's presence now (msgpack).")
