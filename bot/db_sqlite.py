"""Tortoise's SQLite client, with transactions that begin in one trip to the database thread.

SQLite has one connection: while a turn's transaction is open, every other chat waits for it.
Each statement is a trip to aiosqlite's thread and back, and under load each trip waits about
two passes of the busy event loop, so a transaction is held for its trips, not its work
(bench/telegram_bench.py held the lock about 90% of the time at saturation, 4.5 ms per turn).

Tortoise begins a transaction with COMMIT, then BEGIN. The COMMIT does nothing on this connection
(it is in autocommit mode: isolation_level=None, so no transaction is ever left open implicitly),
but it is a trip. This client begins with BEGIN alone: a turn's transaction is BEGIN, the identity
read, the state write and COMMIT.

The module name must contain "sqlite": Tortoise's migrations pick their schema editor by it."""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class _Transaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.execute("BEGIN")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class SqliteTurnsClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(_Transaction(self), self._lock)


client_class = SqliteTurnsClient
