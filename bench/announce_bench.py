"""An announcement to 10,000 members through the outbox and the real Telegram adapter, into a fake
Bot API server that refuses with 429 above a cap.

    python bench/announce_bench.py [--members 10000] [--cap 30]

Seeds a fresh SQLite database with a province, a commune under it and the members in the
commune (each on a Telegram chat of their own), then sends one notice from the province with
handlers.directive_actions.send_notice (the same call as the chat's "Gửi thông báo" and
`baocao announce`) and drains the outbox with bot.sender.OutboxSender, the Telegram adapter paced
at 98% of the cap as in production. Prints the time to queue the notice, the achieved rate as a
share of the cap (target at least 90%) and the 429s received (target 0). With the default cap of
30/s the run takes about six minutes. Prints figures; asserts nothing."""

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
from handlers.directive_actions import send_notice
from handlers.engine import Engine
from handlers.reminders import ReminderPlan
from models import Identity, Member, Outbox, OutboxStatus, Unit
from models.periods import ReportRules
from models.tree import add_unit

FIRST_CHAT = 600_000
TEXT = "Hội nghị quán triệt Hướng dẫn 41-HD/BTGTU dời sang 8 giờ sáng thứ Sáu, tại hội trường xã."


async def seed(n: int) -> None:
    province = await add_unit("TU", "Tỉnh ủy Bench", reports=False)
    commune = await add_unit("X", "Đảng ủy xã Bench", province, reports=False)
    await Member.bulk_create(
        [Member(id=i + 1, name=f"Người {i}", phone=None, unit_id=commune.id) for i in range(n)],
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


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--cap", type=float, default=30.0, help="the fake's 429 cap, messages/s")
    args = parser.parse_args()
    server = FakeTelegram()
    server.cap_per_second = args.cap
    await server.start()
    with tempfile.TemporaryDirectory() as tmp:
        await init_db(f"sqlite://{tmp}/bench.sqlite3")
        try:
            await seed(args.members)
            province = await Unit.get(code="TU")
            start = time.perf_counter()
            _, queued = await send_notice(province, None, TEXT, datetime.now(UTC))
            queue_s = time.perf_counter() - start
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
            print(f"notice queued for {queued} members in {queue_s:.2f} s")
            print(
                f"{sent} of {queued} sent in {elapsed:.1f} s (outcomes "
                f"{ {str(k): v for k, v in counts.items()} }); the fake server received {received}"
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
