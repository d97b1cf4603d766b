"""The Telegram channel under load, beside a bare python-telegram-bot echo bot, in one run.

    python bench/telegram_bench.py [--users 40] [--reports 2] [--rate 100] [--repeat 5] [--steady-repeat 3]

The fake Bot API servers (tests/fakes) and the simulated users run in this process; each bot runs
in a child process of its own, polling its fake server over loopback, so a bot has a core to
itself as it would in production:

1. the full bot (bot.channels.telegram on a fresh SQLite file): every user completes `--reports`
   broadcast reports by button taps, typed numbers and a photo (downloaded via getFile);
2. a bare PTB echo bot (ApplicationBuilder defaults, one MessageHandler) gets as many updates;
3. then the full bot again, receiving by webhook on the project's web server (same DB).

Each is measured in two phases: saturation (users answer the moment the bot's question arrives:
updates per second) and steady load (`--rate` updates/s in all: latency from the update being
available to the bot's first message in reply, p50/p95, the median of `--steady-repeat` runs).
The full and echo bots take turns, `--repeat` saturation runs each, so that both meet the
machine's other work alike; the ratio is the median of each pair's.
Telegram's rate limits are lifted for the full bot (30 messages/s would cap both bots alike and
measure nothing). Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.telegram_server import TOKEN, Call, FakeTelegram, FakeUser  # noqa: E402

REPORT = [
    ("press", "Phát thanh loa"),
    ("press", "Hôm nay"),
    ("text", "3"),
    ("text", "90"),
    ("press", "Nghị quyết Đại hội"),
    ("press", "Xong"),
    ("text", "Cụm loa trung tâm"),
    ("press", "Bỏ qua"),
    ("photo", ""),
    ("press", "Xong"),
    ("press", "Lưu báo cáo"),
]
FIRST_USER = 100_000


# -- the bots (child processes) ----------------------------------------------------------------


async def run_full_bot(base: str, database: str, media: str, web_port: int) -> None:
    """The product's channel as `baocao run` starts it; a webhook when `web_port` is given."""
    from bot.channels.telegram import TelegramChannel, TelegramConfig
    from bot.channels.telegram_send import SendPolicy
    from bot.db import close_db, init_db
    from bot.web import WebServer
    from handlers.catalog import seed_catalog
    from handlers.engine import Engine
    from models.periods import ReportRules

    await init_db(database, apply_migrations=False)
    await seed_catalog()
    unlimited = SendPolicy(overall_per_second=1e6, overall_burst=10**6, chat_per_second=1e6)
    config = TelegramConfig(
        token=TOKEN,
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        send=unlimited,
        webhook_secret="bench-secret" if web_port else "",
        public_url=f"http://127.0.0.1:{web_port}",
    )
    channel = TelegramChannel(Engine(ReportRules(), Path(media)), config)
    web_server = WebServer("127.0.0.1", web_port)
    web_server.add_routes(channel.name, channel.web_routes())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    if web_port:
        await web_server.start()
    await channel.start()
    await stop.wait()
    await web_server.stop()
    await channel.stop()
    await close_db()


def run_echo_bot(base: str) -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=10)


# -- the users (this process) ------------------------------------------------------------------


@dataclass
class Run:
    """Users walking their scripts against one bot; each turn starts when the last one ended."""

    server: FakeTelegram
    users: list[FakeUser]
    script: list[tuple[str, str]]
    turn_ended: Callable[[Call], bool]
    think: float = 0.0  # seconds a user waits before answering
    latencies: list[float] = field(default_factory=list)
    _pushed_at: dict[int, float] = field(default_factory=dict)
    _step: dict[int, int] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _done: asyncio.Event = field(default_factory=asyncio.Event)
    _left: int = 0
    _photos: int = 0

    def on_call(self, call: Call) -> None:
        chat = call.chat_id
        if chat not in self._step or call.method not in ("sendMessage", "sendDocument"):
            return
        if chat in self._pushed_at:
            self.latencies.append(time.perf_counter() - self._pushed_at.pop(chat))
        if self.turn_ended(call):
            task = asyncio.get_running_loop().create_task(self._next(self.users_by_id[chat]))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _next(self, user: FakeUser) -> None:
        i = self._step[user.id]
        if i >= len(self.script):
            self._left -= 1
            if not self._left:
                self._done.set()
            return
        self._step[user.id] = i + 1
        if self.think and i:
            await asyncio.sleep(self.think)
        kind, value = self.script[i]
        if kind == "text":
            update = user.text(value)
        elif kind == "press":
            update = user.press(value)
        else:
            self._photos += 1
            update = user.photo(b"\xff\xd8\xff\xe0" + self._photos.to_bytes(8, "big") * 400)
        self._pushed_at[user.id] = time.perf_counter()
        await self.server.push(update)

    async def go(self) -> float:
        self.users_by_id = {u.id: u for u in self.users}
        self._step = {u.id: 0 for u in self.users}
        self._left = len(self.users)
        self.server.on_call = self.on_call
        started = time.perf_counter()
        for user in self.users:
            await self._next(user)
            if self.think:  # spread the first messages over one think time
                await asyncio.sleep(self.think / len(self.users))
        await self._done.wait()
        self.server.on_call = None
        return time.perf_counter() - started


def process_cpu(pid: int | None) -> float:
    """CPU seconds a child has used (Linux): a bot's cost per update, whatever else the machine
    is doing at the time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


class BotUnderTest:
    """One bot in its child process, with its own fake server and users."""

    def __init__(
        self,
        name: str,
        child: list[str],
        script: list[tuple[str, str]],
        ended: Callable[[Call], bool],
        args: argparse.Namespace,
    ) -> None:
        self.name, self.child, self.script, self.ended, self.args = name, child, script, ended, args
        self.server = FakeTelegram()
        self.runs: dict[str, list[dict[str, float]]] = {"saturation": [], "steady": []}

    async def start(self) -> None:
        await self.server.start()
        base = f"http://127.0.0.1:{self.server.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, *self.child, "--base", base, env=env
        )
        if "--port" in self.child:
            await self.server.wait_webhook()
        else:
            await self.server.wait_polling()
        # The same users in every run: their message ids go on counting, as on a phone.
        # A later run on the same database must not look like repeats of the earlier one.
        first_id = int(time.time() * 1000) % 10**9
        self.users = [
            FakeUser(self.server, FIRST_USER + i, first_id=first_id) for i in range(self.args.users)
        ]

    async def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.proc.wait(), 30)
        await self.server.stop()

    async def run(self, phase: str) -> None:
        think = 0.0 if phase == "saturation" else self.args.users / self.args.rate
        run = Run(self.server, self.users, self.script, self.ended, think=think)
        cpu_before = process_cpu(self.proc.pid)
        own_before = own_cpu()
        elapsed = await run.go()
        own = own_cpu() - own_before
        n = len(run.latencies)
        figures = {
            "rate": n / elapsed,
            "cpu": (process_cpu(self.proc.pid) - cpu_before) / n * 1000,
            "p50": pct(run.latencies, 50),
            "p95": pct(run.latencies, 95),
        }
        self.runs[phase].append(figures)
        print(
            f"{self.name:>9} {phase:<10} {n:5d} updates in {elapsed:6.2f} s: "
            f"{figures['rate']:7.1f} updates/s; update→reply p50 {figures['p50']:6.1f} ms,"
            f" p95 {figures['p95']:6.1f} ms, max {pct(run.latencies, 100):6.1f} ms;"
            f" bot CPU {figures['cpu']:4.1f} ms/update;"
            f" fake server and users {own / elapsed:4.0%} of a core",
            flush=True,
        )

    def median(self, phase: str, key: str) -> float:
        return statistics.median(r[key] for r in self.runs[phase])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_question(call: Call) -> bool:
    return bool(call.inline)


async def prepare(database: str, users: int) -> None:
    from bot.db import close_db, init_db
    from handlers.catalog import seed_catalog
    from handlers.registration import link_identity
    from models import Member
    from models.tree import add_unit

    await init_db(database)
    await seed_catalog()
    root = await add_unit("ROOT", "Tỉnh ủy Bench", reports=False)
    for i in range(users):
        unit = await add_unit(f"C{i}", f"Chi bộ {i}", root)
        member = await Member.create(name=f"Người {i}", phone=f"09{i:08d}", unit=unit)
        await link_identity(member, "telegram", str(FIRST_USER + i))
    await close_db()


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite://{tmp}/bench.sqlite3"
        await prepare(database, args.users)
        script = [("text", "/start"), *REPORT * args.reports]
        print(
            f"{args.users} users, {len(script)} updates each; steady load {args.rate:.0f} updates/s",
            flush=True,
        )
        full_bot = ["--child", "full", "--db", database, "--media", f"{tmp}/media"]
        full = BotUnderTest("full bot", full_bot, script, is_question, args)
        echo_script = [("text", f"tin nhắn {i}") for i in range(len(script))]
        echo = BotUnderTest("echo bot", ["--child", "echo"], echo_script, lambda c: True, args)
        phases = ["saturation"] * args.repeat + ["steady"] * args.steady_repeat
        await full.start()
        await echo.start()
        # Turn about, so that both bots meet the machine's other work alike; the ratio is the
        # median of each pair's.
        for phase in phases:
            await full.run(phase)
            await echo.run(phase)
        await full.stop()
        await echo.stop()
        hook = ["--port", str(free_port())]
        webhook = BotUnderTest("+webhook", [*full_bot, *hook], script, is_question, args)
        await webhook.start()
        for phase in phases:
            await webhook.run(phase)
        await webhook.stop()
    pairs = list(zip(full.runs["saturation"], echo.runs["saturation"], strict=True))
    ratio = statistics.median(f["rate"] / e["rate"] for f, e in pairs)
    cpu_ratio = statistics.median(e["cpu"] / f["cpu"] for f, e in pairs)
    print(
        f"full bot {full.median('saturation', 'rate'):.0f} updates/s"
        f" ({full.median('saturation', 'cpu'):.1f} ms CPU each),"
        f" echo bot {echo.median('saturation', 'rate'):.0f} updates/s"
        f" ({echo.median('saturation', 'cpu'):.1f} ms CPU each), medians of {args.repeat} runs\n"
        f"full / echo at saturation: {ratio:.2f} by wall clock, {cpu_ratio:.2f} by CPU per update"
        f" (target ≥ 0.5); p95 update→reply at {args.rate:.0f} updates/s:"
        f" {full.median('steady', 'p95'):.1f} ms polling,"
        f" {webhook.median('steady', 'p95'):.1f} ms webhook (target < 50; medians of"
        f" {args.steady_repeat} runs)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--reports", type=int, default=2)
    parser.add_argument("--rate", type=float, default=100.0, help="updates/s in the steady phase")
    parser.add_argument("--repeat", type=int, default=5, help="saturation runs per bot (median)")
    parser.add_argument("--steady-repeat", type=int, default=3, help="steady runs per bot (median)")
    parser.add_argument("--child", choices=["full", "echo"])
    parser.add_argument("--base")
    parser.add_argument("--db")
    parser.add_argument("--media")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    if args.child == "full":
        asyncio.run(run_full_bot(args.base, args.db, args.media, args.port))
    elif args.child == "echo":
        run_echo_bot(args.base)
    else:
        asyncio.run(main(args))
