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


async def ensure_topics(settings: Settings) -> None:
    """Create the input topics with the configured partitions when they don't exist yet.

    A broker that auto-creates topics would give them its default partition count, and
    the worker's tables must have as many partitions as their input topics.
    """
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic
    from aiokafka.errors import TopicAlreadyExistsError

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(name, num_partitions=settings.partitions, replication_factor=1)
            for name in (settings.ticket_topic, settings.conversation_topic)
            if name not in existing
        ]
        if wanted:
            try:
                await admin.create_topics(wanted)
            except TopicAlreadyExistsError:
                pass  # created meanwhile by the worker
    finally:
        await admin.close()
