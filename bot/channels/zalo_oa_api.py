"""What the Zalo OA channel knows of the Open API v3: its settings, error codes, webhook
signature and event shapes, and how a reply becomes messages with a button template. No I/O."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.channels.zalo_common import MAX_PHOTO_BYTES, numbered, split_text, with_file
from bot.config import Settings
from bot.downloads import DownloadLinks
from handlers.messages import Choice, Reply

PAYLOAD_RE = re.compile(r"\d{1,9}:\d{1,4}")  # Choice.payload: "<state version>:<index>"
BUTTON_TITLE = 100
MAX_BUTTONS = 5  # the API takes at most 5 buttons in a template
FREE_WINDOW = timedelta(hours=48)  # after the user's last interaction: free messages
PAID_WINDOW = timedelta(days=7)  # then billed to a Zalo Cloud Account; after that, refused
OUTSIDE_WINDOW = {-230, -232}
NO_PAID_ACCOUNT = {-320, -321}  # a billed message without a funded Zalo Cloud Account
# Refused for good, not to be retried: user banned or inactive 45 days, user restricted this
# kind of message, -218.
PERMANENT = {-227, -244, -218}
RATE_LIMITED = -32  # over about 4,000 requests a minute per app
NOT_FOLLOWER = -213
OUT_OF_QUOTA = -211
BAD_PARAMETER = -201
TOKEN_REFUSED = {-216, -220}
UNSUPPORTED = {
    "user_send_sticker": "sticker",
    "user_send_gif": "sticker",
    "user_send_audio": "voice",
    "user_send_video": "video",
    "user_send_file": "file",
}


@dataclass(frozen=True)
class ZaloOAConfig:
    oa_id: str
    app_id: str
    app_secret: str = field(repr=False)  # the app's secret key: token refresh
    oa_secret_key: str = field(repr=False)  # the OA secret key: webhook signatures
    refresh_token: str = field(default="", repr=False)  # seeds the database once
    access_token: str = field(default="", repr=False)
    api_url: str = "https://openapi.zalo.me"
    oauth_url: str = "https://oauth.zaloapp.com"
    max_buttons: int = MAX_BUTTONS  # more choices than this go as a numbered list
    requests_per_minute: int = 4000  # Zalo's limit per app (-32 past it); paced per process
    rate_backoff_base: float = 5.0  # the first wait after a -32, doubling
    paid_refused_pause: float = 24 * 3600.0  # after -320/-321, no billed sends for this long
    request_timeout: float = 15.0
    download_timeout: float = 60.0
    max_photo_bytes: int = MAX_PHOTO_BYTES
    send_retries: int = 2
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    max_parallel: int = 32
    shutdown_timeout: float = 30.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_buttons <= MAX_BUTTONS:
            raise ValueError(f"ZALO_OA_MAX_BUTTONS: 1 to {MAX_BUTTONS} (the API takes at most 5)")

    @classmethod
    def from_settings(cls, settings: Settings) -> ZaloOAConfig:
        missing = [
            name
            for name, value in (
                ("ZALO_APP_ID", settings.zalo_app_id),
                ("ZALO_APP_SECRET", settings.zalo_app_secret),
                ("ZALO_OA_SECRET_KEY", settings.zalo_oa_secret_key),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"ZALO_OA_ID is set: {', '.join(missing)} must be set too")
        if not settings.public_url.startswith("https://"):
            raise ValueError("ZALO_OA_ID is set: PUBLIC_URL must be the https:// webhook host")
        return cls(
            oa_id=settings.zalo_oa_id,
            app_id=settings.zalo_app_id,
            app_secret=settings.zalo_app_secret,
            oa_secret_key=settings.zalo_oa_secret_key,
            refresh_token=settings.zalo_oa_refresh_token,
            access_token=settings.zalo_oa_access_token,
            api_url=settings.zalo_oa_api_url,
            oauth_url=settings.zalo_oauth_url,
            max_buttons=settings.zalo_oa_max_buttons,
        )


def signature(app_id: str, raw: bytes, timestamp: str, oa_secret_key: str) -> str:
    """Zalo's mac: SHA-256 (plain, not HMAC) of app id + raw body + timestamp + OA secret key."""
    return hashlib.sha256(
        app_id.encode() + raw + timestamp.encode() + oa_secret_key.encode()
    ).hexdigest()


def button_title(label: str) -> str:
    return label if len(label) <= BUTTON_TITLE else label[: BUTTON_TITLE - 1] + "…"


def render(reply: Reply, links: DownloadLinks | None, max_buttons: int) -> list[dict[str, Any]]:
    """The reply as OA messages: its text in parts of 2000, its choices as buttons on the last
    part when they fit, else as a numbered list."""
    choices: list[Choice] = []
    nav = ""
    if reply.choices and len(reply.choices) <= max_buttons:
        choices = reply.choices
    elif reply.choices and len(reply.options) <= max_buttons:
        choices, nav = reply.options, reply.nav_words  # back and cancel as words to type
    body = with_file(reply.text if choices or not reply.choices else numbered(reply), reply, links)
    messages: list[dict[str, Any]] = [{"text": part} for part in split_text(body)]
    if choices:
        last = messages[-1]
        if nav:
            last["text"] = f"{last['text']}\n{nav}"
        buttons = [
            {"title": button_title(c.label), "type": "oa.query.hide", "payload": c.payload}
            for c in choices
        ]
        last["attachment"] = {"type": "template", "payload": {"buttons": buttons}}
    return messages


def user_of(event: dict[str, Any]) -> str:
    # follow/unfollow name the user `follower` (unsure); messages name them `sender`.
    for key in ("follower", "sender"):
        value = event.get(key)
        if isinstance(value, dict) and value.get("id"):
            return str(value["id"])
    return ""


def event_ms(event: dict[str, Any]) -> int | None:
    """The event's `timestamp`: epoch milliseconds, as a string or a number (None if not)."""
    try:
        return int(str(event.get("timestamp", "")).strip())
    except ValueError:
        return None


def event_time(event: dict[str, Any]) -> datetime | None:
    ms = event_ms(event)
    try:
        return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def attachment_of(event: dict[str, Any]) -> dict[str, Any]:
    msg = event.get("message")
    attachments = (msg.get("attachments") if isinstance(msg, dict) else None) or []
    first = attachments[0] if isinstance(attachments, list) and attachments else {}
    payload = first.get("payload") if isinstance(first, dict) else None
    return payload if isinstance(payload, dict) else {}
