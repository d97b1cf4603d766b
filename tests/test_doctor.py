"""`baocao doctor` as an admin runs it: the real command line in a child process, its settings in
the environment, against fake Telegram and Zalo services on loopback."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import ClientSession
from tortoise import Tortoise

from bot.config import Settings
from bot.db import migrate, tortoise_config
from bot.doctor import FAIL, OK, WARN, check_health, check_public_url
from bot.web import WebServer
from factories import make_world
from fakes.telegram_server import TOKEN, FakeTelegram
from fakes.zalo_bot_server import FakeZaloBot
from fakes.zalo_oa_server import APP_ID, APP_SECRET, OA_ID, OA_SECRET_KEY, FakeZaloOA
from models import Identity

BOT = "1001:tokenA_secret-value"


@dataclass
class Fakes:
    telegram: FakeTelegram
    zalo_bot: FakeZaloBot
    zalo_oa: FakeZaloOA


@pytest.fixture
async def fakes() -> AsyncIterator[Fakes]:
    found = Fakes(FakeTelegram(), FakeZaloBot(BOT), FakeZaloOA())
    for fake in (found.telegram, found.zalo_bot, found.zalo_oa):
        await fake.start()
    yield found
    for fake in (found.telegram, found.zalo_bot, found.zalo_oa):
        await fake.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def doctor(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run `baocao doctor` with these settings only (no .env: a fresh directory)."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "doctor",
        env={**keep, "PYTHONIOENCODING": "utf-8", **env},
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode is not None
    return child.returncode, out.decode()


def settings_env(fakes: Fakes, database: str) -> dict[str, str]:
    access, refresh = fakes.zalo_oa.grant()
    return {
        "DATABASE_URL": database,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": fakes.telegram.base_url,
        "ZALO_BOT_TOKENS": f"X1={BOT}",
        "ZALO_BOT_BASE_URL": fakes.zalo_bot.base_url,
        "ZALO_OA_ID": OA_ID,
        "ZALO_APP_ID": APP_ID,
        "ZALO_APP_SECRET": APP_SECRET,
        "ZALO_OA_SECRET_KEY": OA_SECRET_KEY,
        "ZALO_OA_ACCESS_TOKEN": access,
        "ZALO_OA_REFRESH_TOKEN": refresh,
        "ZALO_OA_API_URL": fakes.zalo_oa.url,
        "ZALO_OAUTH_URL": fakes.zalo_oa.url,
        # Nothing answers there (.invalid never resolves): /healthz is a warning only.
        "PUBLIC_URL": "https://baocao.invalid",
        "DOWNLOAD_LINK_SECRET": "k" * 40,
    }


async def test_a_good_configuration_passes(fakes: Fakes, tmp_path: Path) -> None:
    database = f"sqlite://{tmp_path / 'baocao.sqlite3'}"
    await migrate(database)
    code, out = await doctor(settings_env(fakes, database), tmp_path)
    assert code == 0, out
    for line in (
        "✔ Cơ sở dữ liệu:",
        "✔ PUBLIC_URL: https://baocao.invalid",
        "✔ DOWNLOAD_LINK_SECRET: đã đặt",
        "! PUBLIC_URL/healthz: không gọi được",
        "✔ Telegram: bot @baocao_test_bot",
        "✔ Bot Zalo 1001 (X1): getMe: bot.1001",
        "✔ Bot Zalo 1001 (X1) webhook: không có (long polling)",
        f"✔ Zalo OA {OA_ID}: token hợp lệ: Ban Tuyên giáo Sơn Lâm (thử)",
        "Mọi mục cần thiết đều ổn (1 cảnh báo).",
    ):
        assert line in out, line
    assert "✘" not in out
    # Only reads: no webhook set or deleted, no token refreshed.
    assert not fakes.zalo_bot.called("setWebhook") and not fakes.zalo_bot.called("deleteWebhook")
    assert fakes.zalo_oa.refresh_calls == [] and fakes.telegram.webhook is None


async def test_a_broken_configuration_fails_with_fixes(fakes: Fakes, tmp_path: Path) -> None:
    env = settings_env(fakes, f"sqlite://{tmp_path / 'never-migrated.sqlite3'}")
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": "4242:revoked",
            "ZALO_BOT_TOKENS": "X1=1001:reset-in-bot-manager",
            "PUBLIC_URL": "http://bot.example.vn",
            "DOWNLOAD_LINK_SECRET": "short",
        }
    )
    code, out = await doctor(env, tmp_path)
    assert code == 1, out
    for line in (
        "✘ Cơ sở dữ liệu:",
        "→ Kiểm tra DATABASE_URL, rồi chạy `baocao migrate`",
        "✘ PUBLIC_URL: http://bot.example.vn không phải địa chỉ https hợp lệ",
        "✘ DOWNLOAD_LINK_SECRET: quá ngắn (5 ký tự, cần ≥ 32)",
        "✘ Telegram: Telegram không nhận token (401)",
        "✘ Bot Zalo 1001 (X1): Zalo không nhận token (401)",
        "→ Lấy token mới trong Zalo Bot Manager rồi sửa ZALO_BOT_TOKENS.",
        f"✘ Zalo OA {OA_ID}: ZALO_OA_ID is set: PUBLIC_URL must be the https:// webhook host",
        "Có 6 lỗi",
    ):
        assert line in out, line
    assert "reset-in-bot-manager" not in out and "revoked" not in out  # no token printed


def test_public_url_must_be_public_https_for_zalo_webhooks() -> None:
    oa = {"zalo_oa_id": OA_ID, "_env_file": None}
    for url, status in (
        ("https://baocao.tinh.gov.vn", OK),
        ("https://baocao.tinh.gov.vn/bot", OK),
        ("http://baocao.tinh.gov.vn", FAIL),
        ("https://192.168.1.20", FAIL),
        ("https://localhost:8443", FAIL),
        ("baocao.tinh.gov.vn", FAIL),
    ):
        assert check_public_url(Settings(public_url=url, **oa)).status == status, url
    # Polling only: a private address still serves links on the local network.
    assert check_public_url(Settings(_env_file=None, public_url="https://10.0.0.5")).status == WARN


async def test_invalid_settings_are_named(tmp_path: Path) -> None:
    code, out = await doctor({"ZALO_OA_MAX_BUTTONS": "9"}, tmp_path)
    assert code == 1 and "✘ ZALO_OA_MAX_BUTTONS: Input should be less than or equal to 5" in out


async def test_healthz_reached_through_public_url() -> None:
    web = WebServer("127.0.0.1", 0)
    await web.start()
    try:
        async with ClientSession() as http:
            ok = await check_health(http, f"http://127.0.0.1:{web.port}")
            gone = await check_health(http, f"http://127.0.0.1:{closed_port()}")
    finally:
        await web.stop()
    assert ok.status == OK and gone.status == WARN and gone.fix


async def test_a_bot_with_50_members_is_a_warning(fakes: Fakes, tmp_path: Path) -> None:
    database = f"sqlite://{tmp_path / 'baocao.sqlite3'}"
    await migrate(database)
    await Tortoise.init(config=tortoise_config(database))
    try:
        world = await make_world()
        await Identity.bulk_create(
            [
                Identity(
                    channel="zalo_bot", account="1001", external_id=f"z{i}", member=world.reporter
                )
                for i in range(50)
            ]
        )
    finally:
        await Tortoise.close_connections()
    code, out = await doctor(settings_env(fakes, database), tmp_path)
    assert code == 0, out
    assert "! Bot Zalo 1001 (X1): getMe: bot.1001; 50 người dùng, 0/3000 tin tháng này" in out
    assert "khoảng 50 người dùng và 3000 tin mỗi tháng cho một bot: tạo thêm bot" in out
