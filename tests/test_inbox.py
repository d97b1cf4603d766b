"""Nothing lost after "received": every update is in the inbox before it is acknowledged, a crash
right after the acknowledgement loses nothing, a stop leaves what it could not finish for the
next start, and processes sharing the inbox never handle an update twice."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from tortoise import Tortoise

from bot.db import tortoise_config
from bot.inbox import InboxWorker
from factories import World
from fakes.telegram_server import FakeTelegram, FakeUser, Fault
from handlers import texts as T
from handlers.registration import issue_invite, link_identity
from models import Identity, InboxEntry, InviteCode
from models.inbox import InboxRow
from running import SECRET, Bot

PG = bool(os.environ.get("TEST_DATABASE_URL"))

JPEG = b"\xff\xd8\xff\xe0" + b"loudspeaker" * 60


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


async def waiting_rows() -> int:
    return await InboxEntry.filter(done_at=None).count()


async def until(check: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.1)


@pytest.mark.parametrize("webhook", [True, False], ids=["webhook", "polling"])
async def test_updates_acknowledged_just_before_a_kill_are_handled_after_restart(
    db: str, world: World, server: FakeTelegram, tmp_path: Path, webhook: bool
) -> None:
    """Newcomers send their invite codes and a member sends a photo whose download hangs; the
    process is killed (SIGKILL) as soon as the last update is acknowledged (the webhook's 200,
    or the poll's next offset). After a restart every update is handled, once."""
    clock_now = await _now()
    newcomers = []
    for i in range(12):
        member = world.reporter.__class__(
            name=f"Người mới {i}", phone=f"09000005{i:02d}", unit=world.cells[1]
        )
        await member.save()
        invite = await issue_invite(member, clock_now, 30)
        newcomers.append((FakeUser(server, 9100 + i, f"Mới {i}"), invite.code))
    await link_identity(world.reporter, "telegram", "9000")
    member = FakeUser(server, 9000, "Thử")
    server.faults["getFile"].append(Fault(0, delay=6.0))  # the download hangs past the kill
    bot = Bot(db, server, tmp_path, webhook, INBOX_LEASE_SECONDS="2")
    await bot.start()
    updates = [member.photo(JPEG)] + [u.text(f"/start {code}") for u, code in newcomers]
    if webhook:
        await until(lambda: _true(server.webhook is not None))
        url = f"http://127.0.0.1:{bot.port}/telegram/webhook"
        async with ClientSession() as http:

            async def post(update: dict[str, Any]) -> int:
                update.setdefault("update_id", next(server._update_ids))
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with http.post(url, json=update, headers=headers) as r:
                    return r.status

            statuses = await asyncio.gather(*(post(u) for u in updates))
        assert statuses == [200] * len(updates)
    else:
        ids = [await server.push(u) for u in updates]
        await server.wait_fetched(max(ids))  # Telegram has forgotten them
    await bot.signal(signal.SIGKILL)
    left = await waiting_rows()
    assert left >= 1  # the photo at least was acknowledged and not yet handled
    assert await InboxEntry.all().count() == len(updates)

    await bot.start()
    await until(lambda: _eq(waiting_rows(), 0))
    assert await bot.signal(signal.SIGTERM) == 0
    linked = await Identity.filter(channel="telegram").exclude(external_id="9000").count()
    assert linked == len(newcomers)
    assert await InviteCode.filter(used_at__isnull=False).count() == len(newcomers)
    photo_answers = [c for c in server.sent(member.id) if T.PHOTO_NOT_NOW in c.text]
    assert len(photo_answers) == 1
    # The hung download was cut by the kill; after the restart it ran once more, and succeeded.
    assert not server.faults["getFile"] and len(server.called("getFile")) == 1


async def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def _true(value: bool) -> bool:
    return value


async def _eq(value: Any, expected: Any) -> bool:
    return await value == expected


async def test_a_stop_leaves_unfinished_updates_for_the_next_start(db: str) -> None:
    """SIGTERM stops intake and gives running updates a grace period; what is left stays in the
    inbox and the next start handles it first, in each chat's order, nothing twice."""
    handled: list[tuple[str, int]] = []
    release = asyncio.Event()

    async def slow(row: InboxRow) -> None:
        await release.wait()
        handled.append((row.chat, row.body["n"]))

    first = InboxWorker("test", slow, capacity=4, poll=0.05)
    for n in range(30):
        await first.add("", f"u{n}", f"chat{n % 5}", {"n": n})
    first.start()
    await asyncio.sleep(0.2)
    await first.stop(grace=0.1)  # the four taken are cut short
    assert handled == []
    assert await InboxEntry.filter(done_at=None).count() == 30

    async def quick(row: InboxRow) -> None:
        handled.append((row.chat, row.body["n"]))

    release.set()
    second = InboxWorker("test", quick, capacity=4, poll=0.05)
    second.start()
    await second.settled()
    await second.stop(grace=1)
    assert sorted(n for _, n in handled) == list(range(30))
    by_chat: dict[str, list[int]] = defaultdict(list)
    for chat, n in handled:
        by_chat[chat].append(n)
    assert all(ns == sorted(ns) for ns in by_chat.values())
    # A repeat of a handled update is no new row.
    assert not await second.add("", "u3", "chat3", {"n": 3})


async def test_memory_holds_only_what_is_being_handled(db: str) -> None:
    """A flood waits in the table: the worker holds at most `capacity` rows at a time."""
    peak = 0
    running = 0

    async def handle(row: InboxRow) -> None:
        nonlocal peak, running
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.001)
        running -= 1

    worker = InboxWorker("flood", handle, capacity=8, poll=0.05)
    for n in range(300):
        await worker.add("", str(n), f"c{n % 50}", {"n": n})
    worker.start()
    await worker.settled()
    await worker.stop(1)
    assert peak <= 8 and worker.handled == 300


@pytest.mark.skipif(not PG, reason="several processes share an inbox on PostgreSQL only")
async def test_processes_sharing_the_inbox_never_handle_an_update_twice(db: str) -> None:
    """Three workers (as three processes would, each with its own lease owner and connections)
    drain one inbox: every row once, each chat's rows one at a time and in order."""
    await Tortoise.close_connections()
    config = tortoise_config(db)
    config["connections"]["default"]["credentials"]["minsize"] = 6
    config["connections"]["default"]["credentials"]["maxsize"] = 12
    await Tortoise.init(config=config)
    log: list[tuple[str, str, int, str]] = []  # (owner, chat, n, start|end)
    workers: list[InboxWorker] = []

    def make(i: int) -> InboxWorker:
        async def handle(row: InboxRow) -> None:
            log.append((workers[i].owner, row.chat, row.body["n"], "start"))
            await asyncio.sleep(random.uniform(0, 0.01))
            log.append((workers[i].owner, row.chat, row.body["n"], "end"))

        return InboxWorker("shared", handle, capacity=5, poll=0.02)

    workers = [make(i) for i in range(3)]
    for w in workers:
        w.start()
    rows = 240
    for n in range(rows):
        await workers[n % 3].add("", str(n), f"chat{n % 12}", {"n": n})
    for w in workers:
        await w.settled()
    for w in workers:
        await w.stop(1)
    starts = [(chat, n) for _, chat, n, what in log if what == "start"]
    assert sorted(n for _, n in starts) == list(range(rows))  # each exactly once
    assert len({owner for owner, *_ in log}) == 3  # all three took part
    open_by_chat: dict[str, int] = {}
    last_by_chat: dict[str, int] = {}
    for _, chat, n, what in log:
        if what == "start":
            assert chat not in open_by_chat, f"{chat}: {n} began while {open_by_chat[chat]} ran"
            assert n > last_by_chat.get(chat, -1)
            open_by_chat[chat] = last_by_chat[chat] = n
        else:
            del open_by_chat[chat]
