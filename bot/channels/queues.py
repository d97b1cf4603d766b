"""Per-chat ordering for channel adapters: one chat's updates run one after another, different
chats run in parallel, up to a limit.

The engine already serialises turns of a chat, but an adapter does slow work before the turn
(downloading a photo), so two updates of one chat could reach the engine out of order; a queue
per chat keeps them in arrival order."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


class ChatQueues(Generic[T]):
    def __init__(self, handle: Callable[[T], Awaitable[Any]], max_parallel: int = 64) -> None:
        self._handle = handle
        self._slots = asyncio.Semaphore(max_parallel)
        self._queues: dict[Hashable, deque[T]] = {}
        self._workers: set[asyncio.Task[None]] = set()

    def put(self, key: Hashable, item: T) -> None:
        """Queue `item` behind the chat's earlier items; returns at once."""
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(item)
            return
        queue = self._queues[key] = deque([item])
        task = asyncio.create_task(self._drain(key, queue), name=f"chat-queue:{key}")
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def _drain(self, key: Hashable, queue: deque[T]) -> None:
        try:
            while queue:
                # The item stays queued while it runs, so a put() meanwhile joins this worker.
                async with self._slots:
                    try:
                        await self._handle(queue[0])
                    except Exception:
                        log.exception("update of chat %s failed", key)
                queue.popleft()
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    async def join(self) -> None:
        """Wait until every queued item has been handled."""
        while self._workers:
            await asyncio.gather(*self._workers, return_exceptions=True)

    async def close(self, grace: float) -> None:
        """Let queued items finish for up to `grace` seconds, then cancel the rest."""
        try:
            await asyncio.wait_for(self.join(), grace)
        except TimeoutError:
            log.warning("cancelling %d chat queues still busy at shutdown", len(self._workers))
            for task in list(self._workers):
                task.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)


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

    async def settle(
        self, queues: ChatQueues[Any], idle: Callable[[], bool] = lambda: True
    ) -> None:
        """Until the queues are empty and no follow-up runs (follow-ups may queue more)."""
        while True:
            await queues.join()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            elif idle() and not queues.busy:
                return


def remember(lru: OrderedDict[K, None], key: K, cap: int) -> None:
    """Keep `key` as the newest of at most `cap` remembered keys."""
    lru[key] = None
    lru.move_to_end(key)
    if len(lru) > cap:
        lru.popitem(last=False)
