"""Migrations applied to a database that already holds data, as at an upgrade in the field: the
database stands at an earlier migration with rows in it, then `baocao migrate` runs."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate as run_migrations

from bot.db import migrate, tortoise_config
from models.queries import load_identity

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
async def fresh_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of this test's own (a second one on PostgreSQL: the suite's is
    migrated to the newest state already)."""
    if not PG_URL:
        yield f"sqlite://{tmp_path / 'upgrade.sqlite3'}"
        return
    import asyncpg

    name = f"baocao_upgrade_{os.getpid()}"
    admin_url = PG_URL.replace("postgres://", "postgresql://")
    admin = await asyncpg.connect(admin_url, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        await Tortoise.close_connections()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def sql(url: str, *statements: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        for statement in statements:
            await connections.get("default").execute_script(statement)
    finally:
        await Tortoise.close_connections()


async def test_identities_of_an_earlier_version_keep_working(fresh_url: str) -> None:
    await run_migrations(config=tortoise_config(fresh_url), target="models.0003_due_list_index")
    await Tortoise.close_connections()
    await sql(
        fresh_url,
        "INSERT INTO units (code, name, level, path, depth, reports, active, position, "
        "created_at) VALUES ('CB1', 'Chi bộ Thử', 'cell', '/1/', 0, TRUE, TRUE, 0, "
        "CURRENT_TIMESTAMP)",
        "INSERT INTO members (name, phone, role, active, created_at, unit_id) "
        "VALUES ('Lò Văn Thử', '0900000001', 'reporter', TRUE, CURRENT_TIMESTAMP, 1)",
        "INSERT INTO identities (channel, account, external_id, display_name, created_at, "
        "state, state_version, member_id) "
        "VALUES ('telegram', '', '42', '', CURRENT_TIMESTAMP, '{}', 3, 1)",
        "INSERT INTO processed_messages (key, at) VALUES ('telegram::42:7', CURRENT_TIMESTAMP)",
    )
    await migrate(fresh_url)  # what `baocao migrate` and every start-up run
    await Tortoise.init(config=tortoise_config(fresh_url))
    try:
        identity = await load_identity("telegram", "", "42")
        assert identity is not None
        assert identity.recent_messages == [] and identity.state_version == 3
        assert identity.member.name == "Lò Văn Thử"
    finally:
        await Tortoise.close_connections()
