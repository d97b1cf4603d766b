"""`baocao run` as a separate process, as in production, for the tests that kill it, stop it
or read its log."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

from aiohttp import ClientSession

from fakes.telegram_server import TOKEN, FakeTelegram

SECRET = "kill-test_secret"
BAOCAO = Path(sys.executable).parent / "baocao"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """`baocao run` as a separate process, as in production."""

    def __init__(self, db: str, server: FakeTelegram, tmp: Path, webhook: bool, **env: str) -> None:
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": db,
            "MEDIA_DIR": str(tmp / "media"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": server.base_url,
            "TELEGRAM_BASE_FILE_URL": server.base_file_url,
            "WEB_PORT": str(self.port),
            "LOG_LEVEL": "INFO",
            **env,
        }
        if webhook:
            self.env["TELEGRAM_WEBHOOK_SECRET"] = SECRET
            self.env["PUBLIC_URL"] = f"http://127.0.0.1:{self.port}"
        self.cwd = tmp
        self.log = tmp / "bot.log"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = await asyncio.create_subprocess_exec(
                str(BAOCAO), "run", env=self.env, cwd=self.cwd, stdout=out, stderr=out
            )
        async with ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{self.port}/healthz") as r:
                        if r.status == 200:
                            return
                except OSError:
                    pass
                await asyncio.sleep(0.05)
        raise AssertionError(self.log.read_text())

    async def signal(self, sig: int) -> int:
        """Send `sig` and wait for the exit without blocking the fake server's loop."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        try:
            return await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            raise AssertionError(self.log.read_text()) from None
