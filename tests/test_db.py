"""The database client under the engine: SQLite transactions that begin in one statement and
still commit or roll back whole."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from conftest import PG_URL
from tortoise import connections
from tortoise.transactions import in_transaction

from bot.db_sqlite import SqliteTurnsClient
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
