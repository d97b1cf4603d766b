"""A flood of webhook updates against `baocao run` (Telegram webhook, SQLite or PostgreSQL): the
bot's memory and how fast the inbox takes and drains the flood.

    python bench/inbox_flood.py [--updates 2000 10000] [--users 200] [--database-url URL]

The fake Bot API server and the flooding client run in this process; the bot (the Telegram
channel and the web server, as `baocao run` starts them) runs as a child process. Telegram's
sending limits are lifted in the child: at 30 messages/s the drain would measure only them. For each flood size the bot starts on a fresh database, members send
texts as fast as 64 connections carry them (Telegram itself opens at most 100), and the bot's
resident memory is sampled from /proc every 20 ms. Printed per size: resident memory after
start, its peak during the flood, updates acknowledged per second (each is in the inbox by
then), and updates handled per second until the inbox is empty. Asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from aiohttp import ClientSession  # noqa: E402

from fakes.telegram_server import TOKEN, FakeTelegram, FakeUser  # noqa: E402

SECRET = "bench_secret"
TEXTS = ["menu", "huong dan", "phat thanh", "huy"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


async def child(url: str, media: str, port: int, base: str) -> None:
    """The bot: the Telegram channel by webhook on the project's web server, no sending limit."""
    import signal

    from bot.channels.telegram import TelegramChannel, TelegramConfig
    from bot.channels.telegram_send import SendPolicy
    from bot.db import close_db, init_db
    from bot.web import WebServer
    from handlers.engine import Engine
    from models.periods import ReportRules

    await init_db(url, apply_migrations=False)
    unlimited = SendPolicy(overall_per_second=1e6, overall_burst=10**6, chat_per_second=1e6)
    config = TelegramConfig(
        token=TOKEN,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        send=unlimited,
        webhook_secret=SECRET,
        public_url=f"http://127.0.0.1:{port}",
    )
    channel = TelegramChannel(Engine(ReportRules(), Path(media)), config)
    web_server = WebServer("127.0.0.1", port)
    web_server.add_routes(channel.name, channel.web_routes())
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await web_server.start()
    await channel.start()
    await stop.wait()
    await web_server.stop()
    await channel.stop()
    await close_db()


async def seed(url: str, users: int) -> None:
    from tortoise import Tortoise

    from bot.db import migrate, tortoise_config
    from handlers.catalog import seed_catalog
    from handlers.registration import link_identity
    from models import Member
    from models.tree import add_unit

    await migrate(url)
    await Tortoise.init(config=tortoise_config(url))
    await seed_catalog()
    top = await add_unit("T", "Tỉnh ủy Thử", reports=False)
    cell = await add_unit("C", "Chi bộ Thử", top)
    for i in range(users):
        m = await Member.create(name=f"Người thử {i}", phone=f"09{i:08d}", unit=cell)
        await link_identity(m, "telegram", str(100_000 + i))
    await Tortoise.close_connections()


async def waiting(url: str) -> int:
    import asyncpg

    if url.startswith("sqlite://"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            return int(
                conn.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]
            )
    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://"))
    try:
        return int(await conn.fetchval("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL"))
    finally:
        await conn.close()


async def fresh_url(base: str | None, tmp: Path, n: int) -> str:
    if not base:
        return f"sqlite://{tmp / f'flood{n}.sqlite3'}"
    import asyncpg

    name = f"baocao_flood_{os.getpid()}_{n}"
    admin = await asyncpg.connect(base.replace("postgres://", "postgresql://"))
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return base.rsplit("/", 1)[0] + "/" + name


async def flood(size: int, users: int, base_url: str | None, tmp: Path) -> dict[str, float]:
    url = await fresh_url(base_url, tmp, size)
    await seed(url, users)
    server = FakeTelegram()
    await server.start()
    port = free_port()
    log = (tmp / f"bot{size}.log").open("ab")
    base = server.base_url.removesuffix("/bot")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--child",
        url,
        str(tmp / "media"),
        str(port),
        base,
        stdout=log,
        stderr=log,
    )
    for _ in range(600):  # until the bot has set its webhook
        if server.webhook is not None:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    start_rss = rss_kb(proc.pid)
    peak = start_rss
    sampling = True

    async def sample() -> None:
        nonlocal peak
        while sampling:
            peak = max(peak, rss_kb(proc.pid))
            await asyncio.sleep(0.02)

    sampler = asyncio.create_task(sample())
    people = [FakeUser(server, 100_000 + i, f"U{i}") for i in range(users)]
    updates = [people[i % users].text(TEXTS[(i // users) % len(TEXTS)]) for i in range(size)]
    for n, u in enumerate(updates):
        u["update_id"] = n + 1
    target = f"http://127.0.0.1:{port}/telegram/webhook"
    statuses: dict[int, int] = {}
    t0 = time.perf_counter()
    async with ClientSession() as http:
        queue: asyncio.Queue[dict] = asyncio.Queue()
        for u in updates:
            queue.put_nowait(u)

        async def sender() -> None:
            while not queue.empty():
                u = queue.get_nowait()
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                async with http.post(target, json=u, headers=headers) as r:
                    statuses[r.status] = statuses.get(r.status, 0) + 1

        await asyncio.gather(*(sender() for _ in range(64)))
    acked = time.perf_counter() - t0
    while await waiting(url):  # noqa: ASYNC110 (the other process empties it)
        await asyncio.sleep(0.2)
    drained = time.perf_counter() - t0
    sampling = False
    await sampler
    proc.terminate()
    await proc.wait()
    await server.stop()
    log.close()
    if base_url:  # the database of this size was the bench's own
        import asyncpg

        admin = await asyncpg.connect(base_url.replace("postgres://", "postgresql://"))
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        await admin.close()
    return {
        "start_mb": start_rss / 1024,
        "peak_mb": peak / 1024,
        "ack_per_s": size / acked,
        "handled_per_s": size / drained,
        "ok": statuses.get(200, 0),
    }


async def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        url, media, port, base = sys.argv[2:6]
        await child(url, media, int(port), base)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"))
    args = parser.parse_args()
    where = "PostgreSQL" if args.database_url else "SQLite"
    print(f"inbox flood on {where}, {args.users} users, Telegram webhook, 64 connections")
    print(
        f"{'updates':>8} {'RSS start':>10} {'RSS peak':>9} {'acked/s':>8} {'handled/s':>10} {'200s':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.updates:
            r = await flood(size, args.users, args.database_url, Path(tmp))
            print(
                f"{size:>8} {r['start_mb']:>8.1f}MB {r['peak_mb']:>7.1f}MB "
                f"{r['ack_per_s']:>8.0f} {r['handled_per_s']:>10.0f} {r['ok']:>6.0f}"
            )


if __name__ == "__main__":
    asyncio.run(main())
