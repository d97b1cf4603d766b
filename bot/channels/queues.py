"""What the channel adapters share around the inbox (bot/inbox.py, which keeps one chat's
updates in order): slow follow-up work tracked until shutdown, and a bounded memory of keys."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Hashable
from typing import Protocol, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)


class Settles(Protocol):
    async def settled(self) -> None: ...


class FollowUps:
    """Slow work (Reply.then) running after its reply was sent: tracked so that shutdown waits for
    it and tests can wait until everything is answered."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self, grace: float) -> None:
        """Give running follow-ups `grace` seconds, then cancel them."""
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=grace)
            for task in pending:
                task.cancel()

    async def settle(self, inbox: Settles) -> None:
        """Until the inbox has nothing waiting and no follow-up runs."""
        while True:
            await inbox.settled()
            if not self._tasks:
                return
            await asyncio.gather(*self._tasks, return_exceptions=True)


def remember(lru: OrderedDict[K, None], key: K, cap: int) -> None:
    """Keep `key` as the newest of at most `cap` remembered keys."""
    lru[key] = None
    lru.move_to_end(key)
    if len(lru) > cap:
        lru.popitem(last=False)
