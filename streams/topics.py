"""Which input topic an event belongs to, and creating the topics a producer needs."""
from events import (
    AccountEvent,
    AgentEvent,
    ContactEvent,
    ConversationEvent,
    Event,
    TicketEvent,
)
from streams.settings import Settings

# The Zendesk side (tickets and the account's reference data) on one topic, the
# Hootdesk side (conversations, contacts, agents, presence) on the other.
TICKET_SIDE = frozenset(TicketEvent.__args__ + AccountEvent.__args__)
CONVERSATION_SIDE = frozenset(ConversationEvent.__args__ + ContactEvent.__args__ + AgentEvent.__args__)


def input_topic(event: Event, settings: Settings) -> str:
    return settings.ticket_topic if type(event) in TICKET_SIDE else settings.conversation_topic


def bootstrap(settings: Settings) -> str:
    """aiokafka's bootstrap servers from the Faust-style broker URL."""
    return ",".join(url.split("://", 1)[-1] for url in settings.broker_url.split(";"))


# Snapshot parts carry entity states (names, e-mails): kept an hour, long enough for any
# snapshot to be gathered, not as a second copy of the tables.
SNAPSHOT_RETENTION = {"retention.ms": str(3600 * 1000)}


def snapshot_parts_topic(settings: Settings) -> str:
    """Part requests, one per input partition: partitioned as the inputs (streams.snapshot_parts)."""
    return f"{settings.app_id}-snapshot-parts"


def snapshot_answers_topic(settings: Settings) -> str:
    """The parts' chunks, read by the worker that asked for them."""
    return f"{settings.app_id}-snapshot-answers"


def rollup_changes_topic(settings: Settings) -> str:
    """Ticket contributions re-keyed by owner (agent or group), for the rollups table."""
    return f"{settings.app_id}-rollup-changes"


def figure_changes_topic(settings: Settings) -> str:
    """Conversation contributions and presence re-keyed by Hootdesk owner, for its figures."""
    return f"{settings.app_id}-hootdesk-figure-changes"


# The worker's tables (streams.app), each with its changelog, named as Faust names it.
TABLES = ("tickets", "directory", "rollups", "conversations", "people", "presence", "hootdesk_figures")


def changelog_topic(settings: Settings, table: str) -> str:
    return f"{settings.app_id}-{table}-changelog"


def topic_specs(settings: Settings) -> dict[str, tuple[int, dict[str, str]]]:
    """Every topic deskstream reads or writes, the ones Faust would create at start-up too
    (re-keyed streams, table changelogs): name -> (partitions, config).

    A topic Faust creates as a worker starts can be in that worker's consumer metadata
    with no partition yet; a table whose changelog or source reads 0 partitions there fails
    the worker with PartitionsMismatch (faust/tables/base.py, `_verify_source_topic_partitions`).
    Created beforehand by `ensure_topics`, every topic is whole when the worker first looks.
    """
    compacted = {"cleanup.policy": "compact"}
    return {
        settings.ticket_topic: (settings.partitions, {}),
        settings.conversation_topic: (settings.partitions, {}),
        settings.command_topic: (1, {}),
        settings.export_ready_topic: (1, {}),
        settings.dead_letter_topic: (1, {}),
        settings.export_audit_topic: (1, {}),
        settings.ticket_metrics_topic: (settings.partitions, compacted),
        settings.conversation_metrics_topic: (settings.partitions, compacted),
        settings.agent_rollups_topic: (settings.partitions, compacted),
        settings.team_rollups_topic: (settings.partitions, compacted),
        settings.agent_figures_topic: (settings.partitions, compacted),
        settings.team_figures_topic: (settings.partitions, compacted),
        snapshot_parts_topic(settings): (settings.partitions, SNAPSHOT_RETENTION),
        snapshot_answers_topic(settings): (1, SNAPSHOT_RETENTION),
        rollup_changes_topic(settings): (settings.partitions, {}),
        figure_changes_topic(settings): (settings.partitions, {}),
        **{changelog_topic(settings, table): (settings.partitions, compacted) for table in TABLES},
    }


async def ensure_topics(settings: Settings) -> None:
    """Create deskstream's topics, with their partitions and compaction, if missing.

    Before anything is sent: a broker that auto-creates topics would give them its
    default partition count and no compaction (the worker's tables must have as many
    partitions as their input topics), and a send racing the creation can be lost.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, num_partitions=partitions, replication_factor=1, topic_configs=config)
            for name, (partitions, config) in topic_specs(settings).items()
            if name not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass  # created meanwhile by another deskstream command
    finally:
        await admin.close()
