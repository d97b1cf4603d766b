"""The Zalo Official Account channel (Open API v3), for a board that runs a verified OA.

webhook (X-ZEvent-Signature checked on the raw body, timestamp within MAX_EVENT_AGE)
  ─► inbox row (committed) ─► 200;  inbox worker (one user's rows in order) ─► _process
  user_send_text "N:M" ─► a pressed button (Incoming.choice); any other text ─► Incoming.text
  follow / unfollow ─► Identity.blocked_at cleared / set
replies ─► texts with a button template (each button sends its Choice.payload back as text)

Free-form messages reach a user for 48 hours after their last interaction for free, billed from
48 hours to 7 days (a funded Zalo Cloud Account, else -320/-321), then not at all (-230, -232).
`reach` tells the outbox sender which, from Identity.last_seen_at: after 48 hours the member's
other channels go first, after 7 days the OA is not tried. Refusals for good (-227, -244, -218)
are not retried; -32 (about 4,000 requests a minute per app) backs off, and sends are paced
under that rate."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, FormData, web
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from bot.channels import Delivery, DeliveryStatus, Reach
from bot.channels.bodies import as_dict, parse_json
from bot.channels.queues import FollowUps
from bot.channels.zalo_common import download_image, numbered, split_text
from bot.channels.zalo_oa_api import (
    BAD_PARAMETER,
    FREE_WINDOW,
    NO_PAID_ACCOUNT,
    NOT_FOLLOWER,
    OUT_OF_QUOTA,
    OUTSIDE_WINDOW,
    PAID_WINDOW,
    PAYLOAD_RE,
    PERMANENT,
    RATE_LIMITED,
    TOKEN_REFUSED,
    UNSUPPORTED,
    ZaloOAConfig,
    attachment_of,
    event_ms,
    event_time,
    render,
    signature,
    user_of,
)
from bot.channels.zalo_oa_token import OATokenError, OATokens
from bot.downloads import DownloadLinks
from bot.inbox import InboxWorker
from bot.sealing import Sealer
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Incoming, Location, Reply
from handlers.reminders import notify_admins
from models import Identity, ZaloFollow
from models.inbox import InboxRow
from models.periods import VN_TZ

log = logging.getLogger(__name__)

CHANNEL = "zalo_oa"
WEBHOOK_PATH = "/zalo/oa/webhook"
SIGNATURE_HEADER = "X-ZEvent-Signature"
SEND_PATH = "/v3.0/oa/message/cs"
UPLOAD_PATH = "/v2.0/oa/upload/file"
UPLOAD_TYPES = (".pdf", ".doc", ".docx")  # other files (an .xlsx export) go as a link
UPLOAD_MAX = 5 * 1024 * 1024
UPLOAD_KEEP = timedelta(days=6)  # Zalo keeps an uploaded file's token 7 days
# An event signed longer ago than this is refused, so that a captured one cannot be replayed
# (events without msg_id have no other key). Zalo's own retries come within the first minutes.
MAX_EVENT_AGE = 600.0
SENT = Delivery(DeliveryStatus.SENT)


class _Transient(Exception):
    pass


class ZaloOAChannel:
    name = CHANNEL

    def __init__(
        self,
        engine: Engine,
        config: ZaloOAConfig,
        links: DownloadLinks | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        sealer: Sealer | None = None,
    ) -> None:
        self.engine = engine
        self.config = config
        self.links = links
        self.sleep = sleep
        self.clock = clock
        self.wall = wall
        self.sealer = sealer or Sealer()
        self.tokens: OATokens | None = None
        self._next_slot = 0.0  # monotonic time of the next request the pace allows
        self._paused_until = 0.0  # after a -32: every send waits until then
        self._paid_refused_until = 0.0  # after a -320/-321: no billed sends until then
        self.received = 0
        self._received_changed = asyncio.Condition()
        self._session: ClientSession | None = None
        self.inbox = InboxWorker(CHANNEL, self._from_inbox, capacity=config.max_parallel)
        self._follow_ups = FollowUps()
        self._accepting = False
        # One upload per file for all its recipients (Zalo allows about 5,000 a month).
        self._uploads: dict[Path, tuple[str, datetime]] = {}
        self._upload_lock = asyncio.Lock()

    # -- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        cfg = self.config
        self._session = ClientSession()
        self.tokens = OATokens(
            self._session,
            cfg.oa_id,
            cfg.app_id,
            cfg.app_secret,
            cfg.oauth_url,
            clock=self.engine.clock,
            timeout=cfg.request_timeout,
            seed_refresh_token=cfg.refresh_token,
            seed_access_token=cfg.access_token,
            sealer=self.sealer,
        )
        try:
            await self.tokens.ensure_row()
        except OATokenError as e:
            log.error("Zalo OA %s cannot send: %s", cfg.oa_id, e)
        self.inbox.start()  # rows left by the last run first
        self._accepting = True
        log.info("Zalo OA channel for OA %s: webhook at %s", cfg.oa_id, WEBHOOK_PATH)

    async def stop(self) -> None:
        self._accepting = False
        await self.inbox.stop(self.config.shutdown_timeout)
        await self._follow_ups.close(self.config.shutdown_timeout)
        if self._session is not None:
            await self._session.close()

    async def settled(self) -> None:
        """Until every event taken so far is handled and answered (tests)."""
        await self._follow_ups.settle(self.inbox)

    # -- receiving -------------------------------------------------------------------------------

    def web_routes(self) -> list[web.RouteDef]:
        return [web.post(WEBHOOK_PATH, self._webhook)]

    async def _webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SIGNATURE_HEADER)
        if given is None:
            return web.Response(status=401)
        raw = await request.read()  # the signature covers these bytes, not re-serialised JSON
        event = parse_json(raw)
        if not isinstance(event, dict):
            return web.Response(status=400)
        given = given.strip()
        if given[:4].lower() == "mac=":
            given = given[4:].strip()
        cfg = self.config
        expected = signature(cfg.app_id, raw, str(event.get("timestamp", "")), cfg.oa_secret_key)
        if not hmac.compare_digest(given.lower().encode(), expected.encode()):
            return web.Response(status=403)
        if any(
            key in event and not isinstance(event[key], dict)
            for key in ("sender", "recipient", "message", "follower")
        ):
            return web.Response(status=400)  # signed, but not an event we can read
        try:
            age = self.wall() - int(str(event.get("timestamp")).strip()) / 1000
        except (ValueError, OverflowError):
            return web.Response(status=400)
        if abs(age) > MAX_EVENT_AGE:
            log.warning("Zalo OA event signed %.0f s away from now refused", age)
            return web.Response(status=403)
        if not self._accepting:
            return web.Response(status=503)  # Zalo retries later
        await self._take(event, raw)
        # In the inbox (committed) within Zalo's 2 s; handled by the inbox worker.
        return web.Response(status=200)

    async def _take(self, event: dict[str, Any], raw: bytes) -> None:
        try:
            name = str(event.get("event_name") or "")
            oa = str(as_dict(event.get("recipient")).get("id") or event.get("oa_id") or "")
            if oa and oa != self.config.oa_id:
                log.warning("Zalo OA event for another OA (%s) ignored", oa)
                return
            # The OA's own messages, seen receipts and the like come here too: not for us.
            if not (name.startswith("user_send_") or name in ("follow", "unfollow")):
                return
            user_id = user_of(event)
            if not user_id:
                return
            # Zalo posts an event again when unsure it arrived: msg_id is the key; a follow carries
            # none (keyed by follower and event time), any other such event by its signed bytes.
            msg_id = str(as_dict(event.get("message")).get("msg_id") or "")
            if not msg_id and name in ("follow", "unfollow"):
                msg_id = f"{name}:{user_id}:{event.get('timestamp')}"
            key = msg_id or "body:" + hashlib.sha256(raw).hexdigest()
            if not await self.inbox.add(self.config.oa_id, key, user_id[:64], event):
                log.info("repeated Zalo OA event %s ignored", key)
        finally:
            async with self._received_changed:
                self.received += 1
                self._received_changed.notify_all()

    async def wait_received(self, count: int) -> None:
        async with self._received_changed:
            await self._received_changed.wait_for(lambda: self.received >= count)

    def _identity(self, user_id: str) -> Any:
        return Identity.filter(channel=CHANNEL, account=self.config.oa_id, external_id=user_id)

    async def _from_inbox(self, row: InboxRow) -> None:
        await self._process(row.body, row.id)

    async def _process(self, event: dict[str, Any], inbox_id: int | None = None) -> None:
        name, user_id = str(event.get("event_name")), user_of(event)
        now = self.engine.clock()
        if name == "unfollow":
            marked = await self._identity(user_id).filter(blocked_at=None).update(blocked_at=now)
            log.info("Zalo OA user %s unfollowed; marked blocked: %s", user_id, marked)
            return
        if name == "follow":
            await (
                self._identity(user_id).filter(blocked_at__not_isnull=True).update(blocked_at=None)
            )
            await self._seen_at(user_id, event, now)
            if await self._identity(user_id).exists() or not await self._first_follow(
                user_id, event, now
            ):
                return
            # A newcomer: the engine greets them and explains how to join.
            event = {**event, "message": {"text": "/start"}, "event_name": "user_send_text"}
        incoming = await self._incoming(user_id, event, inbox_id)
        replies: list[Reply] = []
        if isinstance(incoming, str):
            replies = [Reply(incoming)]
        elif incoming is not None:
            replies = await self.engine.handle(incoming)
        await self._seen_at(user_id, event, now)  # after the turn: a newcomer exists by now
        await self._answer(user_id, replies)

    async def _seen_at(self, user_id: str, event: dict[str, Any], now: datetime) -> None:
        """The user interacted: the OA's 48-hour and 7-day windows start again."""
        when = min(event_time(event) or now, now)  # a retried event keeps its first time
        later = Q(last_seen_at=None) | Q(last_seen_at__lt=when)
        await self._identity(user_id).filter(later).update(last_seen_at=when)

    async def _first_follow(self, user_id: str, event: dict[str, Any], now: datetime) -> bool:
        """True for the first delivery of this follow event, in any process."""
        stamp = event_ms(event) or int(now.timestamp() * 1000)
        try:
            await ZaloFollow.create(oa_id=self.config.oa_id, user_id=user_id, event_time=stamp)
        except IntegrityError:
            log.info("follow of Zalo OA user %s at %d greeted already", user_id, stamp)
            return False
        return True

    def reach(self, last_seen: datetime, now: datetime) -> Reach:
        """For the outbox sender: may the OA message a user who last interacted at `last_seen`?"""
        silent = now - last_seen
        if silent > PAID_WINDOW:
            return Reach.NEVER
        if silent > FREE_WINDOW:
            # Billed: only when the member has no other way, and not while Zalo says unfunded.
            return Reach.NEVER if self.clock() < self._paid_refused_until else Reach.LATER
        return Reach.FREE

    async def _incoming(
        self, user_id: str, event: dict[str, Any], inbox_id: int | None
    ) -> Incoming | str | None:
        name = str(event.get("event_name"))
        msg = as_dict(event.get("message"))
        base: dict[str, Any] = {
            "channel": CHANNEL,
            "account": self.config.oa_id,
            "external_id": user_id,
            "message_id": str(msg.get("msg_id") or "") or None,
            "inbox_id": inbox_id,
        }
        if name == "user_send_text":
            text = msg.get("text")
            if not isinstance(text, str) or not text.strip():
                return None
            # A pressed button sends its payload as text (unsure: the same event as typing).
            if PAYLOAD_RE.fullmatch(text.strip()):
                return Incoming(**base, choice=text.strip())
            return Incoming(**base, text=text)
        payload = attachment_of(event)
        if name == "user_send_location":
            where = payload.get("coordinates") or payload
            try:
                location = Location(float(where["latitude"]), float(where["longitude"]))
            except (KeyError, TypeError, ValueError):
                return Incoming(**base, unsupported="other")
            return Incoming(**base, location=location)
        if name != "user_send_image" or not isinstance(payload.get("url"), str):
            return Incoming(**base, unsupported=UNSUPPORTED.get(name, "other"))
        if not await self._identity(user_id).exists():
            return Incoming(**base, unsupported="other")  # a stranger's photo is not fetched
        assert self._session is not None
        photo = await download_image(
            self._session, payload["url"], self.config.max_photo_bytes, self.config.download_timeout
        )
        return photo if isinstance(photo, str) else Incoming(**base, photo=photo)

    # -- sending ---------------------------------------------------------------------------------

    async def deliver(self, external_id: str, account: str, replies: list[Reply]) -> Delivery:
        """For the outbox sender. OUTSIDE_WINDOW: the user has been silent for over 7 days."""
        if account != self.config.oa_id:
            return Delivery(DeliveryStatus.FAILED, f"Zalo OA {account} is not this OA")
        for reply in replies:
            delivery = await self._send_reply(external_id, reply)
            if delivery.status != DeliveryStatus.SENT:
                return delivery
            if reply.then is not None:
                delivery = await self.deliver(external_id, account, await reply.then())
                if delivery.status != DeliveryStatus.SENT:
                    return delivery
        return SENT

    async def _answer(self, user_id: str, replies: list[Reply]) -> None:
        for reply in replies:
            if (await self._send_reply(user_id, reply)).status != DeliveryStatus.SENT:
                return
            if reply.then is not None:
                self._follow_ups.spawn(self._follow_up(user_id, reply.then))

    async def _follow_up(self, user_id: str, then: Callable[[], Awaitable[list[Reply]]]) -> None:
        try:
            replies = await then()
        except Exception:
            log.exception("slow work for Zalo OA user %s failed", user_id)
            replies = [Reply(T.SLOW_WORK_FAILED)]
        await self._answer(user_id, replies)

    async def _send_reply(self, user_id: str, reply: Reply) -> Delivery:
        """The reply's messages; a PDF or DOCX it carries as a file message after them (a link
        when the upload is refused)."""
        token = await self._file_token(reply.file) if reply.file is not None else None
        if token is not None:
            reply = replace(reply, file=None)
        delivery = await self._send_messages(user_id, reply)
        if token is not None and delivery.status == DeliveryStatus.SENT:
            message = {"attachment": {"type": "file", "payload": {"token": token}}}
            delivery = await self._send(user_id, message)
        return delivery

    async def _file_token(self, path: Path) -> str | None:
        if path.suffix.lower() not in UPLOAD_TYPES:
            return None
        async with self._upload_lock:
            now = self.engine.clock()
            kept = self._uploads.get(path)
            if kept is not None and kept[1] > now:
                return kept[0]
            token = await self._upload(path)
            if token is not None:
                self._uploads[path] = (token, now + UPLOAD_KEEP)
            return token

    async def _upload(self, path: Path) -> str | None:
        assert self._session is not None and self.tokens is not None
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as e:
            log.error("Zalo OA: cannot read %s: %s", path.name, e)
            return None
        if len(content) > UPLOAD_MAX:
            return None
        form = FormData()
        form.add_field("file", content, filename=path.name, content_type="application/octet-stream")
        try:
            access = await self.tokens.access_token()
            async with self._session.post(
                self.config.api_url.rstrip("/") + UPLOAD_PATH,
                data=form,
                headers={"access_token": access},
                timeout=ClientTimeout(total=self.config.request_timeout),
            ) as r:
                answer = await r.json(content_type=None)
        except (OATokenError, ClientError, TimeoutError, ValueError) as e:
            log.warning("Zalo OA: upload of %s failed: %s", path.name, type(e).__name__)
            return None
        token = (
            ((answer or {}).get("data") or {}).get("token") if isinstance(answer, dict) else None
        )
        if not token or int(answer.get("error") or 0) != 0:
            log.warning("Zalo OA: upload of %s refused: %s", path.name, answer)
            return None
        return str(token)

    async def _send_messages(self, user_id: str, reply: Reply) -> Delivery:
        for message in render(reply, self.links, self.config.max_buttons):
            delivery = await self._send(user_id, message)
            refused = delivery.detail.partition(" ")[0] == str(BAD_PARAMETER)
            if refused and "attachment" in message:
                # Zalo did not take the buttons (their number or form): a numbered list instead.
                text = message["text"].removesuffix("\n" + reply.nav_words)
                text = numbered(Reply(text, reply.choices))
                delivery = await self._send(user_id, {"text": split_text(text)[-1]})
            if delivery.status != DeliveryStatus.SENT:
                return delivery
        return SENT

    async def _send(self, user_id: str, message: dict[str, Any]) -> Delivery:
        assert self.tokens is not None
        cfg = self.config
        body = {"recipient": {"user_id": user_id}, "message": message}
        attempt, renewed = 0, False
        while True:
            try:
                token = await self.tokens.access_token()
                await self._pace()
                answer = await self._post(token, body)
            except OATokenError as e:
                return Delivery(DeliveryStatus.FAILED, str(e))
            except _Transient as e:
                if attempt >= cfg.send_retries:
                    log.warning("Zalo OA: gave up sending to %s: %s", user_id, e)
                    return Delivery(DeliveryStatus.FAILED, str(e))
                wait = min(cfg.backoff_max, cfg.backoff_base * 2**attempt)
                attempt += 1
                await self.sleep(wait * random.uniform(0.75, 1.0))
                continue
            error = int(answer.get("error") or 0)
            if error == 0:
                return SENT
            if error in TOKEN_REFUSED and not renewed:
                renewed = True  # expired early or revoked: refresh once, then try again
                try:
                    await self.tokens.renew(token)
                except OATokenError as e:
                    return Delivery(DeliveryStatus.FAILED, str(e))
                continue
            if error == RATE_LIMITED and attempt < cfg.send_retries:
                # Over the app's requests a minute: every send of this process waits.
                wait = min(cfg.backoff_max * 4, cfg.rate_backoff_base * 2**attempt)
                attempt += 1
                self._paused_until = max(self._paused_until, self.clock() + wait)
                log.warning("Zalo OA: -32 (rate limit); pausing sends %.0f s", wait)
                continue
            return await self._refused(user_id, error, str(answer.get("message") or ""))

    async def _pace(self) -> None:
        """Requests spaced to stay under the app's limit a minute (and after a -32, paused)."""
        now = self.clock()
        slot = max(now, self._next_slot, self._paused_until)
        self._next_slot = slot + 60.0 / self.config.requests_per_minute
        if slot > now:
            await self.sleep(slot - now)

    async def _post(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        assert self._session is not None
        try:
            async with self._session.post(
                self.config.api_url.rstrip("/") + SEND_PATH,
                json=body,
                headers={"access_token": token},
                timeout=ClientTimeout(total=self.config.request_timeout),
            ) as r:
                if r.status >= 500:
                    raise _Transient(f"HTTP {r.status}")
                answer = await r.json(content_type=None)
        except (ClientError, TimeoutError, ValueError) as e:
            raise _Transient(type(e).__name__) from None
        if not isinstance(answer, dict):
            raise _Transient("not a JSON object")
        return answer

    async def _refused(self, user_id: str, error: int, message: str) -> Delivery:
        detail = f"{error} {message}".strip()
        if error in OUTSIDE_WINDOW:
            log.info("Zalo OA user %s is outside the 7-day window (%s)", user_id, detail)
            return Delivery(DeliveryStatus.OUTSIDE_WINDOW, detail)
        if error in NO_PAID_ACCOUNT:
            # Past 48 hours a message is billed, and no funded Zalo Cloud Account pays for it:
            # billed sends stop for a while, the member's other channels carry the message.
            self._paid_refused_until = self.clock() + self.config.paid_refused_pause
            await self._tell_admins_once(error)
            return Delivery(DeliveryStatus.OUTSIDE_WINDOW, detail)
        if error in PERMANENT or error == BAD_PARAMETER:
            log.warning("Zalo OA: send to %s refused for good: %s", user_id, detail)
            return Delivery(DeliveryStatus.REFUSED, detail)
        if error == NOT_FOLLOWER:
            now = self.engine.clock()
            await self._identity(user_id).filter(blocked_at=None).update(blocked_at=now)
            return Delivery(DeliveryStatus.BLOCKED, detail)
        if error == RATE_LIMITED:
            return Delivery(DeliveryStatus.QUOTA, detail)  # still -32 after backing off: later
        if error == OUT_OF_QUOTA:
            log.warning("Zalo OA %s: out of message quota (%s)", self.config.oa_id, detail)
            return Delivery(DeliveryStatus.QUOTA, detail)
        log.warning("Zalo OA: send to %s refused: %s", user_id, detail)
        return Delivery(DeliveryStatus.FAILED, detail)

    async def _tell_admins_once(self, error: int) -> None:
        now = self.engine.clock()
        month = now.astimezone(VN_TZ).strftime("%Y-%m")
        key = f"zalo_oa:{self.config.oa_id}:no-paid-account:{month}"  # once a month at most
        text = T.ZL_OA_NO_PAID_ACCOUNT.format(oa=self.config.oa_id, code=error)
        log.warning(
            "Zalo OA %s: %d, no paid account for messages after 48 h", self.config.oa_id, error
        )
        try:
            await notify_admins(key, text, now)
        except Exception:
            log.exception("could not tell the admins: Zalo OA %s, %d", self.config.oa_id, error)
