"""The dashboard's own reader of the downstream topics, inside the worker.

A plain aiokafka consumer with no group: it reads every partition of the compacted
downstream topics from their start, so any worker holds every figure (not only its own
partitions'), and a restarted worker rebuilds the page from the topics alone. Each batch
read wakes the page's open event streams (`next_change`).
"""
import asyncio
import logging

from events.downstream import CONVERSATION_METRICS, HOOTDESK_FIGURES, ROLLUP, TICKET_METRICS, AvroCodec
from streams.dashboard.view import DashboardState
from streams.settings import Settings
from streams.topics import bootstrap, topic_specs

log = logging.getLogger(__name__)
POLL_MS = 200  # how long one read waits for records: well under the page's one second


def followed_topics(settings: Settings) -> dict[str, tuple[str, AvroCodec]]:
    """Downstream topic -> (the state's kind, its codec)."""
    return {
        settings.ticket_metrics_topic: ("tickets", TICKET_METRICS),
        settings.conversation_metrics_topic: ("conversations", CONVERSATION_METRICS),
        settings.agent_rollups_topic: ("rollups", ROLLUP),
        settings.team_rollups_topic: ("rollups", ROLLUP),
        settings.agent_figures_topic: ("figures", HOOTDESK_FIGURES),
        settings.team_figures_topic: ("figures", HOOTDESK_FIGURES),
    }


class DashboardFeed:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._state = DashboardState()
        # The latest record of each key read since the state was last looked at, still
        # encoded: most are replaced before a page shows them, and a worker nobody watches
        # decodes none (decoding every record cost ~4 % of the worker's CPU).
        self._unread: dict[tuple[str, bytes], bytes | None] = {}
        self.version = 0  # batches applied; a stream shows the view again when it moves
        self.closing = False
        self._changed = asyncio.Condition()

    def apply(self, topic: str, key: bytes, value: bytes | None) -> None:
        """One downstream record (None: a tombstone), decoded when the state is next looked at."""
        self._unread[topic, key] = value

    @property
    def state(self) -> DashboardState:
        """The latest record of each key, those read since the last look decoded now; one it
        can't read is left out with a warning."""
        unread, self._unread = self._unread, {}
        topics = followed_topics(self.settings)
        for (topic, key), value in unread.items():
            kind, codec = topics[topic]
            try:
                self._state.apply(kind, key.decode(), None if value is None else codec.decode(value))
            except Exception as exc:  # a foreign record must not stop the page: it is left out
                log.warning("dashboard: record of %s key %r left out, not a %s: %s", topic, key,
                            codec.cls.__name__, exc)
        return self._state

    async def _notify(self, closing: bool = False) -> None:
        async with self._changed:
            self.version += 1
            self.closing = self.closing or closing
            self._changed.notify_all()

    async def close(self) -> None:
        """End the open event streams (the server is stopping)."""
        await self._notify(closing=True)

    async def next_change(self, seen: int, timeout: float) -> int:
        """The version once it differs from `seen`, or `seen` after `timeout` seconds."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: self.version != seen), timeout)
            except TimeoutError:
                pass
            return self.version

    async def follow(self) -> None:
        """Read the downstream topics until the worker stops (a Faust task)."""
        from aiokafka import AIOKafkaConsumer, TopicPartition

        specs = topic_specs(self.settings)
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap(self.settings), group_id=None,
                                    enable_auto_commit=False, client_id=f"{self.settings.app_id}-dashboard")
        await consumer.start()
        try:
            partitions = [TopicPartition(topic, p) for topic in followed_topics(self.settings)
                          for p in range(specs[topic][0])]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            while True:
                batches = await consumer.getmany(timeout_ms=POLL_MS)
                for messages in batches.values():
                    for message in messages:
                        self.apply(message.topic, message.key, message.value)
                if batches:
                    await self._notify()
        finally:
            await consumer.stop()
