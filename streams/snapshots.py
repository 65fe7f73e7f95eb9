"""Taking a snapshot: every partition's entities as one ProjectionState, written by the sinks."""
import contextvars
from collections.abc import Awaitable, Callable, Iterator, Mapping
from itertools import chain
from pathlib import Path

import msgspec

from events.commands import ExportReady, ExportRequest, SnapshotRequested
from projections.state import ProjectionState
from sinks.access import refusal
from sinks.destination import UnsafeExportName, export_path
from sinks.registry import UnknownExport, get_export, write_exports
from streams.processing import (
    Processor,
    decode_conversation,
    decode_presence,
    decode_ticket,
    decode_ticket_metrics,
    decode_ticket_summary,
)
from streams.snapshot_parts import (
    Gathered,
    PartsMissing,
    held_partitions,
    in_order,
    partition_entries,
    partition_offsets,
)


class Stored(Mapping):
    """Encoded states (a table, or a snapshot's parts) as states by id, each decoded when
    it is read: an export taken from it holds the ids and the row it writes, not every
    entity decoded."""

    def __init__(self, table, decode: Callable[[bytes], object], id_type: type = str) -> None:
        self.table, self.decode, self.id_type = table, decode, id_type

    def __getitem__(self, entity_id):
        value = self.table.get(str(entity_id))
        if value is None:
            raise KeyError(entity_id)
        return self.decode(value)

    def __iter__(self) -> Iterator:
        return map(self.id_type, self.table.keys())

    def __len__(self) -> int:
        return len(self.table)


class Held(Mapping):
    """The encoded entries of a table's partitions this worker holds, read from the table
    itself: a snapshot's own part, never copied into memory."""

    def __init__(self, table, partitions: set[int]) -> None:
        self.table, self.partitions = table, partitions

    def __getitem__(self, key: str) -> bytes:
        value = self.table.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        for partition in sorted(self.partitions):
            yield from (key for key, _ in partition_entries(self.table, partition))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Joined(Mapping):
    """Encoded entries of disjoint sources (this worker's partitions, the others' parts) as one."""

    def __init__(self, *sources: Mapping) -> None:
        self.sources = sources

    def __getitem__(self, key: str) -> bytes:
        for source in self.sources:
            value = source.get(key)
            if value is not None:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(self.sources)

    def __len__(self) -> int:
        return sum(map(len, self.sources))


class LastRead(Mapping):
    """Encoded entries that keep the last one read: an export reads a ticket's state, then
    the metrics stored in the same entry (streams.processing.StoredTicket), with one lookup."""

    def __init__(self, entries: Mapping) -> None:
        self.entries, self.key, self.value = entries, None, None

    def __getitem__(self, key: str) -> bytes:
        if key != self.key:
            self.key, self.value = key, self.entries[key]
        return self.value

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries.keys())

    def __len__(self) -> int:
        return len(self.entries)


def snapshot_state(processor: Processor, held: set[int], gathered: Gathered) -> ProjectionState:
    """Every entity of every input partition: those this worker holds from its tables,
    the others from the parts their holders sent; with the reference data this worker
    holds whole (a global table)."""
    runtime, entries = processor.runtime, gathered.entries()

    def every(kind: str) -> Joined:
        return Joined(Held(getattr(runtime, kind), held), entries[kind])

    tickets = LastRead(every("tickets"))
    return ProjectionState(
        tickets=Stored(tickets, decode_ticket, int),
        ticket_metrics=Stored(tickets, decode_ticket_metrics, int),  # kept with each state
        ticket_summaries=Stored(tickets, decode_ticket_summary, int),
        directory_parts=dict(processor.directory.parts()),
        conversations=Stored(every("conversations"), decode_conversation),
        hootdesk_parts=dict(processor.hootdesk.parts()),
        presence=Stored(every("presence"), decode_presence),
    )


async def take_snapshot(processor: Processor, command: SnapshotRequested,
                        gather: Callable[[str, list[int]], Awaitable[Gathered]]) -> ExportReady:
    """Write the requested export into its own folder of the export directory, if the
    requester may take it (sinks/access.py); the answer says what came of it.

    `gather` brings the parts of the input partitions other workers hold
    (streams.gathering); this worker's own are read from its tables. The export is then
    written with no await, by the same sinks code as `deskstream replay` on the same kind
    of state, so a group of workers that consumed a log writes the same bytes as a replay
    of that log.
    """
    runtime = processor.runtime
    settings = runtime.settings
    request = command.request
    offsets: dict[str, int] = {}

    def not_written(outcome: str, reason: str) -> ExportReady:
        return ExportReady(request_id=command.request_id, export=request.export, offsets=offsets,
                           error=reason, outcome=outcome)

    try:
        export = get_export(request.export)
        folder = export_path(settings.export_dir, command.request_id)
        reason = refusal(settings.access_policy, export, request.requester, processor.directory.parts())
        if reason is not None:
            return not_written("refused", reason)
        held = held_partitions(runtime)
        gathered = await gather(command.request_id, [p for p in range(settings.partitions) if p not in held])
        # No await from here on: this worker's partitions are read at one point of their
        # streams. One it gained meanwhile (a rebalance) came as a part, answered by itself;
        # one it lost can't be read here any more.
        lost = held - held_partitions(runtime)
        if lost:
            raise PartsMissing(f"this worker lost input partitions {sorted(lost)} while the snapshot was "
                               f"gathered (a rebalance): ask again")
        offsets = in_order({**partition_offsets(processor, held), **gathered.offsets()})
        # Outside the command's event context: within it, Faust's RocksDB store looks a
        # key up only in the partition of the event being processed (the command topic's).
        request, result = contextvars.Context().run(_write, processor, held, gathered, request, folder)
    except (UnknownExport, UnsafeExportName, PartsMissing, ValueError, OSError) as exc:
        return not_written("failed", str(exc))
    return ExportReady(
        request_id=command.request_id,
        export=request.export,
        path=result.path,
        rows=result.rows,
        sha256=result.sha256,
        as_of=request.as_of,
        offsets=offsets,
    )


def _write(processor: Processor, held: set[int], gathered: Gathered, request: ExportRequest, folder: Path):
    """The export of every partition's entities; the request with its as-of time, and the result."""
    state = snapshot_state(processor, held, gathered)
    # The as-of time found once: it takes a pass over every ticket.
    request = msgspec.structs.replace(request, as_of=request.as_of or state.last_event_at())
    (result,) = write_exports(state, [request.export], request, folder)
    return request, result


def encode_ready(ready: ExportReady) -> bytes:
    return msgspec.json.encode(ready)
