"""The Telegram channel: updates from the Bot API (long polling, or a webhook on the project's web
server) become `Incoming`; the engine's replies become messages with inline keyboards.

update (webhook or poll) ─► _take (private chats only) ─► inbox row (committed) ─► 200 / offset
inbox worker (one chat's rows in order) ─► _process
  _process: answer the button press ─► download a photo ─► engine.handle ─► send_replies
  send_replies: render (telegram_render) ─► paced, retried Bot API calls (telegram_send)
The outbox sender reaches Telegram users through `deliver` (bot.channels.Deliverer).

PTB is used for its client and types only: conversation state stays in the engine, and the
polls are ours, so that an offset is confirmed only once its updates are in the inbox."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from aiohttp import web
from telegram import BotCommand, CallbackQuery, InputFile, Message, PhotoSize, Update
from telegram.constants import ChatType
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.channels import Delivery, DeliveryStatus
from bot.channels.bodies import parse_json
from bot.channels.queues import FollowUps, remember
from bot.channels.telegram_config import (
    ALLOWED_UPDATES,
    CHANNEL,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramConfig,
)
from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_render import (
    BUTTON_COMMANDS,
    CONTACT_KEYBOARD,
    MENU_KEYBOARD,
    Outgoing,
    plan,
    with_pressed,
)
from bot.channels.telegram_send import Pacer, Sleep
from bot.inbox import InboxWorker
from handlers import texts as T
from handlers.directive_input import DOCX, PDF
from handlers.engine import Engine
from handlers.messages import Document, Incoming, Location, Photo, Reply
from models import Identity
from models.inbox import InboxRow

log = logging.getLogger(__name__)

MAX_DOWNLOAD = 20 * 1024 * 1024  # getFile serves at most 20 MB
DOCUMENT_MIMES = {PDF, DOCX}  # a directive's file, sent by its issuer
SEEN_UPDATES = 10_000
SENT = Delivery(DeliveryStatus.SENT)


class TelegramChannel:
    name = CHANNEL

    def __init__(
        self,
        engine: Engine,
        config: TelegramConfig,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.config = config
        self.pacer = Pacer(config.send, sleep=sleep, clock=clock)
        self._sleep = sleep
        timeout = config.request_timeout
        builder = (
            ApplicationBuilder()
            .token(config.token)
            .base_url(config.base_url)
            .base_file_url(config.base_file_url)
            .rate_limiter(self.pacer)
            .job_queue(None)
            .request(AiohttpRequest(timeout))
            # getUpdates holds its connection for the long-poll timeout on top of the read one
            .get_updates_request(AiohttpRequest(timeout + config.poll_timeout, connections=1))
            .updater(None)  # updates come through the inbox: our webhook route or our polls
        )
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.inbox = InboxWorker(CHANNEL, self._from_inbox, capacity=config.max_parallel)
        self._poller: asyncio.Task[None] | None = None
        self._follow_ups = FollowUps()
        # Chats that have the persistent menu keyboard (since this process started).
        self._has_menu: OrderedDict[int, None] = OrderedDict()
        self._accepting = False

    @property
    def bot(self) -> Any:
        return self.application.bot

    # -- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = self.application
        await app.initialize()  # getMe: a wrong token fails here
        self.inbox.start()  # rows left by the last run first
        try:
            await self._start(app)
        except BaseException:
            await self.inbox.stop(0)
            await app.shutdown()
            raise
        self._accepting = True

    async def _start(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        try:
            await self.bot.set_my_commands([BotCommand(c, d) for c, d in T.TG_COMMANDS.items()])
        except TelegramError as e:
            log.warning("could not set the bot's command menu: %s", e)
        if self.config.webhook:
            await self.bot.set_webhook(
                self.config.webhook_url,
                secret_token=self.config.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("Telegram webhook set to %s", self.config.webhook_url)
        else:
            await self.bot.delete_webhook()  # a webhook left set would make getUpdates fail
            self._poller = asyncio.create_task(self._poll(), name="telegram-poll")
            log.info("Telegram long polling started as @%s", self.bot.username)

    async def stop(self) -> None:
        """Stop taking updates, finish those already taken, then close the client. The webhook
        stays set: Telegram keeps updates for 24 h and another process may serve them."""
        self._accepting = False
        if self._poller is not None:
            self._poller.cancel()  # its last updates are in the inbox; their offset unconfirmed
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        await self.inbox.stop(self.config.shutdown_timeout)
        await self._follow_ups.close(self.config.shutdown_timeout)
        await self.application.shutdown()

    async def settled(self) -> None:
        """Wait until every update received so far is handled and answered (tests, bench)."""
        await self._follow_ups.settle(self.inbox)

    # -- receiving -------------------------------------------------------------------------------

    def web_routes(self) -> list[web.RouteDef]:
        return [web.post(WEBHOOK_PATH, self._webhook)] if self.config.webhook else []

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401)
        if not hmac.compare_digest(given.encode(), self.config.webhook_secret.encode()):
            return web.Response(status=403)
        if not self._accepting:
            return web.Response(status=503)  # Telegram will deliver it again
        data = parse_json(await request.read())
        if not isinstance(data, dict) or self._parse(data) is None:
            return web.Response(status=400)
        # In the inbox (committed) before the 200: "received" means "will be handled".
        await self._take(data)
        return web.Response(status=200)

    def _parse(self, data: dict[str, Any]) -> Update | None:
        try:
            update = Update.de_json(data, self.bot)
        except Exception:  # any shape PTB cannot read is a malformed body: 400, never 500
            return None
        return update if isinstance(update.update_id, int) else None

    async def _take(self, data: dict[str, Any]) -> None:
        update = self._parse(data)
        if update is None:
            return
        user, chat = update.effective_user, update.effective_chat
        if user is None or user.is_bot or chat is None or chat.type != ChatType.PRIVATE:
            return  # the bot works in private chats only
        if not await self.inbox.add("", str(update.update_id), str(user.id), data):
            log.info("repeated update %s ignored", update.update_id)

    async def _poll(self) -> None:
        """getUpdates with the offset after the last update stored: Telegram forgets an update
        only once it is in the inbox."""
        offset: int | None = None
        failures = 0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset,
                    timeout=int(self.config.poll_timeout),
                    allowed_updates=ALLOWED_UPDATES,
                )
                for update in updates:
                    await self._take(update.to_dict())
            except asyncio.CancelledError:
                raise
            except Exception as e:  # the Bot API, or the inbox: the offset stays, all come again
                wait = min(30.0, 0.5 * 2**failures)
                failures += 1
                log.warning("Telegram updates not taken (%s); retry in %.1f s", e, wait)
                await self._sleep(wait)
                continue
            failures = 0
            if updates:
                offset = updates[-1].update_id + 1

    async def _from_inbox(self, row: InboxRow) -> None:
        update = self._parse(row.body)
        if update is not None:
            await self._process(update, row.id)

    async def _process(self, update: Update, inbox_id: int | None = None) -> None:
        assert update.effective_chat is not None
        chat_id = update.effective_chat.id
        query = update.callback_query
        # Always answer a press, or the user's client shows a spinner on the button; alongside
        # the turn, so that it adds no round trip before the reply.
        answering = asyncio.create_task(self._answer(query)) if query is not None else None
        try:
            incoming = await self._incoming(update, inbox_id)
            if incoming is None:
                return
            if isinstance(incoming, str):
                await self.send_replies(chat_id, [Reply(incoming)])
                return
            replies = await self.engine.handle(incoming)
            if query is not None and replies and isinstance(query.message, Message):
                replies = await self._after_press(query.message, query.data or "", replies)
            await self.send_replies(chat_id, replies)
        finally:
            if answering is not None:
                await answering

    async def _answer(self, query: CallbackQuery) -> None:
        try:
            await query.answer()
        except TelegramError as e:
            log.debug("answerCallbackQuery failed: %s", e)

    async def _incoming(self, update: Update, inbox_id: int | None) -> Incoming | str | None:
        """The update as the engine's Incoming; a text when the adapter answers it itself."""
        user = update.effective_user
        assert user is not None
        base: dict[str, Any] = {
            "channel": CHANNEL,
            "external_id": str(user.id),
            "display_name": user.full_name[:120],
            "inbox_id": inbox_id,
        }
        query = update.callback_query
        if query is not None:
            if not query.data:
                return None
            return Incoming(**base, choice=query.data, message_id=f"cb:{query.id}")
        msg = update.message
        if msg is None:
            return None
        base["message_id"] = str(msg.message_id)
        if msg.text is not None:
            return Incoming(**base, text=self._command_text(msg.text))
        if msg.contact is not None:
            if msg.contact.user_id == user.id:
                return Incoming(**base, contact_phone=msg.contact.phone_number)
            if await self._registered(user.id):
                return Incoming(**base, unsupported="other")
            return T.TG_CONTACT_NOT_OWN
        if msg.photo:
            largest = max(msg.photo, key=lambda p: (p.width * p.height, p.file_size or 0))
            return await self._photo(base, largest, "image/jpeg", as_file=False)
        if msg.location is not None:
            return Incoming(
                **base, location=Location(msg.location.latitude, msg.location.longitude)
            )
        if msg.sticker is not None:
            return Incoming(**base, unsupported="sticker")
        if msg.voice is not None or msg.audio is not None:
            return Incoming(**base, unsupported="voice")
        # An animation also carries a document: look at it first.
        if msg.video is not None or msg.video_note is not None or msg.animation is not None:
            return Incoming(**base, unsupported="video")
        if msg.document is not None:
            mime = msg.document.mime_type or ""
            if mime.startswith("image/"):
                return await self._photo(base, msg.document, mime, as_file=True)
            name = msg.document.file_name or ""
            if mime in DOCUMENT_MIMES or name.lower().endswith((".pdf", ".docx")):
                return await self._photo(base, msg.document, mime, as_file=True, name=name)
            return Incoming(**base, unsupported="file")
        return Incoming(**base, unsupported="other")

    def _command_text(self, text: str) -> str:
        if text in BUTTON_COMMANDS:
            return BUTTON_COMMANDS[text]
        if text.startswith("/"):  # "/start@ten_bot CODE" → "/start CODE"
            head, sep, rest = text.partition(" ")
            command, _, mention = head.partition("@")
            if mention and mention.lower() == (self.bot.username or "").lower():
                return command + sep + rest
        return text

    async def _photo(
        self,
        base: dict[str, Any],
        media: PhotoSize | Any,
        mime: str,
        *,
        as_file: bool,
        name: str | None = None,
    ) -> Incoming | str:
        """An image (or, given its `name`, a PDF or DOCX document) downloaded for the engine."""
        if not await self._registered(int(base["external_id"])):
            # Nothing a stranger sends is fetched or kept; the engine explains how to join.
            return Incoming(**base, unsupported="other")
        if (media.file_size or 0) > MAX_DOWNLOAD:
            return T.TG_FILE_TOO_BIG
        try:
            tg_file = await self.bot.get_file(media.file_id)
            if (tg_file.file_size or 0) > MAX_DOWNLOAD:
                return T.TG_FILE_TOO_BIG
            content = await self.pacer.retrying(
                lambda: tg_file.download_as_bytearray(read_timeout=self.config.download_timeout),
                what="file download",
            )
        except TelegramError as e:
            log.warning("could not download %s: %s", media.file_id, e)
            return T.TG_DOWNLOAD_FAILED
        if len(content) > MAX_DOWNLOAD:
            return T.TG_FILE_TOO_BIG
        if name is not None:
            return Incoming(**base, document=Document(bytes(content), name, mime))
        return Incoming(**base, photo=Photo(bytes(content), mime, as_file))

    async def _registered(self, user_id: int) -> bool:
        return await Identity.exists(channel=CHANNEL, account="", external_id=str(user_id))

    # -- sending ---------------------------------------------------------------------------------

    async def deliver(self, external_id: str, account: str, replies: list[Reply]) -> Delivery:
        """The outbox sender's way in (bot.channels.Deliverer): reminders and digests."""
        return await self.send_replies(int(external_id), replies)

    async def send_replies(self, chat_id: int, replies: list[Reply]) -> Delivery:
        """Send replies in order, stopping at the first that fails; each one's slow work (`then`)
        runs in the background and its replies follow when ready, so the chat is not held up."""
        for reply in replies:
            delivery = await self._send_reply(chat_id, reply)
            if delivery.status != DeliveryStatus.SENT:
                return delivery
            if reply.then is not None:
                self._follow_ups.spawn(self._follow_up(chat_id, reply.then))
        return SENT

    async def _follow_up(self, chat_id: int, then: Callable[[], Awaitable[list[Reply]]]) -> None:
        try:
            replies = await then()
        except Exception:
            log.exception("slow work for chat %s failed", chat_id)
            replies = [Reply(T.SLOW_WORK_FAILED)]
        await self.send_replies(chat_id, replies)

    async def _send_reply(self, chat_id: int, reply: Reply) -> Delivery:
        extra, contact = None, False
        if reply.main_menu and chat_id not in self._has_menu:
            extra = MENU_KEYBOARD
        elif (
            not reply.choices
            and not reply.main_menu
            and reply.file is None
            and not await self._registered(chat_id)
        ):
            extra, contact = CONTACT_KEYBOARD, True  # a stranger: offer to share the phone
        outgoing, attached = plan(reply, extra)
        for out in outgoing:
            delivery = await self._send(chat_id, out)
            if delivery.status != DeliveryStatus.SENT:
                return delivery
        if attached and contact:
            self._has_menu.pop(chat_id, None)  # the contact keyboard replaced the menu
        elif attached:
            remember(self._has_menu, chat_id, 100_000)
        return SENT

    async def _send(self, chat_id: int, out: Outgoing) -> Delivery:
        params: dict[str, Any] = {"chat_id": chat_id}
        if out.markup is not None:
            params["reply_markup"] = json.dumps(out.markup, ensure_ascii=False)
        try:
            if out.document is not None:
                with out.document.open("rb") as f:
                    params["document"] = InputFile(f, filename=out.document.name)
                if out.text:
                    params["caption"] = out.text
                await self._call("senddocument", params)
            else:
                params["text"] = out.text
                await self._call("sendmessage", params)
        except Forbidden as e:
            await self._mark_blocked(chat_id, e)
            return Delivery(DeliveryStatus.BLOCKED, str(e))
        except TelegramError as e:  # what is left after the pacer's retries
            log.warning("could not send to chat %s: %s", chat_id, e)
            return Delivery(DeliveryStatus.FAILED, f"{type(e).__name__}: {e}")
        return SENT

    async def _call(self, endpoint: str, params: dict[str, Any]) -> Any:
        """A Bot API call through PTB's client (paced and retried by the Pacer, errors as PTB's
        exceptions) whose answer is not turned into PTB objects: send_message would rebuild the
        sent message, keyboard and all, from the answer and then drop it. That was about half the
        cost of a send (bench/telegram_bench.py).

        `endpoint` is written in lower case: Bot API method names are case-insensitive, and
        do_api_request warns when given the name of a method PTB wraps ("sendMessage")."""
        return await self.bot.do_api_request(endpoint, api_kwargs=params)

    async def _after_press(self, message: Message, data: str, replies: list[Reply]) -> list[Reply]:
        """Telegram shows nothing in the chat for a button press, so the reply starts with the
        chosen label. A stale press instead loses the old message's buttons. (Editing every
        pressed message would cost a Bot API call per press out of the 30/s budget.)"""
        markup = message.reply_markup
        if markup is None:
            return replies
        if replies[0].text.startswith(T.STALE_BUTTON):
            try:
                await self.bot.edit_message_reply_markup(
                    chat_id=message.chat_id, message_id=message.message_id, reply_markup=None
                )
            except Forbidden as e:
                await self._mark_blocked(message.chat_id, e)
            except TelegramError as e:
                log.debug("could not remove stale buttons: %s", e)
            return replies
        label = next(
            (b.text for row in markup.inline_keyboard for b in row if b.callback_data == data),
            None,
        )
        if label is None:
            return replies
        return [replace(replies[0], text=with_pressed(replies[0].text, label)), *replies[1:]]

    async def _mark_blocked(self, chat_id: int, error: Forbidden) -> None:
        """403: the user blocked the bot (or deleted their account); reminders skip them until
        they write again (the engine clears the mark)."""
        marked = await Identity.filter(
            channel=CHANNEL, account="", external_id=str(chat_id), blocked_at=None
        ).update(blocked_at=self.engine.clock())
        log.info("chat %s unreachable (%s); identity marked blocked: %s", chat_id, error, marked)
