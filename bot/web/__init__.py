"""The project's one aiohttp web server: a health check, the board's pages (bot/web/board.py) and
whatever routes each channel registers (Telegram's webhook, Zalo's).

Routes are added before `start`: aiohttp freezes its router when the server starts."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from aiohttp import web

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
UPLOAD_LIMIT = 8 * 1024 * 1024


class WebServer:
    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        # The board's roster upload is the largest body (bot/web/roster.py checks its own limit).
        self.app = web.Application(client_max_size=UPLOAD_LIMIT)
        self.app.router.add_get(HEALTH_PATH, self._health)
        self.owners: dict[str, list[str]] = {}  # channel → its paths, for the log and /healthz
        self._runner: web.AppRunner | None = None

    def add_routes(self, owner: str, routes: Iterable[web.RouteDef]) -> None:
        routes = list(routes)
        self.app.router.add_routes(routes)
        self.owners.setdefault(owner, []).extend(r.path for r in routes)

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0:  # an ephemeral port (tests): learn which one
            server = site._server
            sockets = getattr(server, "sockets", None) or []
            self.port = sockets[0].getsockname()[1] if sockets else 0
        log.info("web server on http://%s:%s %s", self.host, self.port, self.owners)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "channels": sorted(self.owners)})
