"""The Zalo Bot Platform channel: several bots at once (the free plan serves about 50 users per
bot), each by long polling or by webhook on the project's web server. Updates become `Incoming`;
replies become plain texts with the choices as a numbered list, since Zalo bots have no buttons.

update (webhook or poll) ─► _take (private chats only) ─► inbox row (committed) ─► 200
inbox worker (one chat's rows in order) ─► _process
  _process: download a photo ─► engine.handle ─► _answer: numbered text, cut at 2000 ─► sendMessage

A member is reached through the bot they registered with: Identity.account is that bot's id (the
digits before ':' in its token; the token itself is never stored or logged)."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from bot.channels import Delivery, DeliveryStatus
from bot.channels.bodies import as_dict, parse_json
from bot.channels.queues import FollowUps
from bot.channels.zalo_bot_api import (
    UNAUTHORIZED,
    ZaloApiError,
    ZaloBotApi,
    ZaloRateLimited,
    ZaloTransientError,
    message_kind,
    photo_url,
    updates_of,
)
from bot.channels.zalo_bot_config import WEBHOOK_ROUTE, ZaloBotAccount, ZaloBotConfig
from bot.channels.zalo_bot_webhook import ZaloWebhookError, drop_webhook, set_webhook
from bot.channels.zalo_common import download_image, numbered, split_text, with_file
from bot.channels.zalo_quota import OnWarning, QuotaCounter, queue_quota_warning
from bot.downloads import DownloadLinks
from bot.inbox import InboxWorker
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Incoming, Reply
from models import Identity
from models.inbox import InboxRow

log = logging.getLogger(__name__)

CHANNEL = "zalo_bot"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
SENT = Delivery(DeliveryStatus.SENT)

__all__ = ["ZaloBotChannel", "ZaloWebhookError"]


@dataclass
class _Bot:
    account: ZaloBotAccount
    api: ZaloBotApi
    paused_until: float = 0.0  # monotonic time until which Zalo asked us to slow down (429)
    strikes: int = 0  # 429s in a row: each one doubles the pause
    limited_since: float | None = None  # when this run of 429s began
    alerted: set[str] = field(default_factory=set)  # alerts already raised by this process

    @property
    def bot_id(self) -> str:
        return self.account.bot_id

    @property
    def label(self) -> str:
        return f"{self.bot_id} ({self.account.unit})" if self.account.unit else self.bot_id


class ZaloBotChannel:
    name = CHANNEL

    def __init__(
        self,
        engine: Engine,
        config: ZaloBotConfig,
        links: DownloadLinks | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        on_quota_warning: OnWarning = queue_quota_warning,
    ) -> None:
        self.engine = engine
        self.config = config
        self.links = links
        self.sleep = sleep
        self.clock = clock
        self.quota = QuotaCounter(
            CHANNEL, config.monthly_quota, config.quota_warn, on_quota_warning
        )
        self.bots: dict[str, _Bot] = {}
        self.received = 0  # updates taken in so far (tests wait on it)
        self._received_changed = asyncio.Condition()
        self._session: ClientSession | None = None
        self._pollers: list[asyncio.Task[None]] = []
        self.inbox = InboxWorker(CHANNEL, self._from_inbox, capacity=config.max_parallel)
        self._follow_ups = FollowUps()
        self._accepting = False

    # -- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        self._session = ClientSession()
        cfg = self.config
        self.inbox.start()  # rows left by the last run first
        # The webhook route must answer before setWebhook: Zalo checks it during that call.
        self._accepting = True
        for account in cfg.bots:
            bot = _Bot(account, ZaloBotApi(self._session, cfg.base_url, account.token))
            try:
                me = await bot.api.call("getMe")
                name = me.get("account_name", "") if isinstance(me, dict) else ""
                log.info("Zalo bot %s ready: %s", bot.label, name)
            except ZaloApiError as e:
                if e.code == UNAUTHORIZED:
                    log.error("Zalo bot %s: token refused (401), this bot stays off", bot.label)
                    await self._alert(bot, "token")
                    continue
                log.warning("Zalo bot %s: getMe failed (%s)", bot.label, e)
            except (ZaloTransientError, ZaloRateLimited) as e:
                log.warning("Zalo bot %s unreachable for now (%s); will keep trying", bot.label, e)
            self.bots[bot.bot_id] = bot
            if cfg.webhook:
                url = cfg.webhook_url(bot.bot_id)
                await set_webhook(bot.api, url, cfg.webhook_secret, bot.label)
            else:
                await drop_webhook(bot.api, bot.label)
                self._pollers.append(
                    asyncio.create_task(self._poll(bot), name=f"zalo-poll:{bot.label}")
                )
        mode = "webhook" if cfg.webhook else "long polling"
        log.info("Zalo Bot channel: %d of %d bots by %s", len(self.bots), len(cfg.bots), mode)

    async def stop(self) -> None:
        """Stop polling, finish the updates already taken, then close the client. A webhook stays
        set, so that another process may go on serving it."""
        self._accepting = False
        for task in self._pollers:
            task.cancel()
        await asyncio.gather(*self._pollers, return_exceptions=True)
        self._pollers.clear()
        await self.inbox.stop(self.config.shutdown_timeout)
        await self._follow_ups.close(self.config.shutdown_timeout)
        if self._session is not None:
            await self._session.close()

    async def settled(self) -> None:
        """Until every update taken so far is handled and answered (tests)."""
        await self._follow_ups.settle(self.inbox)

    async def wait_received(self, count: int) -> None:
        async with self._received_changed:
            await self._received_changed.wait_for(lambda: self.received >= count)

    # -- receiving -------------------------------------------------------------------------------

    def _backoff(self, failures: int) -> float:
        wait = min(self.config.backoff_max, self.config.backoff_base * 2**failures)
        return wait * random.uniform(0.75, 1.0)  # many bots failing together spread apart

    async def _poll(self, bot: _Bot) -> None:
        cfg = self.config
        failures = 0
        while True:
            began = self.clock()
            try:
                if self.clock() < bot.paused_until:
                    await self.sleep(bot.paused_until - self.clock())
                updates = await bot.api.get_updates(cfg.poll_timeout)
            except ZaloRateLimited as e:
                wait = await self._rate_limited(bot)
                log.warning("Zalo bot %s: getUpdates %s; pause %.0f s", bot.label, e, wait)
                continue  # the pause is kept on the bot: the next turn waits it out
            except ZaloApiError as e:
                if e.code == UNAUTHORIZED:  # a bad token will not mend in a second
                    await self._alert(bot, "token")
                    wait = cfg.backoff_max
                else:
                    wait = self._backoff(failures)
                failures += 1
                log.warning("Zalo bot %s: getUpdates %s; retry in %.1f s", bot.label, e, wait)
                await self.sleep(wait)
                continue
            except ZaloTransientError as e:
                wait = self._backoff(failures)
                failures += 1
                log.warning("Zalo bot %s: %s; retry in %.1f s", bot.label, e, wait)
                await self.sleep(wait)
                continue
            failures = 0  # an answer, even an empty poll (408), is health
            self._rate_passed(bot)
            fresh = 0
            for update in updates:
                fresh += await self._store(bot, update)
            # A poll may come back at once, empty or with an update served again: never spin.
            rest = cfg.poll_floor - (self.clock() - began)
            if not fresh and rest > 0:
                await self.sleep(rest)

    async def _store(self, bot: _Bot, update: dict[str, Any]) -> bool:
        """A polled update is Zalo's to give once (there is no offset): keep trying to write it to
        the inbox while the database is away, rather than drop it. True when it was new."""
        failures = 0
        while True:
            try:
                return await self._take(bot, update)
            except Exception as e:
                wait = self._backoff(failures)
                failures += 1
                log.error(
                    "Zalo bot %s: update not stored (%s); retry in %.1f s", bot.bot_id, e, wait
                )
                await self.sleep(wait)

    def web_routes(self) -> list[web.RouteDef]:
        return [web.post(WEBHOOK_ROUTE, self._webhook)] if self.config.webhook else []

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401)
        if not hmac.compare_digest(given.encode(), self.config.webhook_secret.encode()):
            return web.Response(status=403)
        bot = self.bots.get(request.match_info["bot_id"])
        if bot is None:
            return web.Response(status=404)
        raw = await request.read()
        if not raw.strip():
            return web.Response(status=200)  # Zalo's check request during setWebhook
        body = parse_json(raw)
        if body is None:
            return web.Response(status=400)
        # Live deliveries are the update itself; the documentation wraps it in {ok, result}.
        updates = updates_of(body)
        if not updates:
            return web.Response(status=200)  # the check request, or an event not for us
        if not all(chat_of(u) for u in updates):
            return web.Response(status=400)  # a message we cannot read: say so, never 500
        if not self._accepting:
            return web.Response(status=503)  # shutting down: Zalo delivers it again
        for update in updates:
            await self._take(bot, update)
        # In the inbox (committed) before the 200; handled by the inbox worker.
        return web.Response(status=200)

    async def _take(self, bot: _Bot, update: dict[str, Any]) -> bool:
        """Queue the update; False when it is not for us or was seen already."""
        try:
            chat_id = chat_of(update)
            msg = as_dict(update.get("message"))
            sender, chat = as_dict(msg.get("from")), as_dict(msg.get("chat"))
            private = str(chat.get("chat_type") or "PRIVATE").upper() == "PRIVATE"
            if not chat_id or sender.get("is_bot") or not private:
                return False  # the bot works in private chats only
            # No update ids on Zalo, and duplicates happen: the message id is the key (a message
            # without one is keyed by its content).
            message_id = str(msg.get("message_id") or "")
            key = (
                message_id
                or "body:" + hashlib.sha256(json.dumps(update, sort_keys=True).encode()).hexdigest()
            )
            if not await self.inbox.add(bot.bot_id, key, chat_id, update):
                log.info("repeated Zalo message %s:%s ignored", bot.bot_id, key)
                return False
            return True
        finally:
            async with self._received_changed:
                self.received += 1
                self._received_changed.notify_all()

    async def _from_inbox(self, row: InboxRow) -> None:
        bot = self.bots.get(row.account)
        if bot is None:
            log.warning(
                "Zalo bot %s is not running here; its update %s is dropped", row.account, row.id
            )
            return
        await self._process(bot, row.body, row.id)

    async def _process(self, bot: _Bot, update: dict[str, Any], inbox_id: int | None) -> None:
        chat_id = chat_of(update)
        incoming = await self._incoming(bot, chat_id, update, inbox_id)
        if isinstance(incoming, str):
            await self._answer(bot, chat_id, [Reply(incoming)])
        elif incoming is not None:
            await self._answer(bot, chat_id, await self.engine.handle(incoming))

    async def _incoming(
        self, bot: _Bot, chat_id: str, update: dict[str, Any], inbox_id: int | None
    ) -> Incoming | str | None:
        """The update as the engine's Incoming; a text when the adapter answers it itself."""
        msg = as_dict(update.get("message"))
        base: dict[str, Any] = {
            "channel": CHANNEL,
            "account": bot.bot_id,
            "external_id": chat_id,
            "message_id": str(msg.get("message_id") or "") or None,
            "display_name": str(as_dict(msg.get("from")).get("display_name") or "")[:120],
            "inbox_id": inbox_id,
        }
        kind = message_kind(str(update.get("event_name") or ""), msg)
        if kind == "text":
            text = msg.get("text")
            return Incoming(**base, text=text) if isinstance(text, str) and text.strip() else None
        if kind in ("sticker", "voice"):
            return Incoming(**base, unsupported=kind)
        url = photo_url(msg) if kind == "image" else None
        if url is None:
            return Incoming(**base, unsupported="other")
        if not await self._registered(bot, chat_id):
            # Nothing a stranger sends is fetched or kept; the engine explains how to join.
            return Incoming(**base, unsupported="other")
        assert self._session is not None
        photo = await download_image(
            self._session, url, self.config.max_photo_bytes, self.config.download_timeout
        )
        return photo if isinstance(photo, str) else Incoming(**base, photo=photo)

    async def _registered(self, bot: _Bot, chat_id: str) -> bool:
        return await Identity.exists(channel=CHANNEL, account=bot.bot_id, external_id=chat_id)

    # -- sending ---------------------------------------------------------------------------------

    async def deliver(self, external_id: str, account: str, replies: list[Reply]) -> Delivery:
        """For the outbox sender: reach a member through the bot they registered with."""
        bot = self.bots.get(account)
        if bot is None:
            return Delivery(DeliveryStatus.FAILED, f"Zalo bot {account} is not running here")
        for reply in replies:
            delivery = await self._send_reply(bot, external_id, reply)
            if delivery.status != DeliveryStatus.SENT:
                return delivery
            if reply.then is not None:
                delivery = await self.deliver(external_id, account, await reply.then())
                if delivery.status != DeliveryStatus.SENT:
                    return delivery
        return SENT

    async def _answer(self, bot: _Bot, chat_id: str, replies: list[Reply]) -> None:
        """Replies in order; each one's slow work runs in the background and its replies follow
        when ready, so that the chat is not held up meanwhile."""
        for reply in replies:
            if (await self._send_reply(bot, chat_id, reply)).status != DeliveryStatus.SENT:
                return
            if reply.then is not None:
                self._follow_ups.spawn(self._follow_up(bot, chat_id, reply.then))

    async def _follow_up(
        self, bot: _Bot, chat_id: str, then: Callable[[], Awaitable[list[Reply]]]
    ) -> None:
        try:
            replies = await then()
        except Exception:
            log.exception("slow work for Zalo chat %s failed", chat_id)
            replies = [Reply(T.SLOW_WORK_FAILED)]
        await self._answer(bot, chat_id, replies)

    async def _send_reply(self, bot: _Bot, chat_id: str, reply: Reply) -> Delivery:
        for part in split_text(with_file(numbered(reply), reply, self.links)):
            delivery = await self._send_text(bot, chat_id, part)
            if delivery.status != DeliveryStatus.SENT:
                return delivery
        return SENT

    async def _send_text(self, bot: _Bot, chat_id: str, text: str) -> Delivery:
        cfg = self.config
        attempt = 0
        while True:
            pause = bot.paused_until - self.clock()
            if pause > cfg.rate_inline_max:
                return Delivery(DeliveryStatus.QUOTA, f"Zalo bot {bot.bot_id}: slowed down (429)")
            if pause > 0:
                await self.sleep(pause)
            try:
                await bot.api.send_message(chat_id, text)
                break
            except ZaloApiError as e:  # our request was wrong: sending it again will not help
                if e.code == UNAUTHORIZED:
                    await self._alert(bot, "token")
                log.error("Zalo bot %s: sendMessage to %s refused: %s", bot.label, chat_id, e)
                return Delivery(DeliveryStatus.REFUSED, str(e))
            except ZaloRateLimited as e:
                wait = await self._rate_limited(bot)
                if attempt >= cfg.send_retries or wait > cfg.rate_inline_max:
                    return Delivery(DeliveryStatus.QUOTA, str(e))
                attempt += 1
            except ZaloTransientError as e:
                # 403 is Zalo's "internal server error" too: the member is never marked blocked.
                if attempt >= cfg.send_retries:
                    log.warning("Zalo bot %s: gave up sending to %s: %s", bot.label, chat_id, e)
                    return Delivery(DeliveryStatus.FAILED, str(e))
                wait = self._backoff(attempt)
                attempt += 1
                log.warning("Zalo bot %s: %s; retry in %.1f s", bot.label, e, wait)
                await self.sleep(wait)
        self._rate_passed(bot)
        try:
            await self.quota.count(bot.bot_id, bot.account.unit, self.engine.clock())
        except Exception:  # the message went out; a lost count must not fail the delivery
            log.exception("could not count a message of Zalo bot %s", bot.bot_id)
        return SENT

    # -- 429 and the admins ----------------------------------------------------------------------

    async def _rate_limited(self, bot: _Bot) -> float:
        """A 429: pause the bot, longer at each one in a row. The admins hear of it only when
        this month's own count has reached the quota, or the 429s have lasted an hour."""
        cfg = self.config
        now = self.clock()
        if bot.limited_since is None:
            bot.limited_since = now
        wait = min(cfg.rate_backoff_max, cfg.rate_backoff_base * 2**bot.strikes)
        wait *= random.uniform(0.75, 1.0)
        bot.strikes += 1
        bot.paused_until = max(bot.paused_until, now + wait)
        try:
            if await self.quota.sent(bot.bot_id, self.engine.clock()) >= cfg.monthly_quota:
                await self._alert(bot, "exhausted")
            elif now - bot.limited_since >= cfg.rate_alert_after:
                await self._alert(bot, "throttled")
        except Exception:
            log.exception("could not check the quota of Zalo bot %s", bot.bot_id)
        log.warning("Zalo bot %s: 429 (%d in a row); pausing %.0f s", bot.label, bot.strikes, wait)
        return wait

    def _rate_passed(self, bot: _Bot) -> None:
        bot.strikes, bot.limited_since = 0, None
        bot.alerted -= {"exhausted", "throttled"}

    async def _alert(self, bot: _Bot, kind: str) -> None:
        """Tell the admins (once per bot and kind a day or a month: the outbox key decides)."""
        if kind in bot.alerted:
            return
        bot.alerted.add(kind)
        try:
            await self.quota.alert(kind, bot.bot_id, bot.account.unit, self.engine.clock())
        except Exception:
            log.exception("could not tell the admins about Zalo bot %s (%s)", bot.bot_id, kind)


def chat_of(update: dict[str, Any]) -> str:
    """The chat an update belongs to (its sender's id when the chat has none); "" if neither."""
    msg = as_dict(update.get("message"))
    chat, sender = as_dict(msg.get("chat")), as_dict(msg.get("from"))
    value = chat.get("id") or sender.get("id") or ""
    return str(value)[:64] if isinstance(value, str | int) else ""
