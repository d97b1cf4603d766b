"""Signed, expiring download links for files that a chat cannot carry (an export for a Zalo user).

A link is `PUBLIC_URL/files/<expires>/<signature>/<name>`: the signature is an HMAC of the expiry
and the name, so a link cannot be stretched in time or pointed at another file. Only files under
the exports folder are ever linked or served."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from aiohttp import web

from bot.config import Settings

log = logging.getLogger(__name__)

ROUTE = "/files/{expires}/{signature}/{name:.+}"


@dataclass(frozen=True)
class Link:
    url: str
    expires: int  # Unix time


class DownloadLinks:
    """Makes links and serves them. It sits on the web server like a channel (name, web_routes,
    start, stop) so that both Zalo channels share one route."""

    name = "downloads"

    def __init__(
        self,
        secret: bytes,
        root: Path,
        public_url: str,
        ttl: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._secret = secret
        self.root = root
        self.public_url = public_url.rstrip("/")
        self.ttl = ttl
        self.clock = clock

    @classmethod
    def from_settings(cls, settings: Settings, clock: Callable[[], datetime]) -> DownloadLinks:
        secret = settings.download_link_secret.encode()
        if not secret:
            # Links then die at a restart and differ between processes: fine for one process.
            log.warning("DOWNLOAD_LINK_SECRET is empty: download links last until a restart")
            secret = secrets.token_bytes(32)
        return cls(
            secret,
            settings.media_dir / "exports",
            settings.public_url,
            timedelta(hours=settings.download_link_hours),
            clock,
        )

    def _sign(self, expires: str, name: str) -> str:
        mac = hmac.new(self._secret, f"{expires}/{name}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def link(self, path: Path) -> Link | None:
        """A link to `path`, or None when it is not a file under the exports folder or there is
        no public address to link to."""
        if not self.public_url:
            return None
        root = self.root.resolve()
        try:
            target = path.resolve()
            name = target.relative_to(root).as_posix()
        except (ValueError, OSError):
            return None
        if not target.is_file():
            return None
        expires = int((self.clock() + self.ttl).timestamp())
        signature = self._sign(str(expires), name)
        url = f"{self.public_url}/files/{expires}/{signature}/{quote(name, safe='/')}"
        return Link(url, expires)

    def _resolve(self, name: str) -> Path | None:
        parts = name.split("/")
        if "\\" in name or "\x00" in name or any(p in ("", ".", "..") for p in parts):
            return None
        root = self.root.resolve()
        target = (root / name).resolve()
        # resolve() follows symlinks: a link inside exports/ pointing elsewhere is refused too.
        return target if target.is_relative_to(root) and target != root else None

    # -- the web server's side -------------------------------------------------------------------

    def web_routes(self) -> list[web.RouteDef]:
        return [web.get(ROUTE, self._serve)]

    async def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    async def stop(self) -> None:
        pass

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        expires = request.match_info["expires"]
        given = request.match_info["signature"]
        name = request.match_info["name"]
        # Every refusal looks the same, so that a probe learns nothing about which part failed.
        # ASCII digits only ("²" is a digit to isdigit, not to int), and a sane length.
        if not (
            expires.isascii() and expires.isdigit() and len(expires) <= 12
        ) or not hmac.compare_digest(given.encode(), self._sign(expires, name).encode()):
            return web.Response(status=403)
        if int(expires) < self.clock().timestamp():
            return web.Response(status=403)
        target = self._resolve(name)
        if target is None:
            return web.Response(status=403)
        if not target.is_file():
            return web.Response(status=404)
        filename = quote(target.name)
        return web.FileResponse(
            target,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
                "Cache-Control": "private, no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
