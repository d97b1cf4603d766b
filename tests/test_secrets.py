"""Secrets stay secret: what the product writes to disk is private to its user, the OA tokens
in the database are sealed when a key is set, and a DEBUG run's log holds no token, secret,
invite code or phone number."""

from __future__ import annotations

import asyncio
import os
import signal
import stat
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.channels.zalo_oa_token import OATokenError, OATokens
from bot.sealing import Sealer
from factories import World
from fakes.telegram_server import TOKEN, FakeTelegram, FakeUser
from fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_ID, FakeZaloOA
from handlers.registration import issue_invite
from models import Identity, OAToken
from running import SECRET, Bot

BAOCAO = Path(sys.executable).parent / "baocao"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def run(*args: str, env: dict[str, str], cwd: Path) -> str:
    proc = await asyncio.create_subprocess_exec(
        str(BAOCAO),
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out.decode()
    return out.decode()


async def test_files_and_folders_are_private_to_the_user(tmp_path: Path) -> None:
    """The database, its folder, the media folder and an export, created by the commands with a
    permissive umask in the parent (0644 files before)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'data' / 'baocao.sqlite3'}",
        "MEDIA_DIR": str(tmp_path / "data" / "media"),
    }
    old = os.umask(0o022)
    try:
        await run("demo", env=env, cwd=tmp_path)
        out = tmp_path / "exports" / "bc.xlsx"
        out.parent.mkdir(mode=0o755)
        await run("export", "--period", "10/2026", "-o", str(out), env=env, cwd=tmp_path)
    finally:
        os.umask(old)
    data = tmp_path / "data"
    assert mode(data) == 0o700
    written = [p for p in data.rglob("*") if p.is_file()] + [out]
    assert any(p.name == "baocao.sqlite3" for p in written)
    for path in written:
        assert mode(path) & 0o077 == 0, f"{path} is {oct(mode(path))}"
    for folder in [p for p in data.rglob("*") if p.is_dir()]:
        assert mode(folder) == 0o700, f"{folder} is {oct(mode(folder))}"


@pytest.fixture
async def oa_server() -> AsyncIterator[FakeZaloOA]:
    fake = FakeZaloOA()
    await fake.start()
    yield fake
    await fake.stop()


async def test_oa_tokens_are_sealed_in_the_database(db: str, oa_server: FakeZaloOA) -> None:
    access, refresh = oa_server.grant()
    async with ClientSession() as session:

        def tokens(key: str, seed: str = "") -> OATokens:
            return OATokens(
                session,
                OA_ID,
                APP_ID,
                APP_SECRET,
                oa_server.url,
                seed_refresh_token=seed,
                seed_access_token=access,
                sealer=Sealer(key),
            )

        # An older install stored the pair in the clear; with a key set it is sealed at start.
        await tokens("", refresh).ensure_row()
        assert (await OAToken.get(oa_id=OA_ID)).refresh_token == refresh
        sealed = tokens("a long passphrase from the settings")
        await sealed.ensure_row()
        row = await OAToken.get(oa_id=OA_ID)
        assert refresh not in row.refresh_token and access not in row.access_token
        # The refresh (at first use) works from the sealed pair and stores the new one sealed.
        live = await sealed.access_token()
        assert live in oa_server.access_tokens and sealed.refreshes == 1
        row = await OAToken.get(oa_id=OA_ID)
        assert live not in row.access_token and oa_server.refresh_token not in row.refresh_token
        assert row.access_token.startswith("fernet:")
        # Without the key, or with another, the bot says so instead of sending garbage.
        for key in ("", "another key"):
            with pytest.raises(OATokenError, match="TOKEN_ENCRYPTION_KEY"):
                await tokens(key).renew(live)


async def test_a_debug_run_logs_no_token_secret_invite_code_or_phone(
    db: str, world: World, tmp_path: Path
) -> None:
    server = FakeTelegram()
    await server.start()
    try:
        invite = await issue_invite(world.other_reporter, world_now(), 30)
        bot = Bot(db, server, tmp_path, True, LOG_LEVEL="DEBUG")
        await bot.start()
        for _ in range(200):  # until the bot has set its webhook
            if server.webhook is not None:
                break
            await asyncio.sleep(0.05)
        newcomer = FakeUser(server, 5101, "Mới")
        sharer = FakeUser(server, 5102, "Chia sẻ")
        for update in (
            newcomer.text(f"/start {invite.code}"),
            newcomer.text("menu"),
            sharer.contact("+84 900 000 104"),
        ):
            await server.push(update)
        assert server.webhook_statuses == [200, 200, 200]
        for _ in range(200):
            if await Identity.filter(channel="telegram").count() == 2:
                break
            await asyncio.sleep(0.05)
        assert await bot.signal(signal.SIGTERM) == 0
    finally:
        await server.stop()
    assert await Identity.filter(channel="telegram").count() == 2
    log = bot.log.read_text()
    assert " DEBUG " in log  # the run was at DEBUG
    for secret in (TOKEN, TOKEN.partition(":")[2], SECRET, invite.code, "900000104", "0900000104"):
        assert secret not in log, secret


def world_now() -> datetime:
    return datetime.now(UTC)
