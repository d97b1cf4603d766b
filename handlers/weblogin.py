"""/web: a supervisor or admin gets a one-time link that opens the board's web page.

The link carries a random token and its HMAC: a tampered link is refused before any lookup, and
the database (which keeps only the token's SHA-256) makes it single use and short-lived."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers import texts as T
from handlers import texts_web as W
from handlers.turn import Turn
from models import Role, WebLogin

LINK_MINUTES = 10
LOGIN_PATH = "/web/login/"


@dataclass
class _Config:
    public_url: str = ""
    secret: bytes = b""


_config = _Config()


def configure(public_url: str, secret: bytes) -> None:
    """Set by bot/ at start-up: where the page is and the key that signs its links."""
    _config.public_url = public_url.rstrip("/")
    _config.secret = secret


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _mac(raw: str) -> str:
    mac = hmac.new(_config.secret, raw.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode()


def signed_token(raw: str) -> str:
    return f"{raw}.{_mac(raw)}"


def unsigned(token: str) -> str | None:
    """The random part of a link's token, or None when its signature does not match."""
    raw, _, mac = token.partition(".")
    if not raw or not mac or not _config.secret:
        return None
    return raw if hmac.compare_digest(mac.encode(), _mac(raw).encode()) else None


async def issue_login(member_id: int, now: datetime) -> str:
    """A new one-time link for the member (the URL)."""
    raw = secrets.token_urlsafe(24)
    await WebLogin.create(
        token_hash=digest(raw),
        member_id=member_id,
        expires_at=now + timedelta(minutes=LINK_MINUTES),
    )
    return f"{_config.public_url}{LOGIN_PATH}{signed_token(raw)}"


async def web_command(turn: Turn, arg: str = "") -> None:
    if turn.member.role == Role.REPORTER:
        turn.say(T.NOT_ALLOWED)
        return
    if not _config.public_url or not _config.secret:
        turn.say(W.WEB_OFF)
        return
    url = await issue_login(turn.member.id, turn.now)
    turn.say(W.WEB_LINK.format(minutes=LINK_MINUTES, url=url))
