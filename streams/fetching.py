"""Faust's Kafka consumer with one fix: the consumer thread fetches from the partitions that
were active when Faust asked, not from whatever they are when the thread gets to it.

Faust hands aiokafka its own set of active partitions, the very object that pause and
resume change on the event loop (`Consumer._wait_next_records`, `_getmany`,
faust/transport/consumer.py lines 795-805 and 1432-1435, faust-streaming 0.15.3). The
consumer thread reads it later, up to a second later while it waits for records
(aiokafka/consumer/fetcher.py lines 1209-1255, aiokafka 0.14), and there an empty set
means every partition (line 1221: `if partitions and tp not in partitions`). A rebalance
pauses every partition, and table recovery ends by pausing its changelog partitions: on a
worker with no standbys, such as the survivor of a two-worker group, the set is then empty
until the recovery's seek is done (streams/rebalance.py). A fetch still waiting drained
every partition, inputs included, and Faust dropped their records as not active
(faust/transport/consumer.py lines 758-761). Drained before the seek, they were fetched
again; drained after it, never: the survivor did not fold the partitions it took over, its
aiokafka positions at the end of the log, its read offsets at the committed ones, nothing
acknowledged (issue 15).

A copy taken when Faust asks is never empty (Faust fetches only for a non-empty set) and
names only partitions that were active then.
"""
from faust.transport.drivers import aiokafka as faust_aiokafka


class Consumer(faust_aiokafka.Consumer):
    async def _getmany(self, active_partitions, timeout):
        if active_partitions is not None:  # None: a client-only app, every partition
            active_partitions = frozenset(active_partitions)
        return await super()._getmany(active_partitions, timeout)


class Transport(faust_aiokafka.Transport):
    """Faust's Kafka transport with the consumer above."""

    Consumer = Consumer
