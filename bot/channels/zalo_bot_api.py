"""A small client for the Zalo Bot Platform (`<base>/bot<TOKEN>/<method>`), modelled on
Telegram's Bot API. No SDK: a handful of JSON calls over aiohttp.

The HTTP status is not reliable (ok:false has come with 200), so the envelope decides. Errors
follow the published table:
  400 bad request, 401 token invalid, 404 not found   ─► ZaloApiError (our fault: not retried)
  403 "internal server error", 5xx, network, no JSON  ─► ZaloTransientError (retry, back off)
  408 a long poll that found nothing                  ─► an empty poll
  429 "quota exceeded — API usage limit"              ─► ZaloRateLimited (back off, longer)"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout

log = logging.getLogger(__name__)

POLL_TIMEOUT = 408  # getUpdates found nothing: the normal empty poll
UNAUTHORIZED = 401
SERVER_ERROR = 403  # Zalo's table: "internal server error", not a user who blocked the bot
RATE_LIMITED = 429  # "quota exceeded — API usage limit": a rate limit, not the month's quota


class ZaloApiError(Exception):
    """Zalo answered and said no: `code` is its error_code (or the HTTP status)."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description


class ZaloTransientError(Exception):
    """No answer worth reading (network, timeout, 403, 5xx, not JSON): worth another try."""


class ZaloRateLimited(Exception):
    """429: Zalo asks us to slow down."""


@dataclass
class ZaloBotApi:
    session: ClientSession
    base_url: str  # ends with "/bot": the token is appended
    token: str = field(repr=False)
    timeout: float = 15.0

    @property
    def bot_id(self) -> str:
        return self.token.split(":", 1)[0]

    def _redact(self, text: str) -> str:
        return text.replace(self.token, f"{self.bot_id}:***")

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, time_limit: float | None = None
    ) -> Any:
        url = f"{self.base_url}{self.token}/{method}"
        try:
            async with self.session.post(
                url, json=params or {}, timeout=ClientTimeout(total=time_limit or self.timeout)
            ) as r:
                status = r.status
                try:
                    body = await r.json(content_type=None)
                except ValueError:
                    body = None
        except (ClientError, TimeoutError) as e:
            # aiohttp's messages may quote the URL, and the URL holds the token.
            raise ZaloTransientError(
                f"{method}: {type(e).__name__} {self._redact(str(e))}"
            ) from None
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        code, description = status, ""
        if isinstance(body, dict):
            raw = body.get("error_code")
            if isinstance(raw, int | str) and str(raw).lstrip("-").isdigit():
                code = int(raw)
            description = str(body.get("description") or "")[:200]
        if code >= 500 or code == SERVER_ERROR or (body is None and code == 200):
            raise ZaloTransientError(f"{method}: {code} {description}".strip())
        if code == RATE_LIMITED:
            raise ZaloRateLimited(f"{method}: {code} {description}".strip())
        if code == 200:  # ok:false and no error code: a refusal we cannot name
            code = 400
        raise ZaloApiError(code, self._redact(description))

    async def get_updates(self, hold: int) -> list[dict[str, Any]]:
        """The updates of one long poll of up to `hold` seconds ([] when it ended empty)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": hold}, time_limit=hold + self.timeout
            )
        except ZaloApiError as e:
            if e.code == POLL_TIMEOUT:
                return []
            raise
        return updates_of(result)

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})


def webhook_url_of(info: Any) -> str:
    """The URL in a getWebhookInfo result ("" when none is set)."""
    if isinstance(info, dict):
        for key in ("url", "webhook_url", "webhookUrl"):
            if isinstance(info.get(key), str):
                return str(info[key])
    return ""


def verification_of(result: Any) -> bool | None:
    """Whether Zalo's check request to the webhook succeeded, from setWebhook's `verification`
    (None when the answer carries none). Its exact shape is not documented: a boolean, a word
    ("success", "failed"), an HTTP status, or an object holding one of those are all read."""
    value = result.get("verification") if isinstance(result, dict) else None
    if value is None:
        return None
    if isinstance(value, dict):
        for key in ("success", "ok", "verified", "status", "result", "status_code", "code"):
            if key in value:
                return verification_of({"verification": value[key]})
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return 200 <= value < 300
    word = str(value).strip().lower()
    if word.isdigit():
        return 200 <= int(word) < 300
    return word in {"success", "succeeded", "successful", "ok", "true", "verified", "passed"}


def updates_of(body: Any) -> list[dict[str, Any]]:
    """Updates from a getUpdates result or a webhook body. The documented shape is one update
    (`{"event_name", "message"}`), a webhook wraps it in `{"ok", "result"}`; a list, as on
    Telegram, is accepted too."""
    if isinstance(body, dict) and "result" in body and "message" not in body:
        body = body["result"]
    if isinstance(body, dict):
        return [body] if isinstance(body.get("message"), dict) else []
    if isinstance(body, list):
        return [u for item in body for u in updates_of(item)]
    return []


def photo_url(msg: dict[str, Any]) -> str | None:
    """The image's URL: `photo` in the documentation, `photo_url` in some clients; a string, an
    object with `url`, or a list of sizes (the last is the largest)."""
    for key in ("photo_url", "photo"):
        value = msg.get(key)
        if isinstance(value, list) and value:
            value = value[-1]
        if isinstance(value, dict):
            value = value.get("url") or value.get("photo_url")
        if isinstance(value, str) and value:
            return value
    return None


def message_kind(event: str, msg: dict[str, Any]) -> str:
    """text, image, sticker, voice or other: by the event's name, else by what the message holds."""
    for kind in ("text", "image", "sticker", "voice"):
        if event == f"message.{kind}.received":
            return kind
    if event == "message.unsupported.received":
        return "other"
    if photo_url(msg):
        return "image"
    if "sticker" in msg:
        return "sticker"
    if "voice_url" in msg or "voice" in msg:
        return "voice"
    return "text" if isinstance(msg.get("text"), str) else "other"
