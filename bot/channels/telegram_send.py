"""How the Telegram channel talks to the Bot API: paced and retried.

PTB's AIORateLimiter keeps 30 messages/s overall but not 1 message/s per private chat and does not
retry network errors, so the channel plugs this limiter into PTB instead. It sees every request of
the bot (except getUpdates, which PTB's Updater retries itself)."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

R = TypeVar("R")
WINDOW = 1.02  # seconds: Telegram's per-second limit, with a margin for network jitter
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class SendPolicy:
    """Telegram's published limits (about 30 messages/s per bot, about 1/s per private chat with
    short bursts allowed) and how patiently to retry. Tests shorten the delays; the bench lifts the
    rates to measure the bot rather than the limits."""

    # Just under 30/s and without bursts: 30 at once on top of the steady rate would put 60 in
    # one second, past a strict per-second cap (bench/reminder_send.py: 0 refusals at 97%).
    overall_per_second: float = 29.0
    overall_burst: int = 1
    chat_per_second: float = 1.0
    chat_burst: int = 3
    max_retries: int = 5
    backoff_base: float = 0.5  # seconds before the first retry; doubles each time
    backoff_max: float = 30.0
    max_retry_after: float = 300.0  # a 429 asking for longer than this is given up on


@dataclass
class Gcra:
    """A rate with a burst allowance (generic cell rate algorithm): `reserve` books the next send
    and says when it may go. Bookings are made synchronously, so concurrent senders never race."""

    interval: float
    burst: int
    tat: float = 0.0  # theoretical arrival time of the next send

    def reserve(self, at: float) -> float:
        send_at = max(at, self.tat - self.interval * (self.burst - 1))
        self.tat = max(self.tat, send_at) + self.interval
        return send_at

    def idle(self, now: float) -> bool:
        return self.tat <= now


def retry_after_seconds(error: RetryAfter) -> float:
    # PTB 22 keeps a timedelta; the public property warns while it moves from int to timedelta.
    value = getattr(error, "_retry_after", None)
    if isinstance(value, timedelta):
        return value.total_seconds()
    raw = error.retry_after
    return raw.total_seconds() if isinstance(raw, timedelta) else float(raw)


def is_transient(error: Exception) -> bool:
    """Timeouts, connection errors and 5xx: worth another try. BadRequest is a NetworkError in PTB
    but will fail the same way again."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


@dataclass
class Pacer(BaseRateLimiter[None]):
    policy: SendPolicy = field(default_factory=SendPolicy)
    sleep: Sleep = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    _overall: Gcra = field(init=False)
    _chats: dict[Any, Gcra] = field(init=False, default_factory=dict)
    _sent: deque[float] = field(init=False, default_factory=deque)

    def __post_init__(self) -> None:
        p = self.policy
        self._overall = Gcra(1.0 / p.overall_per_second, p.overall_burst)
        self._per_window = max(1, int(p.overall_per_second))

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        self._chats.clear()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        # Only what lands in a chat counts towards the message limits; answering a button press
        # or fetching a file must not wait behind messages.
        if chat_id is not None:
            await self._pace(chat_id)
        return await self.retrying(lambda: callback(*args, **kwargs), chat_id, endpoint)

    async def _pace(self, chat_id: Any) -> None:
        now = self.clock()
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) > 10_000:
                self._chats = {k: v for k, v in self._chats.items() if not v.idle(now)}
            p = self.policy
            chat = self._chats[chat_id] = Gcra(1.0 / p.chat_per_second, p.chat_burst)
        send_at = self._overall.reserve(chat.reserve(now))
        if send_at > now:
            await self.sleep(send_at - now)
        # The rate above is booked ahead; a busy event loop can wake several sends late and at
        # once. Counting the sends actually made in the last second keeps them under the cap.
        while True:
            now = self.clock()
            while self._sent and self._sent[0] <= now - WINDOW:
                self._sent.popleft()
            if len(self._sent) < self._per_window:
                self._sent.append(now)
                return
            await self.sleep(self._sent[0] + WINDOW - now)

    async def retrying(
        self, call: Callable[[], Awaitable[R]], chat_id: Any = None, what: str = "request"
    ) -> R:
        """Run `call`, waiting out 429s and retrying transient errors with exponential backoff."""
        p = self.policy
        attempt = 0
        while True:
            try:
                return await call()
            except RetryAfter as e:
                if attempt >= p.max_retries:
                    raise
                wait = retry_after_seconds(e)
                if wait > p.max_retry_after:
                    raise
                if chat_id is not None and chat_id in self._chats:
                    # Later messages to this chat wait too instead of each hitting the 429.
                    chat = self._chats[chat_id]
                    chat.tat = max(chat.tat, self.clock() + wait)
                if chat_id is not None:
                    # A flood limit is the bot's, not one chat's: every sender slows down.
                    self._overall.tat = max(self._overall.tat, self.clock() + wait)
                log.warning("Telegram flood control on %s: waiting %.1f s", what, wait)
            except Exception as e:
                if not is_transient(e) or attempt >= p.max_retries:
                    raise
                wait = min(p.backoff_max, p.backoff_base * 2**attempt)
                wait *= random.uniform(0.75, 1.0)  # spread retries of many chats apart
                log.warning("Telegram %s failed (%s); retry in %.2f s", what, e, wait)
            attempt += 1
            await self.sleep(wait)
