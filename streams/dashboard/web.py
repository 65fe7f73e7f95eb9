"""The live dashboard's routes on the worker's web server.

    GET /                                        -> the page (streams/dashboard/page/index.html)
    GET /dashboard/{asset}                       -> its script and style sheet
    GET /dashboard/events?timezone=TZ&team=group:ID -> server-sent events: the view (JSON),
                                                    again each time the downstream topics move

The same token as the exports (DESKSTREAM_WEB_TOKEN). A browser can't add a header to a
page it opens nor to an EventSource, so `/?token=...` is accepted once and answered with
an HttpOnly cookie that later requests carry.
"""
import json
from importlib.resources import files

import faust
from aiohttp.web import Response, StreamResponse

from streams.commands.params import check_time_zone
from streams.dashboard.feed import DashboardFeed
from streams.dashboard.view import view
from streams.web import authorized

PAGE = files("streams.dashboard") / "page"
ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
COOKIE = "deskstream_token"
KEEPALIVE = 15.0  # seconds between comments on an idle stream, so proxies keep it open
RETRY_MS = 1000  # how soon the browser reconnects after the worker went away


def token_of(request) -> str | None:
    """The token a request carries: Authorization header, the page's cookie, or ?token=."""
    header = request.headers.get("Authorization")
    if header:
        return header
    given = request.cookies.get(COOKIE) or request.query.get("token")
    return f"Bearer {given}" if given else None


def sse(data: dict) -> bytes:
    """One server-sent event: JSON holds no newline, so one `data:` line."""
    return f"data: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def register_dashboard(worker) -> None:
    runtime = worker.runtime
    settings = runtime.settings
    feed: DashboardFeed = worker.dashboard

    class Guarded(faust.web.View):
        async def dispatch(self, request):
            if not authorized(token_of(request), settings.web_token):
                return self.error(401, "missing or wrong token: open the page as /?token=<DESKSTREAM_WEB_TOKEN>",
                                  headers={"WWW-Authenticate": 'Bearer realm="deskstream"'})
            return await super().dispatch(request)

    @runtime.app.page("/")
    class Page(Guarded):
        async def get(self, request):
            response = Response(text=(PAGE / "index.html").read_text(), content_type="text/html",
                                headers={"Cache-Control": "no-store"})
            if settings.web_token and request.query.get("token"):
                response.set_cookie(COOKIE, request.query["token"], httponly=True, samesite="Strict")
            return response

    # Before /dashboard/{asset}: aiohttp takes the first route that matches.
    @runtime.app.page("/dashboard/events")
    class Events(Guarded):
        async def get(self, request):
            try:
                zone = check_time_zone(request.query.get("timezone", settings.time_zone))
            except ValueError as exc:
                return self.error(400, str(exc))
            team = request.query.get("team") or None
            stream = StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
            await stream.prepare(request)
            await stream.write(f"retry: {RETRY_MS}\n\n".encode())
            seen = None
            try:
                while not feed.closing:
                    if seen != feed.version:
                        seen = feed.version
                        await stream.write(sse(view(feed.state, zone, team)))
                    elif await feed.next_change(seen, KEEPALIVE) == seen:
                        await stream.write(b": still here\n\n")
            except ConnectionResetError:
                pass  # the page was closed
            return stream

    @runtime.app.page("/dashboard/{asset}")
    class Asset(Guarded):
        async def get(self, request, asset: str):
            if asset not in ASSETS:
                return self.error(404, f"no dashboard file {asset!r}")
            return Response(text=(PAGE / asset).read_text(), content_type=ASSETS[asset])

    async def close_streams(_app) -> None:
        await feed.close()

    # Open streams end when the server stops, instead of holding its shutdown up.
    runtime.app.web.web_app.on_shutdown.append(close_streams)
