"""A fake Telegram Bot API server on loopback, spoken to by the real python-telegram-bot client.

It serves what the bot calls (getMe, getUpdates, sendMessage, editMessageText,
editMessageReplyMarkup, answerCallbackQuery, sendDocument, getFile and file downloads,
setWebhook/deleteWebhook, setMyCommands), records every call, and can fail on purpose: a 429 with
retry_after, a 5xx, a timeout, a user who blocked the bot (403). Tests play users with `FakeUser`:
their updates wait in a queue for getUpdates, or are posted to the webhook once one is set."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from fakes import serve_loopback

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Báo cáo", "username": "baocao_test_bot"}
TOKEN = "4242:TEST-token_abc"
JSON_PARAMS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "max_connections",
    "drop_pending_updates",
    "show_alert",
}
CHAT_METHODS = {"sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def markup(self) -> dict[str, Any]:
        return self.params.get("reply_markup") or {}

    @property
    def inline(self) -> list[list[dict[str, Any]]]:
        return self.markup.get("inline_keyboard") or []

    def labels(self) -> list[str]:
        return [b["text"] for row in self.inline for b in row]


@dataclass
class Fault:
    """What the next call of a method gets instead of success. status 0 is a timeout: the
    server holds the request for `delay` seconds (longer than the client waits)."""

    status: int
    retry_after: int = 0
    delay: float = 0.0
    description: str = ""


class FakeTelegram:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._methods = {name[3:].lower(): name[3:] for name in dir(self) if name.startswith("_m_")}
        self.blocked: set[int] = set()  # users who blocked the bot
        # Flood control: at most `cap_per_second` messages in any one-second window, then 429.
        self.cap_per_second: float | None = None
        self.flood_refusals = 0
        self._recent: deque[float] = deque()
        self.files: dict[str, bytes] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}  # what the bot sent, as now
        self.webhook: dict[str, Any] | None = None
        self.webhook_statuses: list[int] = []
        self.on_call: Callable[[Call], None] | None = None
        self.offset = 0  # highest offset a getUpdates has confirmed
        self.polls = 0  # getUpdates calls so far: a bot is polling once this moves
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self.port = 0
        self._closing = False

    # -- server ----------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner, self.port = await serve_loopback(app)
        self._session = ClientSession()

    async def stop(self) -> None:
        async with self._changed:  # wake long polls still waiting, or cleanup waits for them
            self._closing = True
            self._changed.notify_all()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- what tests do ---------------------------------------------------------------------------

    async def push(self, update: dict[str, Any]) -> int:
        """Deliver an update: by webhook when one is set, else queue it for getUpdates."""
        update.setdefault("update_id", next(self._update_ids))
        if self.webhook:
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            assert self._session is not None
            async with self._session.post(self.webhook["url"], json=update, headers=headers) as r:
                self.webhook_statuses.append(r.status)
            return int(update["update_id"])
        async with self._changed:
            self.updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    async def wait_fetched(self, update_id: int) -> None:
        """Until a getUpdates call has confirmed `update_id`: the bot holds it by then."""
        async with asyncio.timeout(5), self._changed:
            await self._changed.wait_for(lambda: self.offset > update_id)

    async def wait_polling(self) -> None:
        """Until a bot has asked for updates."""
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: self.polls > 0)

    async def wait_webhook(self) -> None:
        """Until a bot has set its webhook (and so listens for it)."""
        async with asyncio.timeout(30), self._changed:
            await self._changed.wait_for(lambda: self.webhook is not None)

    def fail(self, method: str, *faults: Fault) -> None:
        self.faults[method].extend(faults)

    def add_file(self, content: bytes) -> dict[str, Any]:
        n = next(self._file_ids)
        file_id = f"FILE-{n}"
        self.files[file_id] = content
        return {"file_id": file_id, "file_unique_id": f"U{n}", "file_size": len(content)}

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[Call]:
        """Calls that reached a chat (messages, documents, edits), oldest first."""
        return [
            c
            for c in self.calls
            if c.method in CHAT_METHODS
            and (chat_id is None or c.chat_id == chat_id)
            and (method is None or c.method == method)
        ]

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    # -- the Bot API -----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        params: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, bytes]] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
            return params, files
        if request.body_exists:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read())
                else:
                    params[key] = value
        for key in JSON_PARAMS & params.keys():
            if isinstance(params[key], str):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    pass
        return params, files

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        # Method names are case-insensitive in the Bot API; calls are recorded by their usual name.
        method = self._methods.get(request.match_info["method"].lower(), "")
        params, files = await self._params(request)
        if self.faults.get(method):
            fault = self.faults[method].popleft()
            if fault.status == 0:
                await asyncio.sleep(fault.delay)
                return _error(504, "Gateway Timeout")
            return _error(fault.status, fault.description or "Injected", fault.retry_after)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        chat_id = params.get("chat_id")
        if method in CHAT_METHODS and chat_id is not None and int(chat_id) in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if method in CHAT_METHODS and self.cap_per_second is not None and self._flooded():
            self.flood_refusals += 1
            return _error(429, "Too Many Requests: retry after 1", 1)
        call = Call(method, params, files)
        result = await handler(call)
        if isinstance(result, web.Response):
            return result
        call.result = result
        if method != "getUpdates":
            self.calls.append(call)
            if self.on_call is not None:
                self.on_call(call)
        return web.json_response({"ok": True, "result": result})

    def _flooded(self) -> bool:
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= (self.cap_per_second or 0):
            return True
        self._recent.append(now)
        return False

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].rsplit("/", 1)[-1].split(".")[0]
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    async def _m_getMe(self, call: Call) -> Any:
        return BOT_USER

    async def _m_getUpdates(self, call: Call) -> Any:
        offset = int(call.params.get("offset") or 0)
        timeout = float(call.params.get("timeout") or 0)
        limit = int(call.params.get("limit") or 100)
        async with self._changed:
            self.polls += 1
            self.offset = max(self.offset, offset)
            self._changed.notify_all()
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
            if not self.updates and timeout > 0:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self.updates) or self._closing), timeout
                    )
                except TimeoutError:
                    pass
            return [u for u in self.updates if u["update_id"] >= offset][:limit]

    def _new_message(self, chat_id: int, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Người dùng"},
            "from": BOT_USER,
            **content,
        }
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_sendMessage(self, call: Call) -> Any:
        content: dict[str, Any] = {"text": call.params["text"]}
        if "inline_keyboard" in call.markup:
            content["reply_markup"] = call.markup
        return self._new_message(int(call.params["chat_id"]), **content)

    async def _m_sendDocument(self, call: Call) -> Any:
        name, data = call.files.get("document", ("", b""))
        content: dict[str, Any] = {
            "document": {
                "file_id": f"DOC-{len(data)}",
                "file_unique_id": "D",
                "file_name": name,
                "file_size": len(data),
            }
        }
        if call.params.get("caption"):
            content["caption"] = call.params["caption"]
        if "inline_keyboard" in call.markup:
            content["reply_markup"] = call.markup
        return self._new_message(int(call.params["chat_id"]), **content)

    async def _edit(self, call: Call, **changes: Any) -> Any:
        key = (int(call.params["chat_id"]), int(call.params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return _error(400, "Bad Request: message to edit not found")
        message.update(changes)
        if "inline_keyboard" in call.markup:
            message["reply_markup"] = call.markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _m_editMessageText(self, call: Call) -> Any:
        return await self._edit(call, text=call.params["text"])

    async def _m_editMessageReplyMarkup(self, call: Call) -> Any:
        return await self._edit(call)

    async def _m_answerCallbackQuery(self, call: Call) -> Any:
        return True

    async def _m_getFile(self, call: Call) -> Any:
        file_id = str(call.params.get("file_id"))
        if file_id not in self.files:
            return _error(400, "Bad Request: invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": f"U-{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"photos/{file_id}.jpg",
        }

    async def _m_setWebhook(self, call: Call) -> Any:
        async with self._changed:
            self.webhook = {
                k: call.params.get(k) for k in ("url", "secret_token", "allowed_updates")
            }
            self._changed.notify_all()
        return True

    async def _m_deleteWebhook(self, call: Call) -> Any:
        self.webhook = None
        return True

    async def _m_getWebhookInfo(self, call: Call) -> Any:
        url = (self.webhook or {}).get("url") or ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def _m_setMyCommands(self, call: Call) -> Any:
        return True


def _error(status: int, description: str, retry_after: int = 0) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


class FakeUser:
    """A person in a private chat with the bot: builds the updates their phone would send."""

    def __init__(
        self, server: FakeTelegram, user_id: int, first_name: str = "Thử", first_id: int = 1
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        # Message and press ids count on from `first_id`: the same person on a second device.
        self._message_ids = itertools.count(first_id)
        self._callback_ids = itertools.count(first_id)

    @property
    def _from(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "vi",
        }

    def message(self, message_id: int | None = None, **content: Any) -> dict[str, Any]:
        return {
            "message": {
                "message_id": message_id or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": self.id, "type": "private", "first_name": self.first_name},
                "from": self._from,
                **content,
            }
        }

    def text(self, text: str) -> dict[str, Any]:
        entities = []
        if text.startswith("/"):
            entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.message(text=text, entities=entities)

    def photo(self, content: bytes) -> dict[str, Any]:
        thumb = self.server.add_file(content[: max(1, len(content) // 10)])
        full = self.server.add_file(content)
        return self.message(
            photo=[
                {**thumb, "width": 90, "height": 60},
                {**full, "width": 1280, "height": 853},
            ]
        )

    def document(self, content: bytes, mime: str, name: str = "anh.png") -> dict[str, Any]:
        meta = self.server.add_file(content)
        return self.message(document={**meta, "file_name": name, "mime_type": mime})

    def contact(self, phone: str, user_id: int | None = None) -> dict[str, Any]:
        owner = self.id if user_id is None else user_id
        return self.message(
            contact={"phone_number": phone, "first_name": self.first_name, "user_id": owner}
        )

    def location(self, latitude: float, longitude: float) -> dict[str, Any]:
        return self.message(location={"latitude": latitude, "longitude": longitude})

    def sticker(self) -> dict[str, Any]:
        sticker = {
            "file_id": "STK",
            "file_unique_id": "S",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
        return self.message(sticker=sticker)

    def voice(self) -> dict[str, Any]:
        return self.message(voice={"file_id": "VOI", "file_unique_id": "V", "duration": 3})

    def last_keyboard(self) -> dict[str, Any]:
        """The latest message to this user that still has buttons, as it is now."""
        for (chat_id, _), message in reversed(self.server.messages.items()):
            if chat_id == self.id and message.get("reply_markup"):
                return message
        raise AssertionError(f"no message with buttons for user {self.id}")

    def press(self, label: str, message: dict[str, Any] | None = None) -> dict[str, Any]:
        """Press the button whose label contains `label` on the latest (or a given) message."""
        message = message or self.last_keyboard()
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        matches = [b for b in buttons if label.lower() in b["text"].lower()]
        assert matches, f"no button {label!r} in {[b['text'] for b in buttons]}"
        return {
            "callback_query": {
                "id": f"{self.id}-{next(self._callback_ids)}",
                "from": self._from,
                "chat_instance": str(self.id),
                "message": json.loads(json.dumps(message)),  # a snapshot, as Telegram sends
                "data": matches[0]["callback_data"],
            }
        }
