"""Settings of the Zalo Bot channel: which bots (`ZALO_BOT_TOKENS`), how they receive, and the
patience and limits the adapter works with."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.channels.zalo_common import MAX_PHOTO_BYTES
from bot.config import Settings

WEBHOOK_ROUTE = "/zalo/bot/{bot_id}/webhook"
_TOKEN_RE = re.compile(r"\d+:\S+")
_UNIT_RE = re.compile(r"[A-Za-z0-9_.-]{1,32}")


@dataclass(frozen=True)
class ZaloBotAccount:
    token: str = field(repr=False)
    unit: str = ""  # the unit code this bot serves, for the admins' warnings

    @property
    def bot_id(self) -> str:
        return self.token.split(":", 1)[0]


def parse_bot_tokens(text: str) -> tuple[ZaloBotAccount, ...]:
    """'X01=123:abc,456:def' → bot 123 for unit X01 and bot 456. Errors never quote a token."""
    bots: list[ZaloBotAccount] = []
    entries = [e.strip() for e in text.replace("\n", ",").split(",") if e.strip()]
    for n, entry in enumerate(entries, 1):
        unit, sep, token = entry.partition("=")
        if not sep or ":" in unit:  # no unit given: an '=' inside the token is the token's
            unit, token = "", entry
        unit, token = unit.strip(), token.strip()
        if sep and unit and not _UNIT_RE.fullmatch(unit):
            raise ValueError(f"ZALO_BOT_TOKENS entry {n}: a unit code is A-Z a-z 0-9 _ . -")
        if not _TOKEN_RE.fullmatch(token):
            raise ValueError(f"ZALO_BOT_TOKENS entry {n}: a token looks like 1234567890:AbC…")
        bots.append(ZaloBotAccount(token, unit))
    ids = [b.bot_id for b in bots]
    if len(set(ids)) != len(ids):
        raise ValueError("ZALO_BOT_TOKENS names the same bot twice")
    return tuple(bots)


@dataclass(frozen=True)
class ZaloBotConfig:
    bots: tuple[ZaloBotAccount, ...]
    base_url: str = "https://bot-api.zaloplatforms.com/bot"
    webhook_secret: str = field(default="", repr=False)  # set: webhook instead of polling
    public_url: str = ""
    poll_timeout: int = 30  # seconds a getUpdates may wait for a message
    request_timeout: float = 15.0
    download_timeout: float = 60.0
    max_photo_bytes: int = MAX_PHOTO_BYTES
    poll_floor: float = 1.0  # least time between polls that bring nothing new
    backoff_base: float = 1.0  # first wait after a failed poll or send; doubles each time
    backoff_max: float = 60.0
    send_retries: int = 2
    # 429 is a rate limit: a bot's sends and polls pause, 5 s at first, doubling to 10 minutes;
    # a reply waits inline for a pause this short, else the outbox tries again later.
    rate_backoff_base: float = 5.0
    rate_backoff_max: float = 600.0
    rate_inline_max: float = 10.0
    rate_alert_after: float = 3600.0  # 429s for this long without a success: tell the admins
    monthly_quota: int = 3000
    quota_warn: float = 0.8
    max_parallel: int = 32
    shutdown_timeout: float = 30.0

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_secret)

    def webhook_url(self, bot_id: str) -> str:
        return self.public_url.rstrip("/") + WEBHOOK_ROUTE.format(bot_id=bot_id)

    @classmethod
    def from_settings(cls, settings: Settings) -> ZaloBotConfig:
        secret = settings.zalo_bot_webhook_secret
        if secret and not 8 <= len(secret) <= 256:
            raise ValueError("ZALO_BOT_WEBHOOK_SECRET: 8 to 256 characters")
        if secret and not settings.public_url.startswith("https://"):
            raise ValueError("ZALO_BOT_WEBHOOK_SECRET is set: PUBLIC_URL must be an https:// URL")
        return cls(
            bots=parse_bot_tokens(settings.zalo_bot_tokens),
            base_url=settings.zalo_bot_base_url,
            webhook_secret=secret,
            public_url=settings.public_url,
            monthly_quota=settings.zalo_bot_monthly_quota,
            quota_warn=settings.zalo_bot_quota_warn,
        )
