"""The `baocao` command as a newcomer uses it: every subcommand says what it does, Ctrl-C ends it at
once and quietly, and the console's photo command takes images only."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.channels.console import run_console
from bot.cli import build_parser
from factories import World
from handlers import texts as T
from handlers.engine import Engine
from models import Media

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def test_every_subcommand_says_what_it_does() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices  # type: ignore[truthy-bool]
    for name, command in sub.choices.items():  # type: ignore[union-attr]
        text = command.format_help()
        description = (command.description or "").strip()
        assert description and " / " in description, name  # Vietnamese / English
        assert description.split()[0] in text, name


def _spawn(tmp_path: Path, db: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": db, "MEDIA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"}
    return subprocess.Popen(
        [sys.executable, "-m", "bot.launch", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("when", ["loading", "waiting for input"])
async def test_ctrl_c_ends_baocao_chat_at_once_without_a_traceback(
    db: str, world: World, tmp_path: Path, when: str
) -> None:
    proc = _spawn(tmp_path, db, "chat", "--as", world.reporter.phone)
    assert proc.stdout is not None
    if when == "waiting for input":
        assert any("Chọn việc" in proc.stdout.readline() for _ in range(5))
    else:
        await asyncio.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - started < 10  # at once: no wait for a blocked read
    assert "Traceback" not in err, err
    assert proc.returncode in (0, 130, -signal.SIGINT)  # -2: before Python took the signal


async def test_the_photo_command_takes_images_only(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    text_file = tmp_path / "ghi-chu.txt"
    text_file.write_text("không phải ảnh")
    photo = tmp_path / "anh.jpg"
    photo.write_bytes(JPEG)
    out = io.StringIO()
    script = [
        "pt hom nay 2 buoi 30 phut nghi quyet 21 Loa",
        f"/anh {text_file}",
        f"/anh {tmp_path / 'khong-co.jpg'}",
        f"/anh {photo}",
        "?",
    ]
    await run_console(engine, world.reporter.phone, script, out)
    said = out.getvalue()
    assert T.CONSOLE_NOT_IMAGE.format(name="ghi-chu.txt") in said
    assert "Không thấy tệp" in said
    assert "Đã nhận 1 ảnh" in said
    assert await Media.all().count() == 1
