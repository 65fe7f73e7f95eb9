"""The worker's HTTP endpoint: ask for an export, then follow it and download it.

    POST /exports/{type}?timezone=TZ&from=TIME&to=TIME&channel=C&as_of=TIME   -> 202 {"id", "status", "url"}
    GET  /exports/{id}                  -> 200 the ExportReady answer, or {"status": "pending"}
    GET  /exports/{id}?download=1       -> the file itself
"""
import uuid
from pathlib import Path

import faust
import msgspec

from events.commands import ExportRequest, SnapshotRequested
from sinks.registry import EXPORTS
from streams.commands.params import check_time_zone, parse_instant

CONTENT_TYPES = {".csv": "text/csv", ".ndjson": "application/x-ndjson", ".xml": "application/xml", ".zip": "application/zip"}


def snapshot_request(export: str, query) -> SnapshotRequested:
    """A command from query parameters; ValueError says which one is wrong."""
    zone = check_time_zone(query.get("timezone", "UTC"))

    def instant(name: str, end_of_day: bool = False):
        value = query.get(name)
        return None if value is None else parse_instant(value, zone, end_of_day)

    request = ExportRequest(
        export=export,
        time_zone=zone,
        date_from=instant("from"),
        date_to=instant("to", end_of_day=True),
        channels=tuple(query.getall("channel", ())),
        as_of=instant("as_of"),
    )
    return SnapshotRequested(request_id=uuid.uuid4().hex, request=request)


def register_views(worker) -> None:
    runtime = worker.runtime
    pending: set[str] = set()

    @runtime.app.page("/exports/{name}")
    class Exports(faust.web.View):
        async def post(self, request, name: str):
            if name not in EXPORTS:
                return self.error(404, f"unknown export {name!r}; expected one of: {', '.join(sorted(EXPORTS))}")
            try:
                command = snapshot_request(name, request.query)
            except ValueError as exc:
                return self.error(400, str(exc))
            pending.add(command.request_id)
            await runtime.command_topic.send(key=command.request_id.encode(), value=msgspec.json.encode(command))
            url = f"/exports/{command.request_id}"
            return self.json({"id": command.request_id, "status": "pending", "url": url}, status=202)

        async def get(self, request, name: str):
            ready = worker.ready.get(name)
            if ready is None:
                if name in pending:
                    return self.json({"id": name, "status": "pending"})
                return self.error(404, f"no export request {name!r}")
            pending.discard(name)
            if ready.error is not None:
                return self.json({"id": name, "status": "failed", **msgspec.to_builtins(ready)}, status=422)
            if request.query.get("download"):
                path = Path(ready.path)
                return self.bytes(path.read_bytes(), content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"))
            return self.json({"id": name, "status": "ready", **msgspec.to_builtins(ready)})
