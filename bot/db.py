"""Database start-up: Tortoise config, migrations, shutdown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.migrations.api import migrate as run_migrations

MODELS = ["models.entities", "models.directives", "models.review", "models.web"]


def _connection(database_url: str) -> dict[str, Any]:
    """The URL as Tortoise's connection settings; SQLite gets the client of bot/db_sqlite.py."""
    settings = expand_db_url(database_url)
    if settings["engine"] == "tortoise.backends.sqlite":
        settings["engine"] = "bot.db_sqlite"
    return settings


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": _connection(database_url)},
        "apps": {
            "models": {
                "models": MODELS,
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def _ensure_sqlite_dir(database_url: str) -> None:
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        path = Path(database_url.removeprefix("sqlite://").split("?", 1)[0])
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # A database made by an older version (0644): private from now on.
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if file.is_file() and file.stat().st_mode & 0o077:
                file.chmod(0o600)


async def migrate(database_url: str) -> None:
    """Apply every migration not yet applied (idempotent; safe at each start)."""
    _ensure_sqlite_dir(database_url)
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


async def init_db(database_url: str, *, apply_migrations: bool = True) -> None:
    if apply_migrations:
        await migrate(database_url)
    _ensure_sqlite_dir(database_url)
    await Tortoise.init(config=tortoise_config(database_url))


async def close_db() -> None:
    await Tortoise.close_connections()
