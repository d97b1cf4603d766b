"""The inbox worker of one channel: takes waiting inbox rows (models/inbox.py) a bounded number
at a time, the head of each chat only, and hands each to the channel's handler.

intake (webhook / poll) ─► inbox.add (committed) ─► 200 / next offset
worker: claim heads ─► handle(row) ─► engine turn marks the row done in its transaction

Memory stays flat under a flood: at most `capacity` rows are in memory, the rest wait in the
table. At start-up rows left by a crash (or by a stop that ran out of time) are taken first,
since rows are claimed in id order. On PostgreSQL several processes share the inbox: a claim is
a lease (SKIP LOCKED), renewed while the row is handled and released at shutdown."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from models import inbox
from models.inbox import InboxRow

log = logging.getLogger(__name__)

Handler = Callable[[InboxRow], Awaitable[None]]
KEEP_DONE = timedelta(days=2)


def utcnow() -> datetime:
    return datetime.now(UTC)


class InboxWorker:
    def __init__(
        self,
        channel: str,
        handle: Handler,
        *,
        capacity: int = 64,
        lease: float = 30.0,
        poll: float = 1.0,
    ) -> None:
        self.channel = channel
        self._handle = handle
        self.capacity = max(1, capacity)
        self._batch = max(1, self.capacity // 4)
        self.lease = timedelta(seconds=lease)
        self.poll = poll
        self.owner = f"{socket.gethostname()[:20]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._busy: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: asyncio.Task[None] | None = None
        self._stopping = False
        self._last_prune = datetime.min.replace(tzinfo=UTC)
        self.handled = 0

    async def add(self, account: str, key: str, chat: str, body: Any) -> bool:
        """Intake: the update is in the database when this returns (False: a repeat)."""
        new = await inbox.add(self.channel, account, key, chat, body, utcnow())
        if new is not None:
            self._wake.set()
        return new is not None

    def start(self) -> None:
        self._stopping = False
        self._runner = asyncio.create_task(self._run(), name=f"inbox:{self.channel}")

    async def stop(self, grace: float) -> None:
        """Take no more rows; give those being handled `grace` seconds, then cancel them. What is
        not done stays in the inbox for the next start (or another process)."""
        self._stopping = True
        self._wake.set()
        if self._runner is not None:
            await asyncio.gather(self._runner, return_exceptions=True)
            self._runner = None
        if self._busy:
            _, pending = await asyncio.wait(list(self._busy.values()), timeout=grace)
            if pending:
                log.warning(
                    "%s: %d updates left in the inbox at shutdown", self.channel, len(pending)
                )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        try:
            await inbox.release(self.owner)
        except Exception:
            log.exception("%s: could not release the inbox leases", self.channel)

    async def settled(self) -> None:
        """Until no row of this channel waits and none is being handled (tests, bench)."""
        while True:
            if not self._busy and await inbox.waiting(self.channel) == 0:
                return
            async with self._changed:
                try:
                    await asyncio.wait_for(self._changed.wait(), 0.05)
                except TimeoutError:
                    pass

    async def _run(self) -> None:
        renewed = utcnow()
        idle = True
        while not self._stopping:
            self._wake.clear()
            now = utcnow()
            free = self.capacity - len(self._busy)
            rows: list[InboxRow] = []
            try:
                # A claim reads every waiting row: under a flood take them a batch at a time,
                # not one per finished row.
                if free >= self._batch or (free > 0 and (idle or not self._busy)):
                    rows = await inbox.claim(
                        self.channel, self.owner, free, now, self.lease, set(self._busy)
                    )
                if now - renewed > self.lease / 3:
                    await inbox.extend(self.owner, set(self._busy), now + self.lease)
                    renewed = now
                if now - self._last_prune > timedelta(hours=1):
                    self._last_prune = now
                    await inbox.prune(now - KEEP_DONE)
            except Exception:
                log.exception("%s: inbox claim failed", self.channel)
            for row in rows:
                self._busy[row.id] = asyncio.create_task(
                    self._one(row), name=f"inbox:{self.channel}:{row.id}"
                )
            if rows and len(rows) == free:
                continue  # more may wait: claim again as soon as slots free
            try:
                await asyncio.wait_for(self._wake.wait(), self.poll)
                idle = False
            except TimeoutError:
                idle = True  # a quiet second: take what waits even with few slots free

    async def _one(self, row: InboxRow) -> None:
        try:
            try:
                await self._handle(row)
            except Exception:
                log.exception("%s: inbox row %s failed", self.channel, row.id)
            try:
                # Updates that reach no turn (ignored, answered by the adapter, a failed turn)
                # are done here; a turn marked its row already, in its own transaction.
                await inbox.mark_done(row.id, utcnow())
            except Exception:
                log.exception("%s: could not mark inbox row %s done", self.channel, row.id)
        finally:  # cancelled at shutdown too: the row stays waiting, the slot is free
            self._busy.pop(row.id, None)
            self.handled += 1
            self._wake.set()
            async with self._changed:
                self._changed.notify_all()
