"""Settings of the Telegram channel, read from `Settings` once and checked at start-up."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.channels.telegram_send import SendPolicy
from bot.config import Settings

CHANNEL = "telegram"
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ["message", "callback_query"]


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_secret: str = ""  # set: receive by webhook at public_url + WEBHOOK_PATH
    public_url: str = ""
    send: SendPolicy = field(default_factory=SendPolicy)
    poll_timeout: float = 10.0
    request_timeout: float = 10.0
    download_timeout: float = 60.0
    max_parallel: int = 64  # updates of different users handled at once
    shutdown_timeout: float = 30.0

    @property
    def webhook(self) -> bool:
        return bool(self.webhook_secret)

    @property
    def webhook_url(self) -> str:
        return self.public_url.rstrip("/") + WEBHOOK_PATH

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramConfig:
        secret = settings.telegram_webhook_secret
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
        # A self-hosted Bot API server also accepts http:// webhooks, so only presence is checked.
        if secret and not settings.public_url:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET is set: PUBLIC_URL must say where Telegram posts"
            )
        return cls(
            token=settings.telegram_bot_token,
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
            webhook_secret=secret,
            public_url=settings.public_url,
        )
