"""The worker's HTTP endpoint: ask for an export, then follow it and download it.

    POST /exports/{type}?timezone=TZ&from=TIME&to=TIME&channel=C&as_of=TIME   -> 202 {"id", "status", "url"}
    GET  /exports/{id}                  -> 200 the ExportReady answer, or {"status": "pending"}
    GET  /exports/{id}?download=1       -> the file itself

With a token configured (DESKSTREAM_WEB_TOKEN; required off loopback) every request
needs `Authorization: Bearer <token>`. `X-Deskstream-As: EMAIL` says who asks, which the
Zendesk account exports need (sinks/access.py).
"""
import asyncio
import hmac
import ipaddress
import uuid
from collections import OrderedDict
from pathlib import Path

import faust
import msgspec
from aiohttp.web import FileResponse

from events.commands import ExportRequest, SnapshotRequested
from sinks.registry import EXPORTS
from streams.commands.params import check_range, check_time_zone, parse_instant
from streams.settings import ENV_PREFIX, Settings, SettingsError

AS_HEADER = "X-Deskstream-As"
# Requests followed at a time: pending ones, and answers kept for GET (oldest dropped).
REMEMBERED = 1000
STATUS_CODES = {"failed": 422, "refused": 403}
CONTENT_TYPES = {".csv": "text/csv", ".ndjson": "application/x-ndjson", ".xml": "application/xml", ".zip": "application/zip"}


def snapshot_request(export: str, query, time_zone: str = "UTC", requester: str | None = None) -> SnapshotRequested:
    """A command from query parameters, in `time_zone` (the account's) without a
    `timezone` one; ValueError says which one is wrong."""
    zone = check_time_zone(query.get("timezone", time_zone))

    def instant(name: str, end_of_day: bool = False):
        value = query.get(name)
        return None if value is None else parse_instant(value, zone, end_of_day)

    date_from, date_to = instant("from"), instant("to", end_of_day=True)
    check_range(date_from, date_to)
    request = ExportRequest(
        export=export,
        time_zone=zone,
        date_from=date_from,
        date_to=date_to,
        channels=tuple(query.getall("channel", ())),
        as_of=instant("as_of"),
        requester=requester,
    )
    return SnapshotRequested(request_id=uuid.uuid4().hex, request=request)


class Recent(OrderedDict):
    """A dict of the latest `limit` keys set: one more drops the oldest."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __setitem__(self, key, value) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


def require_web_token(settings: Settings) -> None:
    """Refuse an HTTP endpoint open beyond this machine without a token."""
    if not settings.web_token and not is_loopback(settings.web_host):
        raise SettingsError(
            f"{ENV_PREFIX}WEB_TOKEN: required when the HTTP endpoint listens on {settings.web_host!r}, "
            f"not a loopback address; set a long random token (python3 -c 'import secrets; "
            f"print(secrets.token_urlsafe(32))') or {ENV_PREFIX}WEB_HOST=127.0.0.1"
        )


def authorized(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header carries the token (any request, when there is none)."""
    if not token:
        return True
    scheme, _, given = (authorization or "").partition(" ")
    # Constant time: how long a wrong guess takes tells nothing about the token.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def served_file(path: str, export_dir: Path) -> Path | None:
    """The file at `path` if it is one inside the export directory, else None."""
    resolved = Path(path).resolve()
    inside = resolved.is_relative_to(Path(export_dir).resolve())
    return resolved if inside and resolved.is_file() else None


def register_views(worker) -> None:
    runtime = worker.runtime
    settings = runtime.settings
    pending: Recent = Recent(REMEMBERED)  # request ids, in the order asked
    answering: set[asyncio.Task] = set()

    @runtime.app.page("/exports/{name}")
    class Exports(faust.web.View):
        async def dispatch(self, request):
            if not authorized(request.headers.get("Authorization"), settings.web_token):
                return self.error(401, "missing or wrong `Authorization: Bearer <token>` (DESKSTREAM_WEB_TOKEN)",
                                  headers={"WWW-Authenticate": 'Bearer realm="deskstream"'})
            return await super().dispatch(request)

        async def post(self, request, name: str):
            if name not in EXPORTS:
                return self.error(404, f"unknown export {name!r}; expected one of: {', '.join(sorted(EXPORTS))}")
            try:
                command = snapshot_request(name, request.query, settings.time_zone, request.headers.get(AS_HEADER))
            except ValueError as exc:
                return self.error(400, str(exc))
            pending[command.request_id] = None
            # Gathered and written by this worker, which then answers GET /exports/{id}
            # itself; the task kept until done (the loop holds tasks weakly).
            task = asyncio.ensure_future(worker.answer(command))
            answering.add(task)
            task.add_done_callback(answering.discard)
            url = f"/exports/{command.request_id}"
            return self.json({"id": command.request_id, "status": "pending", "url": url}, status=202)

        async def get(self, request, name: str):
            ready = worker.ready.get(name)
            if ready is None:
                if name in pending:
                    return self.json({"id": name, "status": "pending"})
                return self.error(404, f"no export request {name!r}")
            pending.pop(name, None)
            if ready.error is not None:
                status = "refused" if ready.outcome == "refused" else "failed"
                return self.json({"id": name, "status": status, **msgspec.to_builtins(ready)},
                                 status=STATUS_CODES[status])
            if request.query.get("download"):
                path = served_file(ready.path, settings.export_dir)
                if path is None:
                    return self.error(404, f"export {name!r} is no longer in the export directory")
                # Faust's aiohttp driver hands a view's answer to aiohttp as it is: the file
                # is streamed from disk, not read whole into memory first.
                return FileResponse(path, headers={
                    "Content-Type": CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                    "Content-Disposition": f'attachment; filename="{path.name}"',
                })
            return self.json({"id": name, "status": "ready", **msgspec.to_builtins(ready)})
