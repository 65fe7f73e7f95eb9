"""Faust's table recovery with one fix: after a rebalance, the input partitions are sought
before they are fetched again.

Once the tables are recovered, Faust resumed the input partitions, then sought them to
their committed offsets, then resumed the flow (faust-streaming 0.15.3,
`Recovery.on_recovery_completed`, faust/tables/recovery.py lines 649-660). The fetcher
runs throughout, so records fetched during the seek reached the streams' queues; and
`flow_control.resume()` empties every such queue (mode/utils/queues.py lines 97-101;
faust/channels.py line 145), even when the flow is on already. Those records were dropped,
never acknowledged, while the consumer's read offset had moved past them. Faust commits a
partition only from its committed offset on, with no hole (`Consumer._new_offset`,
faust/transport/consumer.py lines 1138-1141): a partition with a committed offset never
committed again ("Worker ready", then nothing: the stall of issue 15; the state dump of
streams.diagnostics showed one committed at 13 with 22-137 acknowledged), and one never
committed, which that check skips, was committed past the hole: events lost. Records
fetched and dropped before the seek were lost the same way on a never-committed
partition, which aiokafka's seek leaves where it stands (aiokafka/consumer/consumer.py
line 901).

Here the seek comes first, each input partition never committed is sought to its first
offset, and the partitions are resumed just before the flow; the rest is Faust's method.
"""
import asyncio

from faust.tables import TableManager
from faust.tables.recovery import Recovery


class SeekFirstRecovery(Recovery):
    async def on_recovery_completed(self, generation_id: int = 0) -> None:
        consumer = self.app.consumer
        self.log.info("Restore complete!")
        await self.app.on_rebalance_complete.send()
        self._set_recovery_ended()
        callbacks = [
            asyncio.ensure_future(table.on_recovery_completed(self.actives_for_table[table],
                                                              self.standbys_for_table[table]))
            for table in self.tables.values()
        ]
        if callbacks:
            await asyncio.wait(callbacks)
        assignment = consumer.assignment()
        if self.app.consumer_generation_id != generation_id:
            self.log.warning(f"Recovery rebalancing again app id {self.app.consumer_generation_id} "
                             f"param {generation_id}")
            return
        # Faust's order was: resume the input partitions, seek, resume the flow.
        if assignment:
            self.log.info("Seek stream partitions to committed offsets.")
            await self._wait(consumer.perform_seek(), timeout=self.app.conf.broker_request_timeout)
            await self._wait(self._seek_uncommitted(assignment), timeout=self.app.conf.broker_request_timeout)
        # No await from here to the flow's resume: nothing reaches a queue it would empty.
        consumer.resume_partitions({tp for tp in assignment if not self._is_changelog_tp(tp)})
        self.completed.set()
        self.app.flow_control.resume()
        consumer.resume_flow()
        await self.app._fetcher.maybe_start()
        self.tables.on_actives_ready()
        if not self.app.assignor.assigned_standbys():
            self.tables.on_standbys_ready()
        self.app.on_rebalance_end()
        self.log.info("Worker ready")

    async def _seek_uncommitted(self, assignment) -> None:
        """Seek each input partition with no committed offset to its first offset, as a new
        consumer would start it. aiokafka's seek leaves such a partition where it stands
        (aiokafka/consumer/consumer.py line 901): past records fetched and then dropped."""
        consumer = self.app.consumer
        fresh = {tp for tp in assignment if not self._is_changelog_tp(tp) and consumer._committed_offset.get(tp) is None}
        if fresh:
            for tp, offset in (await consumer.earliest_offsets(*fresh)).items():
                await consumer.seek(tp, offset)


class SeekFirstTableManager(TableManager):
    """The table manager of a worker, with the recovery above (Faust's `TableManager` setting)."""

    @property
    def recovery(self) -> Recovery:
        if self._recovery is None:
            self._recovery = SeekFirstRecovery(self.app, self, beacon=self.beacon, loop=self.loop)
        return self._recovery
