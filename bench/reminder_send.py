"""Draining the outbox through the real Telegram adapter into a fake Bot API server that refuses
with 429 above a cap.

    python bench/reminder_send.py [--reminders 10000] [--cap 30]

Seeds a fresh SQLite database with one member per reminder (each on a chat of their own, so the
per-chat limit of 1/s never binds), writes the outbox rows, then runs bot.sender.OutboxSender
with the TelegramChannel paced at 98% of the cap, as production paces itself under Telegram's
30/s. Prints the achieved rate as a share of the cap (target at least 90%) and the 429s received
(target 0). With the default cap of 30/s the run takes about six minutes; `--cap 100` gives the
same shares in two. Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from tortoise import Tortoise

from bot.channels.telegram import TelegramChannel, TelegramConfig
from bot.channels.telegram_send import SendPolicy
from bot.db import init_db
from bot.sender import OutboxSender
from fakes.telegram_server import TOKEN, FakeTelegram
from handlers.engine import Engine
from handlers.reminders import ReminderPlan
from models import Identity, Member, Outbox, OutboxStatus, Unit
from models.periods import ReportRules

FIRST_CHAT = 500_000


async def seed(n: int) -> None:
    root = await Unit.create(code="ROOT", name="Tỉnh ủy Bench", reports=False, path="/1/")
    await Member.bulk_create(
        [Member(id=i + 1, name=f"Người {i}", phone=None, unit_id=root.id) for i in range(n)],
        batch_size=2000,
    )
    await Identity.bulk_create(
        [
            Identity(
                channel="telegram", account="", external_id=str(FIRST_CHAT + i), member_id=i + 1
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    now = datetime.now(UTC)
    await Outbox.bulk_create(
        [
            Outbox(
                key=f"bench:{i}",
                member_id=i + 1,
                category="notice",
                text="Tổng hợp báo cáo tháng 11/2026: 40/50 đơn vị đã báo cáo.",
                not_before=now,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000)
    parser.add_argument("--cap", type=float, default=30.0, help="the fake's 429 cap, messages/s")
    args = parser.parse_args()
    server = FakeTelegram()
    server.cap_per_second = args.cap
    await server.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite://{tmp}/bench.sqlite3"
        await init_db(url)
        try:
            await seed(args.reminders)
            engine = Engine(ReportRules(), Path(tmp) / "media")
            policy = replace(SendPolicy(), overall_per_second=args.cap * 0.98, overall_burst=1)
            config = TelegramConfig(
                token=TOKEN,
                base_url=server.base_url,
                base_file_url=server.base_file_url,
                send=policy,
                poll_timeout=1,
                request_timeout=5.0,
                shutdown_timeout=5,
            )
            channel = TelegramChannel(engine, config)
            await channel.start()
            plan = ReminderPlan(quiet_start=0, quiet_end=0)  # no quiet hours in a bench
            sender = OutboxSender(engine, [channel], plan, lambda: datetime.now(UTC))
            start = time.perf_counter()
            counts = await sender.drain()
            elapsed = time.perf_counter() - start
            await channel.stop()
            sent = await Outbox.filter(status=OutboxStatus.SENT).count()
            received = len(server.sent(method="sendMessage"))
            rate = sent / elapsed
            print(
                f"{sent} of {args.reminders} outbox messages sent in {elapsed:.1f} s "
                f"(outcomes { {str(k): v for k, v in counts.items()} }); the fake server received {received}"
            )
            print(
                f"  achieved {rate:.1f} messages/s = {rate / args.cap:.1%} of the cap "
                f"({args.cap:g}/s; target at least 90%)"
            )
            print(f"  429 refusals received: {server.flood_refusals} (target 0)")
        finally:
            await Tortoise.close_connections()
            await server.stop()


if __name__ == "__main__":
    asyncio.run(main())
