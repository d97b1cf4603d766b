"""Test fixtures: a real database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL says so),
a controlled clock, and a small invented organisation."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tortoise import Tortoise, connections

from bot.config import Settings
from bot.db import migrate, tortoise_config
from bot.exporter import configure as configure_exports
from factories import World, make_world
from handlers.catalog import seed_catalog
from handlers.engine import Engine
from models.periods import VN_TZ, ReportRules

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
RULES = ReportRules(period_months=1, deadline_day=5, lock_days=10)


class Clock:
    """The time every test runs at, moved on by the test itself."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set_vn(self, year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> None:
        self.now = datetime(year, month, day, hour, minute, tzinfo=VN_TZ).astimezone(UTC)


def _pg_reachable(url: str) -> bool:
    async def probe() -> bool:
        import asyncpg

        try:
            conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"), timeout=3)
        except Exception:
            return False
        await conn.close()
        return True

    return asyncio.run(probe())


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_URL.replace("postgres://", "postgresql://"), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per session: a template SQLite file to copy, or a PostgreSQL database of this
    run's own (created beside TEST_DATABASE_URL's, dropped at the end), so that test runs in
    parallel never share tables."""
    if PG_URL:
        if not _pg_reachable(PG_URL):
            if os.environ.get("CI"):
                pytest.fail(f"TEST_DATABASE_URL={PG_URL} is not reachable in CI")
            pytest.skip(f"PostgreSQL at {PG_URL} is not reachable")
        name = f"baocao_test_{os.getpid()}"
        url = PG_URL.rsplit("/", 1)[0] + "/" + name
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}"'))
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        asyncio.run(migrate(url))
        yield url
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        return
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    asyncio.run(migrate(f"sqlite://{path}"))
    yield str(path)


@pytest.fixture
async def db(database_template: str, tmp_path: Path) -> AsyncIterator[str]:
    if PG_URL:
        url = database_template
        await Tortoise.init(config=tortoise_config(url))
        conn = connections.get("default")
        tables = [m._meta.db_table for m in Tortoise.apps["models"].values()]
        await conn.execute_script(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE;")
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copy(database_template, path)
        url = f"sqlite://{path}"
        await Tortoise.init(config=tortoise_config(url))
    await seed_catalog()
    try:
        yield url
    finally:
        await Tortoise.close_connections()


@pytest.fixture
def clock() -> Clock:
    c = Clock(datetime.now(UTC))
    c.set_vn(2026, 11, 20, 9, 0)
    return c


@pytest.fixture(scope="session", autouse=True)
def export_writer() -> None:
    """The workbook writer the chat's /xuatbaocao uses, set as bot/cli does at start-up: for
    every test, so that none depends on another having set it."""
    configure_exports(Settings(_env_file=None))


@pytest.fixture
def engine(db: str, clock: Clock, tmp_path: Path) -> Engine:
    return Engine(RULES, tmp_path / "media", clock=clock)


@pytest.fixture
async def world(db: str) -> World:
    return await make_world()
