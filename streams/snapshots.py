"""Taking a snapshot: the worker's tables as one ProjectionState, written by the sinks."""
import msgspec

from events.commands import ExportReady, SnapshotRequested
from projections.state import ProjectionState
from sinks.destination import UnsafeExportName, export_path
from sinks.registry import UnknownExport, get_export, write_exports
from streams.processing import Processor, decode_fragment, decode_ticket


def table_state(processor: Processor) -> ProjectionState:
    """Every entity the worker's tables hold, read in one go (no await: one point of the stream)."""
    runtime = processor.runtime
    tickets = {int(key): decode_ticket(value) for key, value in runtime.tickets.items()}
    parts = {key: decode_fragment(value) for key, value in runtime.directory.items()}
    return ProjectionState(tickets=tickets, directory_parts=parts)


def take_snapshot(processor: Processor, command: SnapshotRequested) -> ExportReady:
    """Write the requested export into its own folder of the export directory.

    The same sinks code as `deskstream replay`, on the same kind of state, so a worker
    that consumed a log writes the same bytes as a replay of that log.
    """
    offsets = dict(processor.positions)
    try:
        get_export(command.request.export)
        folder = export_path(processor.runtime.settings.export_dir, command.request_id)
        state = table_state(processor)
        (result,) = write_exports(state, [command.request.export], command.request, folder)
    except (UnknownExport, UnsafeExportName, ValueError) as exc:
        return ExportReady(request_id=command.request_id, export=command.request.export, offsets=offsets, error=str(exc))
    return ExportReady(
        request_id=command.request_id,
        export=command.request.export,
        path=result.path,
        rows=result.rows,
        sha256=result.sha256,
        as_of=command.request.as_of or state.last_event_at(),
        offsets=offsets,
    )


def encode_ready(ready: ExportReady) -> bytes:
    return msgspec.json.encode(ready)
