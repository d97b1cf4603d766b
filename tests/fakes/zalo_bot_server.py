"""A fake Zalo Bot Platform on loopback, spoken to over HTTP by the real adapter.

It serves what the adapter calls (getMe, getUpdates, sendMessage, sendChatAction, setWebhook,
getWebhookInfo, deleteWebhook) for several bots, records every call, and behaves as the published
error table says: an empty long poll answered 408 (the normal case), 429 as a rate limit, 403 as
"internal server error" (any fault can be injected), a text over 2000 UTF-16 units refused (400).
setWebhook sends a check request to the URL first and reports it in `verification`. Polls may
serve an update again (`repeat`). It also serves the images users send (`/media/NAME`). Tests play
users with `FakeZaloUser`: their updates wait for getUpdates, or are posted to the bot's webhook,
flat as live deliveries are reported, or wrapped in {ok, result} as the documentation shows."""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientError, ClientSession, web

from fakes import serve_loopback

TEXT_LIMIT = 2000


@dataclass
class Call:
    bot_id: str
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))

    @property
    def text(self) -> str:
        return str(self.params.get("text") or "")


@dataclass
class Fault:
    """What the next call of a method gets instead of success. `http_status` 0 means the same
    as the error code; 200 plays Zalo's habit of ok:false with HTTP 200."""

    error_code: int
    description: str = "Injected"
    http_status: int = 0


class FakeZaloBot:
    def __init__(self, *tokens: str) -> None:
        self.tokens = {t.split(":", 1)[0]: t for t in tokens}
        self.calls: list[Call] = []  # the calls answered with success
        self.requests: list[tuple[str, str]] = []  # (bot id, method) of every call, failed too
        self.updates: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        self.faults: dict[tuple[str, str], deque[Fault]] = defaultdict(deque)
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.webhook_statuses: list[int] = []
        self.checks: list[int] = []  # HTTP statuses of the check requests setWebhook sent
        self.wrapped = False  # webhook bodies as {ok, result} (docs) instead of flat (live)
        self.repeat = 0  # each polled update is served this many more times
        self.media: dict[str, bytes] = {}
        self.downloads: list[str] = []
        self.poll_hold = 0.2  # the longest a getUpdates waits here, whatever it asks
        self.poll_timeout_status = 408  # the HTTP status of an empty poll's answer
        self.polls: dict[str, int] = defaultdict(int)
        self.empty_polls: dict[str, int] = defaultdict(int)
        self._message_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None
        self.port = 0

    # -- server ----------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/media/{name}", self._media)
        self._runner, self.port = await serve_loopback(app)
        self._session = ClientSession()

    async def stop(self) -> None:
        async with self._changed:  # wake long polls still waiting
            self._closing = True
            self._changed.notify_all()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def media_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/media/{name}"

    # -- what tests do ---------------------------------------------------------------------------

    async def push(self, bot_id: str, update: dict[str, Any]) -> None:
        """Deliver an update: to the bot's webhook when one is set, else queue it for getUpdates."""
        hook = self.webhooks.get(bot_id)
        if hook:
            assert self._session is not None
            headers = {"X-Bot-Api-Secret-Token": hook["secret_token"]}
            body = {"ok": True, "result": update} if self.wrapped else update
            async with self._session.post(hook["url"], json=body, headers=headers) as r:
                self.webhook_statuses.append(r.status)
            return
        async with self._changed:
            self.updates[bot_id].extend([update] * (1 + self.repeat))
            self._changed.notify_all()

    async def wait_polled(self, bot_id: str, polls: int = 1) -> None:
        async with asyncio.timeout(5), self._changed:
            await self._changed.wait_for(lambda: self.polls[bot_id] >= polls)

    async def wait_sent(self, chat_id: str, count: int = 1) -> None:
        async with asyncio.timeout(5), self._changed:
            await self._changed.wait_for(lambda: len(self.sent(chat_id)) >= count)

    def fail(self, bot_id: str, method: str, *faults: Fault) -> None:
        self.faults[(bot_id, method)].extend(faults)

    def add_media(self, content: bytes, name: str | None = None) -> str:
        name = name or f"{secrets.token_hex(6)}.jpg"
        self.media[name] = content
        return self.media_url(name)

    def sent(self, chat_id: str | None = None, bot_id: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.method == "sendMessage"
            and (chat_id is None or c.chat_id == chat_id)
            and (bot_id is None or c.bot_id == bot_id)
        ]

    def tries(self, bot_id: str, method: str) -> int:
        return self.requests.count((bot_id, method))

    def called(self, method: str, bot_id: str | None = None) -> list[Call]:
        return [
            c for c in self.calls if c.method == method and (bot_id is None or c.bot_id == bot_id)
        ]

    # -- the Bot API -----------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        bot_id = token.split(":", 1)[0]
        if self.tokens.get(bot_id) != token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        self.requests.append((bot_id, method))
        params: dict[str, Any] = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                params.update(await request.json())
            else:
                params.update(await request.post())
        faults = self.faults.get((bot_id, method))
        if faults:
            fault = faults.popleft()
            return _error(fault.error_code, fault.description, fault.http_status)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _error(404, "Not Found")
        call = Call(bot_id, method, params)
        result = await handler(call)
        if isinstance(result, web.Response):
            return result
        if method != "getUpdates":
            async with self._changed:
                self.calls.append(call)
                self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _m_getMe(self, call: Call) -> Any:
        return {"id": call.bot_id, "account_name": f"bot.{call.bot_id}", "can_join_groups": False}

    async def _m_getUpdates(self, call: Call) -> Any:
        hold = min(float(call.params.get("timeout") or 30), self.poll_hold)
        queue = self.updates[call.bot_id]
        async with self._changed:
            self.polls[call.bot_id] += 1
            self._changed.notify_all()
            if not queue:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(queue) or self._closing), hold
                    )
                except TimeoutError:
                    pass
            if queue:
                return queue.popleft()  # one update per poll, as Zalo answers
            self.empty_polls[call.bot_id] += 1
        return _error(408, "Request timeout", self.poll_timeout_status)

    async def _m_sendMessage(self, call: Call) -> Any:
        units = len(call.text.encode("utf-16-le")) // 2  # counted as Telegram counts
        if not call.chat_id or not 1 <= units <= TEXT_LIMIT:
            return _error(400, "Bad Request: text must be 1 to 2000 characters")
        return {"message_id": f"bot-{next(self._message_ids)}", "date": int(time.time() * 1000)}

    async def _m_sendChatAction(self, call: Call) -> Any:
        if not call.chat_id or call.params.get("action") != "typing":
            return _error(400, "Bad Request: action must be typing")
        return True

    async def _m_setWebhook(self, call: Call) -> Any:
        url, secret = str(call.params.get("url") or ""), str(call.params.get("secret_token") or "")
        if not url.startswith(("https://", "http://127.0.0.1")) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: url must be https, secret_token 8 to 256 characters")
        # Zalo calls the webhook once, with the secret, before it answers.
        assert self._session is not None
        try:
            headers = {"X-Bot-Api-Secret-Token": secret}
            async with self._session.post(url, data=b"{}", headers=headers) as r:
                status = r.status
        except (OSError, ClientError):
            status = 0
        self.checks.append(status)
        if status != 200:
            return {"url": url, "verification": {"status": "failed", "http_status": status}}
        self.webhooks[call.bot_id] = {"url": url, "secret_token": secret}
        return {"url": url, "verification": {"status": "success", "http_status": status}}

    async def _m_getWebhookInfo(self, call: Call) -> Any:
        hook = self.webhooks.get(call.bot_id)
        return {"url": hook["url"] if hook else "", "updated_at": int(time.time() * 1000)}

    async def _m_deleteWebhook(self, call: Call) -> Any:
        self.webhooks.pop(call.bot_id, None)
        return {"url": ""}

    async def _media(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in self.media:
            return web.Response(status=404)
        self.downloads.append(name)
        content = self.media[name]
        if name.startswith("chunked-"):  # no Content-Length: the reader must count itself
            response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for i in range(0, len(content), 4096):
                await response.write(content[i : i + 4096])
            await response.write_eof()
            return response
        return web.Response(body=content, content_type="image/jpeg")


def _error(code: int, description: str, http_status: int = 0) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=http_status or code)


class FakeZaloUser:
    """A person in a private chat with one of the bots: builds the updates their phone sends."""

    def __init__(self, server: FakeZaloBot, bot_id: str, chat_id: str, name: str = "Thử") -> None:
        self.server = server
        self.bot_id = bot_id
        self.id = chat_id
        self.name = name

    def _update(self, event: str, **content: Any) -> dict[str, Any]:
        return {
            "event_name": f"message.{event}.received",
            "message": {
                "from": {"id": self.id, "display_name": self.name, "is_bot": False},
                "chat": {"id": self.id, "chat_type": "PRIVATE"},
                "message_id": secrets.token_hex(10),
                "date": int(time.time() * 1000),
                **content,
            },
        }

    def text(self, text: str) -> dict[str, Any]:
        return self._update("text", text=text)

    def photo(self, content: bytes, key: str = "photo", name: str | None = None) -> dict[str, Any]:
        return self._update("image", **{key: self.server.add_media(content, name)}, caption="")

    def sticker(self) -> dict[str, Any]:
        return self._update("sticker", sticker="https://example.invalid/sticker.webp")

    def voice(self) -> dict[str, Any]:
        return self._update("voice", voice_url="https://example.invalid/voice.aac")

    def unsupported(self) -> dict[str, Any]:
        return self._update("unsupported")

    async def say(self, update: dict[str, Any]) -> None:
        await self.server.push(self.bot_id, update)
