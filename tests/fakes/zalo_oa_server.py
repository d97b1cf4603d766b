"""A fake Zalo Official Account platform on loopback: the OA message API (v3), the OAuth token
endpoint (v4) with single-use refresh tokens, image hosting, and a webhook poster that signs its
events as Zalo does (SHA-256 of app id + raw body + timestamp + OA secret key).

It answers errors the Zalo way, HTTP 200 with a non-zero `error`: -216 for an unknown access
token, -230 for a user silent for over 7 days, -320 for one silent 48 hours to 7 days when the OA
has no funded Zalo Cloud Account, -213 for a user who does not follow the OA, -201 for a button
template it does not accept (over 5 buttons, as the API), and any code a test queues (-32 rate
limit, -227, -244, -218 refusals for good)."""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from fakes import serve_loopback

OA_ID = "2938472615384756102"
APP_ID = "4213370000123456789"
APP_SECRET = "app-secret-KEY"
OA_SECRET_KEY = "oa-secret-KEY"


@dataclass
class Sent:
    user_id: str
    message: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return str(self.message.get("text") or "")

    @property
    def buttons(self) -> list[dict[str, Any]]:
        attachment = self.message.get("attachment") or {}
        return list((attachment.get("payload") or {}).get("buttons") or [])

    def titles(self) -> list[str]:
        return [b["title"] for b in self.buttons]


class FakeZaloOA:
    def __init__(self) -> None:
        self.access_tokens: set[str] = set()
        self.refresh_token = ""  # the one refresh token that works now
        self.refresh_calls: list[dict[str, Any]] = []
        self.refresh_delay = 0.0  # seconds a refresh takes: widens any race between two
        self.sent: list[Sent] = []
        self.refused: list[tuple[str, int]] = []
        self.outside_window: set[str] = set()  # silent over 7 days
        self.paid_window: set[str] = set()  # silent 48 hours to 7 days: billed messages
        self.paid_account = False  # a funded Zalo Cloud Account pays for those
        self.not_followers: set[str] = set()
        self.max_buttons = 5  # more buttons than this: -201
        self.errors: deque[int] = deque()  # forced error codes for the next sends
        self.media: dict[str, bytes] = {}
        self.uploads: dict[str, tuple[str, bytes]] = {}  # file token -> (name, content)
        self.webhook_url = ""
        self.webhook_statuses: list[int] = []
        self._msg_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3.0/oa/message/cs", self._send)
        app.router.add_post("/v4/oa/access_token", self._token)
        app.router.add_get("/v2.0/oa/getoa", self._getoa)
        app.router.add_post("/v2.0/oa/upload/file", self._upload)
        app.router.add_get("/media/{name}", self._media)
        self._runner, self.port = await serve_loopback(app)
        self._session = ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- what tests do ---------------------------------------------------------------------------

    def grant(self) -> tuple[str, str]:
        """A fresh token pair, as the OA's authorisation screen would hand out."""
        access, refresh = f"AT-{secrets.token_hex(8)}", f"RT-{secrets.token_hex(8)}"
        self.access_tokens.add(access)
        self.refresh_token = refresh
        return access, refresh

    def revoke_access_tokens(self) -> None:
        self.access_tokens.clear()

    def add_media(self, content: bytes) -> str:
        name = f"{secrets.token_hex(6)}.jpg"
        self.media[name] = content
        return f"{self.url}/media/{name}"

    async def post_raw(self, raw: bytes, headers: dict[str, str]) -> int:
        assert self._session is not None
        async with self._session.post(self.webhook_url, data=raw, headers=headers) as r:
            self.webhook_statuses.append(r.status)
            return r.status

    async def push(self, event: dict[str, Any]) -> int:
        """Post an event to the webhook, signed as Zalo signs it."""
        raw = json.dumps(event, ensure_ascii=False).encode()
        return await self.post_raw(raw, {"X-ZEvent-Signature": f"mac={sign(raw, event)}"})

    def to(self, user_id: str) -> list[Sent]:
        return [s for s in self.sent if s.user_id == user_id]

    # -- the API ---------------------------------------------------------------------------------

    async def _send(self, request: web.Request) -> web.Response:
        token = request.headers.get("access_token", "")
        body = await request.json()
        user_id = str((body.get("recipient") or {}).get("user_id") or "")
        message = body.get("message") or {}
        error = 0
        if token not in self.access_tokens:
            error = -216
        elif self.errors:
            error = self.errors.popleft()
        elif user_id in self.not_followers:
            error = -213
        elif user_id in self.outside_window:
            error = -230
        elif user_id in self.paid_window and not self.paid_account:
            error = -320
        elif self._file_token(message) is not None:
            if self._file_token(message) not in self.uploads:
                error = -201
        elif not 1 <= len(str(message.get("text") or "").encode("utf-16-le")) // 2 <= 2000:
            error = -201
        elif len(Sent(user_id, message, token).buttons) > self.max_buttons:
            error = -201
        if error:
            self.refused.append((user_id, error))
            return web.json_response({"error": error, "message": f"Injected {error}"})
        self.sent.append(Sent(user_id, message, token))
        msg_id = f"oa-{next(self._msg_ids)}"
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"message_id": msg_id, "user_id": user_id}}
        )

    async def _getoa(self, request: web.Request) -> web.Response:
        """The OA's profile: what an access token is checked against."""
        if request.headers.get("access_token", "") not in self.access_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        data = {"oa_id": OA_ID, "name": "Ban Tuyên giáo Sơn Lâm (thử)", "is_verified": True}
        return web.json_response({"error": 0, "message": "Success", "data": data})

    @staticmethod
    def _file_token(message: dict[str, Any]) -> str | None:
        attachment = message.get("attachment") or {}
        if attachment.get("type") != "file":
            return None
        return str((attachment.get("payload") or {}).get("token") or "")

    def files_to(self, user_id: str) -> list[tuple[str, bytes]]:
        """The files (name, content) a user received as file messages."""
        return [
            self.uploads[t]
            for s in self.to(user_id)
            if (t := self._file_token(s.message)) is not None and t in self.uploads
        ]

    async def _upload(self, request: web.Request) -> web.Response:
        """PDF, DOC, DOCX up to 5 MB; a token for the file messages."""
        if request.headers.get("access_token", "") not in self.access_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return web.json_response({"error": -201, "message": "file is missing"})
        content = upload.file.read()
        name = upload.filename or ""
        if not name.lower().endswith((".pdf", ".doc", ".docx")) or len(content) > 5 * 1024 * 1024:
            return web.json_response({"error": -201, "message": "file type or size"})
        token = secrets.token_hex(8)
        self.uploads[token] = (name, content)
        return web.json_response({"error": 0, "message": "Success", "data": {"token": token}})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        call = {"form": form, "secret_key": request.headers.get("secret_key", "")}
        self.refresh_calls.append(call)
        if call["secret_key"] != APP_SECRET or form.get("app_id") != APP_ID:
            return web.json_response({"error": -14002, "error_name": "Invalid app"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != (
            self.refresh_token
        ):
            return web.json_response(
                {"error": -14014, "error_name": "Invalid refresh token", "error_description": ""}
            )
        self.refresh_token = ""  # single use: spent the moment it is presented
        await asyncio.sleep(self.refresh_delay)
        access, refresh = self.grant()
        return web.json_response(
            {"access_token": access, "refresh_token": refresh, "expires_in": "90000"}
        )

    async def _media(self, request: web.Request) -> web.Response:
        content = self.media.get(request.match_info["name"])
        if content is None:
            return web.Response(status=404)
        return web.Response(body=content, content_type="image/jpeg")


def sign(raw: bytes, event: dict[str, Any], secret: str = OA_SECRET_KEY) -> str:
    timestamp = str(event.get("timestamp", ""))
    return hashlib.sha256(APP_ID.encode() + raw + timestamp.encode() + secret.encode()).hexdigest()


class FakeOAUser:
    """A Zalo user talking to the OA: builds the webhook events their actions cause."""

    def __init__(self, server: FakeZaloOA, user_id: str) -> None:
        self.server = server
        self.id = user_id

    def _event(self, name: str, **extra: Any) -> dict[str, Any]:
        return {
            "app_id": APP_ID,
            "user_id_by_app": f"app-{self.id}",
            "event_name": name,
            "sender": {"id": self.id},
            "recipient": {"id": OA_ID},
            "timestamp": str(int(time.time() * 1000)),
            **extra,
        }

    def _message(self, name: str, **message: Any) -> dict[str, Any]:
        return self._event(name, message={"msg_id": secrets.token_hex(12), **message})

    def text(self, text: str) -> dict[str, Any]:
        return self._message("user_send_text", text=text)

    def press(self, title: str) -> dict[str, Any]:
        """Press the button whose title contains `title` on the latest message with buttons."""
        with_buttons = [s for s in self.server.to(self.id) if s.buttons]
        assert with_buttons, f"no message with buttons for {self.id}"
        buttons = with_buttons[-1].buttons
        matches = [b for b in buttons if title.lower() in b["title"].lower()]
        assert matches, f"no button {title!r} in {[b['title'] for b in buttons]}"
        return self.text(matches[0]["payload"])

    def image(self, content: bytes) -> dict[str, Any]:
        url = self.server.add_media(content)
        attachment = {"type": "image", "payload": {"thumbnail": url, "url": url}}
        return self._message("user_send_image", text="", attachments=[attachment])

    def location(self, latitude: float, longitude: float) -> dict[str, Any]:
        where = {"coordinates": {"latitude": str(latitude), "longitude": str(longitude)}}
        attachment = {"type": "location", "payload": where}
        return self._message("user_send_location", attachments=[attachment])

    def sticker(self) -> dict[str, Any]:
        attachment = {"type": "sticker", "payload": {"id": "abc", "url": "https://x.invalid/s"}}
        return self._message("user_send_sticker", attachments=[attachment])

    def _follow(self, name: str) -> dict[str, Any]:
        # These name the user `follower` and the OA `oa_id`, not sender and recipient.
        event = self._event(name, follower={"id": self.id}, oa_id=OA_ID, source="testing")
        del event["sender"], event["recipient"]
        return event

    def follow(self) -> dict[str, Any]:
        return self._follow("follow")

    def unfollow(self) -> dict[str, Any]:
        return self._follow("unfollow")
