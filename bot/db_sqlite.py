"""Tortoise's SQLite client, made to keep up with many chats at once without giving up durability.

SQLite has one connection: while a turn's transaction is open every other chat waits for it, and
each statement is a trip to aiosqlite's thread and back. Two things held that lock for longer than
the work took (bench/telegram_bench.py: the lock was busy 90% of the time at saturation):

1. Tortoise begins a transaction with COMMIT, then BEGIN. The COMMIT does nothing on this
   connection (it is in autocommit mode, so no transaction is ever left open implicitly) but it is
   a trip. Here a transaction begins with BEGIN alone.
2. With synchronous=FULL every commit waits for the disk (fsync of the WAL) inside the lock:
   0.3 ms at the median on the test machine, 3 ms at p95, 16 ms at worst, while every other chat
   waits. Here the connection runs with synchronous=NORMAL, and every write is made durable
   *after* the lock is released, before its caller goes on: a transaction's `async with` and an
   autocommit write return only once an fsync of the WAL that started after their commit has
   finished. Writers that commit meanwhile share one fsync (group commit).

So a commit acknowledged to a user is on disk, as with FULL, but the disk wait no longer stops
other chats from reaching the database.

The module name must contain "sqlite": Tortoise's migrations pick their schema editor by it."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.exceptions import TransactionManagementError


class WalSync:
    """fsync of the WAL file, shared by every writer waiting at the time.

    A sync that was already running when a writer committed may have missed its frames, so each
    writer waits for one that *starts* after its request; requests made while a sync runs are all
    served by the next one."""

    def __init__(self, database_path: str, fsync: Any = os.fsync) -> None:
        self.path = f"{database_path}-wal"
        self._fsync = fsync
        self._fd: int | None = None
        self._requested = 0  # requests so far
        self._covered = 0  # requests a finished fsync has covered
        self._running: asyncio.Task[None] | None = None

    async def sync(self) -> None:
        self._requested += 1
        mine = self._requested
        while self._covered < mine:
            if self._running is None:
                self._running = asyncio.create_task(self._run())
            await asyncio.shield(self._running)

    async def _run(self) -> None:
        covers = self._requested  # every request made before this fsync starts
        try:
            await asyncio.to_thread(self._sync_file)
            self._covered = max(self._covered, covers)
        finally:
            self._running = None

    def _sync_file(self) -> None:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return  # no WAL yet: nothing has been written since the database was opened
        self._fsync(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class _Transaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.execute("BEGIN")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class _Durable(SqliteTransactionContext):
    """The transaction commits and releases the connection, then waits for the disk."""

    def __init__(self, client: SqliteTurnsClient) -> None:
        super().__init__(_Transaction(client), client._lock)
        self._client = client

    async def __aexit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        await super().__aexit__(exc_type, exc_val, exc_tb)
        if exc_type is None:
            await self._client.synced()


class SqliteTurnsClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        in_memory = file_path == ":memory:" or "mode=memory" in file_path
        wal_mode = str(self.pragmas.get("journal_mode", "")).upper() == "WAL"
        self.wal: WalSync | None = None
        # Only in WAL mode, and only when the URL does not choose its own synchronous setting.
        if wal_mode and not in_memory and "synchronous" not in kwargs:
            self.pragmas["synchronous"] = "NORMAL"  # the commit's fsync is WalSync's, see above
            self.wal = WalSync(file_path)

    def _in_transaction(self) -> TransactionContext:
        return _Durable(self)

    async def close(self) -> None:
        await super().close()  # the last connection checkpoints and syncs the database
        if self.wal is not None:
            self.wal.close()

    async def synced(self) -> None:
        """Wait until every commit made so far is on disk (nothing to do without a WalSync)."""
        if self.wal is not None:
            await self.wal.sync()

    # Writes outside a transaction commit on their own: each returns once it is on disk.

    async def _fetch(self, query: str, values: list | None) -> tuple[int, list[Any]]:
        """Rows and the number of rows the statement changed (counted while it holds the
        connection, so that other chats' writes are not taken for its own)."""
        query = query.replace("\x00", "'||CHAR(0)||'")  # as SqliteClient does
        async with self.acquire_connection() as connection:
            start = connection.total_changes
            rows = list(await connection.execute_fetchall(query, values))
            changed = connection.total_changes - start
        if changed:
            await self.synced()
        return changed, rows

    async def execute_insert(self, query: str, values: list) -> int:
        result = await super().execute_insert(query, values)
        await self.synced()
        return result

    async def execute_many(self, query: str, values: list[list]) -> None:
        await super().execute_many(query, values)
        await self.synced()

    @translate_exceptions
    async def execute_query(self, query: str, values: list | None = None) -> Any:
        changed, rows = await self._fetch(query, values)
        return changed or len(rows), rows

    @translate_exceptions
    async def execute_query_dict(self, query: str, values: list | None = None) -> list[dict]:
        _, rows = await self._fetch(query, values)
        return list(map(dict, rows))

    async def execute_script(self, query: str) -> None:
        await super().execute_script(query)
        await self.synced()


client_class = SqliteTurnsClient
