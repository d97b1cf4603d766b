"""Our logs never print a token, a secret or a phone number, whatever a message or an exception
carries: a filter on every handler of the root logger masks the settings' secret values and
anything shaped like a Vietnamese phone number before a line is written. (Message texts, where
invite codes travel, are not logged at all; the chat libraries' DEBUG, which logs whole updates,
is kept off by bot/cli.py.)"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from bot.config import Settings

PHONE = re.compile(r"(?<![\w+])(?:\+?84[ .]?|0)(?:\d[ .]?){7}(\d{2})(?!\d)")
MASK = "***"


def secret_values(settings: Settings) -> list[str]:
    """Every value in the settings that must not reach a log, longest first."""
    values = [
        settings.telegram_bot_token,
        settings.telegram_webhook_secret,
        settings.zalo_bot_webhook_secret,
        settings.zalo_app_secret,
        settings.zalo_oa_secret_key,
        settings.zalo_oa_refresh_token,
        settings.zalo_oa_access_token,
        settings.download_link_secret,
        settings.token_encryption_key,
        urlsplit(settings.database_url).password or "",
    ]
    for item in settings.zalo_bot_tokens.split(","):
        token = item.partition("=")[2] if "=" in item else item
        values += [token.strip(), token.strip().partition(":")[2]]
    return sorted({v for v in values if len(v) >= 6}, key=len, reverse=True)


class Redact(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = secrets

    def clean(self, text: str) -> str:
        for value in self.secrets:
            if value in text:
                text = text.replace(value, MASK)
        return PHONE.sub(lambda m: f"{MASK}{m.group(1)}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self.clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        return True


def install_redaction(settings: Settings) -> Redact:
    redact = Redact(secret_values(settings))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    return redact
