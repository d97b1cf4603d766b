"""The database client under the engine: SQLite transactions that begin in one statement, commit
or roll back whole, and are on disk before their caller goes on (bot/db_sqlite.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from conftest import PG_URL
from tortoise import connections
from tortoise.transactions import in_transaction

from bot.db_sqlite import SqliteTurnsClient, WalSync
from models import Unit
from models.tree import add_unit

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's own client")


async def statements_of(
    work: Callable[[], Awaitable[None]], monkeypatch: pytest.MonkeyPatch
) -> list[str]:
    """The SQL `work` ran, with "(commit)" for each commit asked of the connection: each is a trip
    to the database thread, even when there is nothing to commit."""
    client = connections.get("default")
    assert isinstance(client, SqliteTurnsClient)
    seen: list[str] = []
    raw = client._connection
    commit = raw.commit

    async def counted_commit() -> None:
        seen.append("(commit)")
        await commit()

    monkeypatch.setattr(raw, "commit", counted_commit)
    await raw.set_trace_callback(seen.append)
    try:
        await work()
    finally:
        await raw.set_trace_callback(None)
        monkeypatch.undo()
    return seen


async def test_a_transaction_is_begin_its_statements_and_commit(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def work() -> None:
        async with in_transaction():
            await add_unit("T1", "Chi bộ Một")

    seen = await statements_of(work, monkeypatch)
    assert seen[0] == "BEGIN" and seen[-2:] == ["(commit)", "COMMIT"]
    assert seen.count("(commit)") == 1  # Tortoise's own client asks for one before BEGIN too
    assert await Unit.filter(code="T1").exists()


async def test_a_failed_transaction_leaves_nothing(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def work() -> None:
        with pytest.raises(RuntimeError):
            async with in_transaction():
                await add_unit("T2", "Chi bộ Hai")
                raise RuntimeError("the turn failed")

    seen = await statements_of(work, monkeypatch)
    assert seen[0] == "BEGIN" and seen[-1] == "ROLLBACK"
    assert not await Unit.filter(code="T2").exists()
    # and the connection is usable again, outside and inside a transaction
    async with in_transaction():
        await add_unit("T3", "Chi bộ Ba")
    assert await Unit.filter(code="T3").exists()


async def wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_a_sync_covers_only_the_commits_made_before_it_started(tmp_path: Path) -> None:
    """Commits made while an fsync runs wait for the next one, which serves them all."""
    (tmp_path / "x.sqlite3-wal").write_bytes(b"")
    release = [threading.Event(), threading.Event()]
    calls: list[int] = []

    def fsync(fd: int) -> None:
        n = len(calls)
        calls.append(fd)
        release[n].wait(5)

    wal = WalSync(str(tmp_path / "x.sqlite3"), fsync=fsync)
    first = asyncio.create_task(wal.sync())
    await wait_until(lambda: len(calls) == 1)
    second, third = asyncio.create_task(wal.sync()), asyncio.create_task(wal.sync())
    await asyncio.sleep(0.02)
    release[0].set()
    await first
    await asyncio.sleep(0.02)
    assert not second.done() and not third.done()  # the first fsync began before they asked
    await wait_until(lambda: len(calls) == 2)
    release[1].set()
    await asyncio.gather(second, third)
    assert len(calls) == 2
    wal.close()


async def test_the_disk_wait_leaves_the_connection_free(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A committed transaction waits for its fsync after giving the connection back: other
    chats read and write meanwhile, and many writers share one fsync."""
    client = connections.get("default")
    assert isinstance(client, SqliteTurnsClient) and client.wal is not None
    assert await client.execute_query_dict("PRAGMA synchronous") == [{"synchronous": 1}]
    started, release = threading.Event(), threading.Event()
    fsyncs: list[int] = []

    def held_fsync(fd: int) -> None:
        fsyncs.append(fd)
        started.set()
        release.wait(5)

    monkeypatch.setattr(client.wal, "_fsync", held_fsync)

    async def save(code: str) -> None:
        async with in_transaction():
            await add_unit(code, f"Chi bộ {code}")

    writer = asyncio.create_task(save("W0"))
    await wait_until(started.is_set)
    assert await Unit.filter(code="W0").exists()  # committed, the connection free for a read
    others = [asyncio.create_task(save(f"W{i}")) for i in range(1, 20)]
    for _ in range(500):  # until all twenty have committed
        if await Unit.filter(code__startswith="W").count() == 20:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert not writer.done() and not any(o.done() for o in others)  # none answered before disk
    release.set()
    await asyncio.gather(writer, *others)
    assert len(fsyncs) == 2  # the first writer's, then one for the nineteen that came meanwhile
    assert await Unit.filter(code__startswith="W").count() == 20


async def test_a_write_outside_a_transaction_is_synced_and_a_read_is_not(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = connections.get("default")
    assert isinstance(client, SqliteTurnsClient) and client.wal is not None
    fsyncs: list[int] = []
    monkeypatch.setattr(client.wal, "_fsync", fsyncs.append)
    unit = await add_unit("A1", "Chi bộ A")  # an INSERT, then an UPDATE of its path
    written = len(fsyncs)
    assert written >= 1
    await Unit.filter(id=unit.id).update(name="Chi bộ A mới")
    assert len(fsyncs) == written + 1
    assert await Unit.filter(name="Chi bộ A mới").count() == 1
    await Unit.filter(code="no such unit").update(name="x")  # changes nothing: nothing to sync
    assert len(fsyncs) == written + 1
