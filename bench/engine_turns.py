"""Engine throughput and latency with the database, beside the bare load-and-save ceiling.

    python bench/engine_turns.py [--reporters 200] [--reports 3] [--pg postgres://...]

For each database (a fresh SQLite file, and PostgreSQL when reachable):
1. saturation: every reporter completes `--reports` broadcast reports through Engine.handle, all
   at once with no pause (closed loop): turns per second;
2. the ceiling in the same run: per turn, one transaction that loads one conversation-state row
   (SELECT ... FOR UPDATE) and saves it, with the same concurrency: turns per second, and the
   engine's share of it;
3. latency: the same reporters answer at a steady pace (`--rate` turns per second in all, far
   above what people type): p50/p95/max per turn.
Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.transactions import in_transaction

from bot.db import init_db, migrate, tortoise_config
from handlers.catalog import seed_catalog
from handlers.engine import Engine
from handlers.messages import Incoming
from handlers.registration import link_identity
from models import Identity, Member
from models.periods import ReportRules
from models.tree import add_unit

SCRIPT = ["1", "hom nay", "3 buoi", "90", "1, 3", "Cụm loa trung tâm", "1"]


async def seed(n: int) -> list[str]:
    await seed_catalog()
    root = await add_unit("ROOT", "Tỉnh ủy Bench", reports=False)
    ids = []
    for i in range(n):
        unit = await add_unit(f"C{i}", f"Chi bộ {i}", root)
        member = await Member.create(name=f"Người {i}", phone=f"09{i:08d}", unit=unit)
        await link_identity(member, "console", f"r{i}")
        ids.append(f"r{i}")
    return ids


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


async def engine_saturation(engine: Engine, who: list[str], reports: int) -> tuple[float, int]:
    async def reporter(ext: str) -> int:
        n = 0
        for _ in range(reports):
            for text in SCRIPT:
                await engine.handle(Incoming("console", ext, text=text))
                n += 1
        return n

    start = time.perf_counter()
    turns = sum(await asyncio.gather(*(reporter(w) for w in who)))
    return turns / (time.perf_counter() - start), turns


async def bare_saturation(who: list[str], turns_each: int) -> float:
    async def reporter(ext: str) -> None:
        for i in range(turns_each):
            async with in_transaction():
                row = await (
                    Identity.filter(channel="console", account="", external_id=ext)
                    .select_for_update()
                    .first()
                )
                assert row is not None
                state = dict(row.state or {})
                state["n"] = i
                await Identity.filter(id=row.id).update(
                    state=state, state_version=row.state_version + 1
                )

    start = time.perf_counter()
    await asyncio.gather(*(reporter(w) for w in who))
    return len(who) * turns_each / (time.perf_counter() - start)


async def engine_latency(
    engine: Engine, who: list[str], rate: float, seconds: float
) -> list[float]:
    """Each reporter sends its next answer every len(who)/rate seconds, staggered."""
    interval = len(who) / rate
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def reporter(k: int, ext: str) -> None:
        await asyncio.sleep(k * interval / len(who))
        i = 0
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            await engine.handle(Incoming("console", ext, text=SCRIPT[i % len(SCRIPT)]))
            latencies.append(time.perf_counter() - t0)
            i += 1
            await asyncio.sleep(max(0.0, interval - (time.perf_counter() - t0)))

    await asyncio.gather(*(reporter(k, w) for k, w in enumerate(who)))
    return latencies


async def run(label: str, url: str, args: argparse.Namespace) -> None:
    await migrate(url)
    await init_db(url, apply_migrations=False)
    try:
        who = await seed(args.reporters)
        engine = Engine(ReportRules(), Path(tempfile.mkdtemp()) / "media")
        await engine.handle(Incoming("console", who[0], text="/start"))  # warm the catalogue
        rate, turns = await engine_saturation(engine, who, args.reports)
        bare = await bare_saturation(who, len(SCRIPT) * args.reports)
        lat = await engine_latency(engine, who, args.rate, args.seconds)
        print(
            f"{label}: {len(who)} reporters at once, {turns} engine turns "
            f"({turns // len(SCRIPT)} complete reports)"
        )
        print(f"  engine saturation      {rate:8.0f} turns/s")
        print(f"  bare load-and-save     {bare:8.0f} turns/s   engine = {rate / bare:.0%} of it")
        print(
            f"  latency at {args.rate:.0f} turns/s  p50 {pct(lat, 50):.1f} ms   "
            f"p95 {pct(lat, 95):.1f} ms   max {max(lat) * 1000:.1f} ms   "
            f"(mean {statistics.mean(lat) * 1000:.1f} ms over {len(lat)} turns)"
        )
    finally:
        await Tortoise.close_connections()


async def pg_database(base: str) -> str | None:
    """A fresh database beside `base` for this run, or None when PostgreSQL is not reachable."""
    try:
        await Tortoise.init(config=tortoise_config(base))
        conn = connections.get("default")
        await conn.execute_script("DROP DATABASE IF EXISTS baocao_bench")
        await conn.execute_script("CREATE DATABASE baocao_bench")
        await Tortoise.close_connections()
    except Exception as e:
        print(f"PostgreSQL at {base} not reachable ({e.__class__.__name__}): skipped")
        return None
    return base.rsplit("/", 1)[0] + "/baocao_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--reports", type=int, default=3)
    parser.add_argument(
        "--rate", type=float, default=200.0, help="turns per second in all during the latency run"
    )
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--only", help=argparse.SUPPRESS)  # one database, in a child process
    args = parser.parse_args()
    if args.only:
        label, url = args.only.split("=", 1)
        asyncio.run(run(label, url, args))
        return
    # Each database in a process of its own: Tortoise keeps per-dialect state between inits.
    child = [sys.executable, __file__, *sys.argv[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([*child, "--only", f"SQLite=sqlite://{tmp}/bench.sqlite3"], check=True)
    if args.pg:
        url = asyncio.run(pg_database(args.pg))
        if url:
            subprocess.run([*child, "--only", f"PostgreSQL={url}"], check=True)


if __name__ == "__main__":
    main()
