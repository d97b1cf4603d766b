"""The Zalo OA access token, refreshed before it expires. The refresh token is single use: each
refresh returns a new one, and two refreshes racing lose it for good (the OA must then be
authorised again by hand). So a refresh happens only while holding the OAToken row:

  transaction ─► SELECT … FOR UPDATE (PostgreSQL; SQLite serialises transactions anyway)
              ─► still fresh? (another process refreshed while we waited) → use it
              ─► POST /v4/oa/access_token ─► UPDATE … WHERE version = read version ─► commit

The new pair is committed before the new access token is used. With TOKEN_ENCRYPTION_KEY set the
pair is stored sealed (bot/sealing.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout
from tortoise.transactions import in_transaction

from bot.sealing import Sealer, SealError
from models import OAToken

log = logging.getLogger(__name__)

REFRESH_PATH = "/v4/oa/access_token"
NEVER = datetime(2000, 1, 1, tzinfo=UTC)


class OATokenError(Exception):
    """No usable access token: the refresh failed or there is nothing to refresh with."""


@dataclass
class OATokens:
    session: ClientSession
    oa_id: str
    app_id: str
    app_secret: str = field(repr=False)
    oauth_url: str = "https://oauth.zaloapp.com"
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    margin: timedelta = timedelta(hours=1)  # refresh this long before the token expires
    timeout: float = 15.0
    # From .env, used only while the database has no row for this OA: once a refresh has
    # happened these are spent, and the database holds the live pair.
    seed_refresh_token: str = field(default="", repr=False)
    seed_access_token: str = field(default="", repr=False)
    sealer: Sealer = field(default_factory=Sealer, repr=False)
    refreshes: int = 0  # refresh calls this instance made (logs, tests)
    _cached: tuple[str, datetime] | None = field(default=None, init=False, repr=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)

    def _fresh(self, expires_at: datetime) -> bool:
        return expires_at - self.margin > self.clock()

    async def access_token(self) -> str:
        cached = self._cached
        if cached is not None and self._fresh(cached[1]):
            return cached[0]
        async with self._lock:  # one refresh at a time within this process
            return await self._current_or_refresh(stale=None)

    async def renew(self, stale: str) -> str:
        """The API refused `stale` (-216, -220): refresh, unless someone already has."""
        async with self._lock:
            return await self._current_or_refresh(stale=stale)

    async def ensure_row(self) -> None:
        """Store the .env tokens when the database has none for this OA yet; with a key, seal a
        pair still stored in the clear."""
        row = await OAToken.get_or_none(oa_id=self.oa_id)
        if row is not None:
            if self.sealer.active and not Sealer.sealed(row.refresh_token):
                await OAToken.filter(id=row.id, version=row.version).update(
                    access_token=self.sealer.seal(row.access_token),
                    refresh_token=self.sealer.seal(row.refresh_token),
                )
                log.info("Zalo OA %s: stored tokens sealed", self.oa_id)
            return
        if not self.seed_refresh_token:
            raise OATokenError(f"no token for OA {self.oa_id}: set ZALO_OA_REFRESH_TOKEN")
        await OAToken.get_or_create(
            oa_id=self.oa_id,
            defaults={
                "access_token": self.sealer.seal(self.seed_access_token),
                "refresh_token": self.sealer.seal(self.seed_refresh_token),
                # Unknown age: refreshed at first use, which also proves the pair works.
                "expires_at": NEVER,
            },
        )
        log.info("Zalo OA %s: tokens from the settings stored", self.oa_id)

    async def _current_or_refresh(self, stale: str | None) -> str:
        await self.ensure_row()
        async with in_transaction() as conn:
            row = await OAToken.select_for_update().using_db(conn).get(oa_id=self.oa_id)
            try:
                access, refresh = (
                    self.sealer.open(row.access_token),
                    self.sealer.open(row.refresh_token),
                )
            except SealError as e:
                log.error("Zalo OA %s: %s", self.oa_id, e)
                raise OATokenError(str(e)) from None
            if access and access != stale and self._fresh(row.expires_at):
                self._cached = (access, row.expires_at)
                return access
            # We hold the row: no other process can spend this refresh token meanwhile.
            answer = await self._refresh(refresh)
            expires_at = self.clock() + timedelta(seconds=answer["expires_in"])
            updated = (
                await OAToken.filter(id=row.id, version=row.version)
                .using_db(conn)
                .update(
                    access_token=self.sealer.seal(answer["access_token"]),
                    refresh_token=self.sealer.seal(answer["refresh_token"]),
                    expires_at=expires_at,
                    version=row.version + 1,
                )
            )
            if updated != 1:  # cannot happen under the row lock; never use an unsaved pair
                log.error("Zalo OA %s: token row changed during a refresh", self.oa_id)
                raise OATokenError("token row changed during the refresh")
        self._cached = (answer["access_token"], expires_at)
        log.info("Zalo OA %s: access token refreshed (version %d)", self.oa_id, row.version + 1)
        return str(answer["access_token"])

    async def _refresh(self, refresh_token: str) -> dict[str, Any]:
        self.refreshes += 1
        form = {
            "refresh_token": refresh_token,
            "app_id": self.app_id,
            "grant_type": "refresh_token",
        }
        try:
            async with self.session.post(
                self.oauth_url.rstrip("/") + REFRESH_PATH,
                data=form,
                headers={"secret_key": self.app_secret},
                timeout=ClientTimeout(total=self.timeout),
            ) as r:
                body = await r.json(content_type=None)
        except (ClientError, TimeoutError, ValueError) as e:
            # Zalo may have spent the refresh token without our hearing back: say so loudly.
            log.error("Zalo OA %s: token refresh got no answer (%s)", self.oa_id, type(e).__name__)
            raise OATokenError("token refresh failed") from None
        if not isinstance(body, dict) or not body.get("access_token"):
            error, reason = None, ""
            if isinstance(body, dict):
                error = body.get("error")
                reason = str(body.get("error_description") or body.get("error_name") or "")
            log.error(
                "Zalo OA %s: token refresh refused (%s %s); authorise the OA again if it persists",
                self.oa_id,
                error,
                reason,
            )
            raise OATokenError(f"token refresh refused: {error}")
        try:
            expires_in = int(str(body.get("expires_in") or "90000"))  # a string, in seconds
        except ValueError:
            expires_in = 90000
        return {
            "access_token": str(body["access_token"]),
            "refresh_token": str(body.get("refresh_token") or refresh_token),
            "expires_in": expires_in,
        }
