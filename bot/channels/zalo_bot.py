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
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web

from bot.channels import Delivery, DeliveryStatus
from bot.channels.bodies import as_dict, parse_json
from bot.channels.queues import FollowUps
from bot.channels.zalo_bot_api import (
    FORBIDDEN,
    QUOTA_EXCEEDED,
    UNAUTHORIZED,
    ZaloApiError,
    ZaloBotApi,
    ZaloTransientError,
    message_kind,
    photo_url,
    updates_of,
)
from bot.channels.zalo_bot_config import WEBHOOK_ROUTE, ZaloBotAccount, ZaloBotConfig
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


@dataclass
class _Bot:
    account: ZaloBotAccount
    api: ZaloBotApi
    quota_until: float = 0.0  # monotonic time until which Zalo said the quota is spent

    @property
    def bot_id(self) -> str:
        return self.account.bot_id


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
        self._session = ClientSession()
        cfg = self.config
        self.inbox.start()  # rows left by the last run first
        for account in cfg.bots:
            bot = _Bot(account, ZaloBotApi(self._session, cfg.base_url, account.token))
            label = f"{bot.bot_id} ({account.unit})" if account.unit else bot.bot_id
            try:
                me = await bot.api.call("getMe")
                name = me.get("account_name", "") if isinstance(me, dict) else ""
                log.info("Zalo bot %s ready: %s", label, name)
            except ZaloApiError as e:
                if e.code == UNAUTHORIZED:
                    log.error("Zalo bot %s: token refused (401), this bot stays off", label)
                    continue
                log.warning("Zalo bot %s: getMe failed (%s)", label, e)
            except ZaloTransientError as e:
                log.warning("Zalo bot %s unreachable for now (%s); will keep trying", label, e)
            self.bots[bot.bot_id] = bot
            if cfg.webhook:
                await self._set_webhook(bot)
            else:
                try:  # polling and webhook are exclusive: a leftover webhook would win
                    await bot.api.call("deleteWebhook")
                except (ZaloApiError, ZaloTransientError) as e:
                    log.debug("Zalo bot %s: deleteWebhook: %s", label, e)
                self._pollers.append(
                    asyncio.create_task(self._poll(bot), name=f"zalo-poll:{label}")
                )
        self._accepting = True
        mode = "webhook" if cfg.webhook else "long polling"
        log.info("Zalo Bot channel: %d of %d bots by %s", len(self.bots), len(cfg.bots), mode)

    async def _set_webhook(self, bot: _Bot) -> None:
        url = self.config.webhook_url(bot.bot_id)
        try:
            await bot.api.call(
                "setWebhook", {"url": url, "secret_token": self.config.webhook_secret}
            )
            log.info("Zalo bot %s: webhook set to %s", bot.bot_id, url)
        except (ZaloApiError, ZaloTransientError) as e:
            log.error("Zalo bot %s: setWebhook failed (%s); it receives nothing", bot.bot_id, e)

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
        failures = 0
        while True:
            try:
                updates = await bot.api.get_updates(self.config.poll_timeout)
            except ZaloApiError as e:
                # A bad token or a spent quota will not mend in a second: wait long.
                long = e.code in (UNAUTHORIZED, QUOTA_EXCEEDED)
                wait = self.config.backoff_max if long else self._backoff(failures)
                failures += 1
                log.warning("Zalo bot %s: getUpdates %s; retry in %.1f s", bot.bot_id, e, wait)
                await self.sleep(wait)
                continue
            except ZaloTransientError as e:
                wait = self._backoff(failures)
                failures += 1
                log.warning("Zalo bot %s: %s; retry in %.1f s", bot.bot_id, e, wait)
                await self.sleep(wait)
                continue
            failures = 0  # an answer, even an empty poll (408), is health
            for update in updates:
                await self._store(bot, update)

    async def _store(self, bot: _Bot, update: dict[str, Any]) -> None:
        """A polled update is Zalo's to give once (there is no offset): keep trying to write it to
        the inbox while the database is away, rather than drop it."""
        failures = 0
        while True:
            try:
                await self._take(bot, update)
                return
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
        if not self._accepting:
            return web.Response(status=503)
        body = parse_json(await request.read())
        if body is None:
            return web.Response(status=400)
        updates = updates_of(body)
        if not all(chat_of(u) for u in updates):
            return web.Response(status=400)  # a message we cannot read: say so, never 500
        for update in updates:
            await self._take(bot, update)
        # In the inbox (committed) before the 200; handled by the inbox worker.
        return web.Response(status=200)

    async def _take(self, bot: _Bot, update: dict[str, Any]) -> None:
        try:
            chat_id = chat_of(update)
            msg = as_dict(update.get("message"))
            sender, chat = as_dict(msg.get("from")), as_dict(msg.get("chat"))
            private = str(chat.get("chat_type") or "PRIVATE").upper() == "PRIVATE"
            if not chat_id or sender.get("is_bot") or not private:
                return  # the bot works in private chats only
            # No update ids on Zalo, and duplicates happen: the message id is the key (a message
            # without one is keyed by its content).
            message_id = str(msg.get("message_id") or "")
            key = (
                message_id
                or "body:" + hashlib.sha256(json.dumps(update, sort_keys=True).encode()).hexdigest()
            )
            if not await self.inbox.add(bot.bot_id, key, chat_id, update):
                log.info("repeated Zalo message %s:%s ignored", bot.bot_id, key)
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
        if self.clock() < bot.quota_until:
            return Delivery(DeliveryStatus.QUOTA, f"Zalo bot {bot.bot_id}: quota spent")
        attempt = 0
        while True:
            try:
                await bot.api.send_message(chat_id, text)
                break
            except ZaloApiError as e:
                return await self._refused(bot, chat_id, e)
            except ZaloTransientError as e:
                if attempt >= self.config.send_retries:
                    log.warning("Zalo bot %s: gave up sending to %s: %s", bot.bot_id, chat_id, e)
                    return Delivery(DeliveryStatus.FAILED, str(e))
                wait = self._backoff(attempt)
                attempt += 1
                log.warning("Zalo bot %s: %s; retry in %.1f s", bot.bot_id, e, wait)
                await self.sleep(wait)
        try:
            await self.quota.count(bot.bot_id, bot.account.unit, self.engine.clock())
        except Exception:  # the message went out; a lost count must not fail the delivery
            log.exception("could not count a message of Zalo bot %s", bot.bot_id)
        return SENT

    async def _refused(self, bot: _Bot, chat_id: str, error: ZaloApiError) -> Delivery:
        if error.code == QUOTA_EXCEEDED:
            # The month's quota is spent (or Zalo throttles): pause this bot, not the process.
            bot.quota_until = self.clock() + self.config.quota_cooldown
            log.warning("Zalo bot %s: quota exceeded (429); pausing its sends", bot.bot_id)
            try:
                await self.quota.exhausted(bot.bot_id, bot.account.unit, self.engine.clock())
            except Exception:
                log.exception("could not report the spent quota of Zalo bot %s", bot.bot_id)
            return Delivery(DeliveryStatus.QUOTA, str(error))
        if error.code == FORBIDDEN:
            # Most likely the user blocked the bot; reminders try their other channel until
            # they write again (the engine then clears the mark).
            marked = await Identity.filter(
                channel=CHANNEL, account=bot.bot_id, external_id=chat_id, blocked_at=None
            ).update(blocked_at=self.engine.clock())
            log.info("Zalo chat %s unreachable (%s); marked blocked: %s", chat_id, error, marked)
            return Delivery(DeliveryStatus.BLOCKED, str(error))
        log.error("Zalo bot %s: sendMessage to %s refused: %s", bot.bot_id, chat_id, error)
        return Delivery(DeliveryStatus.FAILED, str(error))


def chat_of(update: dict[str, Any]) -> str:
    """The chat an update belongs to (its sender's id when the chat has none); "" if neither."""
    msg = as_dict(update.get("message"))
    chat, sender = as_dict(msg.get("chat")), as_dict(msg.get("from"))
    value = chat.get("id") or sender.get("id") or ""
    return str(value)[:64] if isinstance(value, str | int) else ""
