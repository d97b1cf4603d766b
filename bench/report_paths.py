"""What a report costs the reporter and the Zalo quota, path by path.

    python bench/report_paths.py

Replays a fixed set of reports through the engine, on the demo province (a fresh SQLite file): a
one-line report, "như lần trước" and step by step for each kind, and step by step with the
mistakes reporters make (hours for minutes, a day that does not exist, a skipped place). For each
path it prints the reporter's messages from the menu to the receipt, the bot's messages (each one
a Zalo message, counted against the bot's monthly quota), the characters the bot sent as Zalo
shows them, and the longest bot message (at most 300 is the budget). Prints figures; asserts
nothing but that each path ends with a receipt."""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tortoise import Tortoise

from bot.channels.zalo_common import numbered
from bot.db import init_db, migrate
from bot.demo import DEMO_PHONE, seed_demo
from handlers.engine import Engine
from handlers.messages import Incoming
from models.periods import VN_TZ, ReportRules

RULES = ReportRules(period_months=1, deadline_day=5, lock_days=10)
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=VN_TZ).astimezone(UTC)

PATHS: list[tuple[str, str, list[str]]] = [
    ("một dòng", "Phát thanh loa", ["pt hom qua 2 buoi 45 phut nghi quyet 21", "luu"]),
    ("một dòng", "Cổ động trực quan", ["3 bang ron 2 khau hieu 10/11 nga ba ban", "1", "luu"]),
    ("một dòng", "Hội họp, sinh hoạt", ["hop chi bo 14/11 25 nguoi 90 phut nghi quyet 21", "luu"]),
    ("như lần trước", "Phát thanh loa", ["nhu lan truoc phat thanh", "luu"]),
    ("như lần trước", "Hội họp, sinh hoạt", ["nhu lan truoc hop hom qua", "luu"]),
    ("từng bước", "Phát thanh loa", ["1", "hom qua", "2", "45", "1", "luu"]),
    ("từng bước", "Cổ động trực quan", ["2", "hom nay", "3 bang ron", "1", "luu"]),
    ("từng bước", "Hội họp, sinh hoạt", ["3", "hom nay", "1", "25", "90", "1", "luu"]),
    (
        "từng bước, có lỗi",
        "Phát thanh loa",
        ["1", "31/02", "hom qua", "45 phut", "2", "2 tieng", "bo qua", "1, 3", "luu"],
    ),
    (
        "từng bước, có lỗi",
        "Cổ động trực quan",
        ["2", "12/13", "hom nay", "bang ron", "3 bang ron", "😀", "1", "luu"],
    ),
]


@dataclass
class Figures:
    reporter: int = 0
    bot: int = 0
    chars: int = 0
    longest: int = 0
    receipt: bool = False


async def replay(engine: Engine, script: list[str]) -> Figures:
    fig = Figures()
    await engine.handle(Incoming("console", DEMO_PHONE, text="/huy"))
    for text in script:
        fig.reporter += 1
        replies = await engine.handle(Incoming("console", DEMO_PHONE, text=text))
        for reply in replies:
            shown = numbered(reply)
            fig.bot += 1
            fig.chars += len(shown)
            fig.longest = max(fig.longest, len(shown))
            fig.receipt = fig.receipt or "Đã lưu BC-" in reply.text
        if fig.receipt:
            break
    return fig


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        await migrate(url)
        await init_db(url)
        await seed_demo(RULES, NOW)
        engine = Engine(RULES, Path(tmp) / "media", clock=lambda: NOW)
        print(f"{'đường':<20} {'loại':<20} {'tin người báo':>13} {'tin bot':>8}"
              f" {'ký tự bot':>10} {'dài nhất':>9}")  # fmt: skip
        for path, kind, script in PATHS:
            fig = await replay(engine, script)
            status = "" if fig.receipt else "  (KHÔNG LƯU ĐƯỢC)"
            print(f"{path:<20} {kind:<20} {fig.reporter:>13} {fig.bot:>8} {fig.chars:>10}"
                  f" {fig.longest:>9}{status}")  # fmt: skip
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main())
