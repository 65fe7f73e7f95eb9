"""Taking a snapshot: the worker's tables as one ProjectionState, written by the sinks."""
import contextvars
from collections.abc import Callable, Iterator, Mapping

import msgspec

from events.commands import ExportReady, SnapshotRequested
from projections.state import ProjectionState
from sinks.access import refusal
from sinks.destination import UnsafeExportName, export_path
from sinks.registry import UnknownExport, get_export, write_exports
from streams.processing import (
    Processor,
    decode_conversation,
    decode_presence,
    decode_ticket,
)


class Stored(Mapping):
    """A table of encoded states as states by id, each decoded when it is read: an export
    taken from it holds the ids and the row it writes, not every entity."""

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


def table_state(processor: Processor) -> ProjectionState:
    """Every entity the worker's tables hold. The export that reads it is written with
    no await in between, so it sees one point of the stream."""
    runtime = processor.runtime
    return ProjectionState(
        tickets=Stored(runtime.tickets, decode_ticket, int),
        directory_parts=dict(processor.directory.parts()),
        conversations=Stored(runtime.conversations, decode_conversation),
        hootdesk_parts=dict(processor.hootdesk.parts()),
        presence=Stored(runtime.presence, decode_presence),
    )


def take_snapshot(processor: Processor, command: SnapshotRequested) -> ExportReady:
    """Write the requested export into its own folder of the export directory, if the
    requester may take it (sinks/access.py); the answer says what came of it.

    The same sinks code as `deskstream replay`, on the same kind of state, so a worker
    that consumed a log writes the same bytes as a replay of that log.

    Run outside the command's event context: within it, Faust's RocksDB store looks a key
    up only in the partition of the event being processed (the command topic's), outside
    it in every partition this worker holds, as `keys()` lists them.
    """
    return contextvars.Context().run(_take_snapshot, processor, command)


def _take_snapshot(processor: Processor, command: SnapshotRequested) -> ExportReady:
    offsets = dict(processor.positions)
    settings = processor.runtime.settings
    request = command.request

    def not_written(outcome: str, reason: str) -> ExportReady:
        return ExportReady(request_id=command.request_id, export=request.export, offsets=offsets,
                           error=reason, outcome=outcome)

    try:
        export = get_export(request.export)
        folder = export_path(settings.export_dir, command.request_id)
        state = table_state(processor)
        reason = refusal(settings.access_policy, export, request.requester, state.account.parts)
        if reason is not None:
            return not_written("refused", reason)
        # The as-of time found once: it takes a pass over every ticket.
        request = msgspec.structs.replace(request, as_of=request.as_of or state.last_event_at())
        (result,) = write_exports(state, [request.export], request, folder)
    except (UnknownExport, UnsafeExportName, ValueError, OSError) as exc:
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


def encode_ready(ready: ExportReady) -> bytes:
    return msgspec.json.encode(ready)
