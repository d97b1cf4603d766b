"""The board's completeness page for a province: 3,000 reporting cells × 12 months, on PostgreSQL.

    python bench/web_completeness.py [--units 3000] [--repeat 10]
                                     [--pg postgres://postgres@127.0.0.1:5432/test]

Seeds a database of its own beside --pg (kept for the next run; --fresh seeds it again): a province, communes of 20 cells, a year of reports (most
cells on time, some late, some nil, some silent), then logs the admin in through a one-time link
and fetches GET /web/ (the current year: every cell's status counted, the province and
communes shown; a commune's cells come when it is opened), the rows of one commune, and the
whole tree at once (?mo=1), `--repeat` times each over HTTP on loopback. Prints the median and best of the whole request (wall
clock, and the CPU time this process spent: on a machine shared with other work the wall clock
grows, the CPU time much less), and of its parts: the year's statuses (models.grid.year_grid) and
the HTML of the cells. Target: the
page (GET /web/) under 300 ms. Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from tortoise import Tortoise, connections
from tortoise.transactions import in_transaction

from bot.db import init_db, migrate, tortoise_config
from bot.web.board import Board, grid_body
from handlers.catalog import seed_catalog
from handlers.weblogin import issue_login
from models import Activity, ActivityKind, Member, NilReport, Role, Unit
from models.grid import year_grid
from models.periods import ReportRules, period_for
from models.tree import add_unit

RULES = ReportRules()
YEAR = 2026
TODAY = datetime(2026, 12, 20, 3, tzinfo=UTC)  # every month of the year but December is due
CELLS_PER_COMMUNE = 20
DB = "baocao_web_bench"


async def pg_database(base: str, fresh: bool) -> str | None:
    try:
        await Tortoise.init(config=tortoise_config(base))
        conn = connections.get("default")
        if fresh:
            await conn.execute_script(f"DROP DATABASE IF EXISTS {DB}")
        _, found = await conn.execute_query("SELECT 1 FROM pg_database WHERE datname = $1", [DB])
        if not found:
            await conn.execute_script(f"CREATE DATABASE {DB}")
        await Tortoise.close_connections()
    except Exception as e:
        print(f"PostgreSQL at {base} not reachable ({e.__class__.__name__}): nothing measured")
        return None
    return base.rsplit("/", 1)[0] + "/" + DB


async def seed(n_units: int) -> Member:
    t0 = time.perf_counter()
    await seed_catalog()
    kind = await ActivityKind.get(code="phat_thanh")
    province = await add_unit("TU", "Tỉnh ủy Bench", None, reports=False)
    cells: list[Unit] = []
    commune: Unit | None = None
    async with in_transaction():
        for i in range(n_units):
            if i % CELLS_PER_COMMUNE == 0:
                n = i // CELLS_PER_COMMUNE + 1
                commune = await add_unit(
                    f"X{n:03d}", f"Đảng ủy xã Bench {n}", province, reports=False
                )
            cells.append(await add_unit(f"C{i:05d}", f"Chi bộ bản Bench {i}", commune))
    await Member.bulk_create(
        [Member(name=f"Bí thư {i}", phone=f"09{i:08d}", unit_id=c.id) for i, c in enumerate(cells)]
    )
    reporter = {m.unit_id: m.id for m in await Member.filter(role=Role.REPORTER)}
    admin = await Member.create(name="Quản trị", phone="0999999999", role=Role.ADMIN, unit=province)
    for month in range(1, 13):
        start = date(YEAR, month, 1)
        period = await period_for(start, RULES)
        on_time = datetime.combine(period.deadline - timedelta(days=6), datetime.min.time(), UTC)
        late = datetime.combine(period.deadline + timedelta(days=3), datetime.min.time(), UTC)
        acts, nils = [], []
        for i, c in enumerate(cells):
            roll = (i * 7 + month * 13) % 20
            if month == 12 and roll > 4:
                continue  # December is still open: a few have reported
            if roll < 14 or roll == 19:
                acts.append(
                    Activity(
                        unit_id=c.id, kind_id=kind.id, period_id=period.id,
                        reporter_id=reporter[c.id], activity_date=start,
                        data={"date": start.isoformat(), "sessions": 2, "minutes": 30},
                        channel="bench", created_at=late if roll == 19 else on_time,
                    )
                )  # fmt: skip
            elif roll < 16:
                nils.append(
                    NilReport(unit_id=c.id, period_id=period.id, reporter_id=reporter[c.id])
                )
        await Activity.bulk_create(acts, batch_size=5000)
        await NilReport.bulk_create(nils, batch_size=5000)
    # Statistics as a live database has them (autovacuum): plans for the real row counts.
    await connections.get("default").execute_script("ANALYZE")
    print(
        f"  seeded {await Activity.all().count()} reports, {await NilReport.all().count()} nil, "
        f"{len(cells)} cells in {await Unit.filter(reports=False).count()} groups, "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    return admin


async def measure(url: str, n_units: int, repeat: int) -> None:
    await migrate(url)
    await init_db(url, apply_migrations=False)
    try:
        seeded = await Unit.filter(reports=True).count()
        if seeded not in (0, n_units):
            print(f"  {DB} holds {seeded} cells, not {n_units}: run with --fresh")
            return
        admin = await seed(n_units) if not seeded else await Member.get(role=Role.ADMIN)
        if seeded:
            print(f"  {DB} already seeded ({seeded} cells); --fresh seeds again")
        province = await Unit.get(code="TU")

        def clock() -> datetime:
            return TODAY

        with tempfile.TemporaryDirectory() as media:
            board = Board(
                RULES, Path(media), "http://bench", b"bench", Settings(_env_file=None), clock
            )
            app = web.Application()
            board.install(app)
            client = TestClient(TestServer(app))
            await client.start_server()
            try:
                link = (await issue_login(admin.id, clock())).removeprefix("http://bench")
                await client.post(link)
                whole, cpu, every, rows, query, query_all, render = [], [], [], [], [], [], []
                size = size_all = 0
                commune = await Unit.get(code="X001")
                for _ in range(repeat):
                    t0, c0 = time.perf_counter(), time.process_time()
                    r = await client.get("/web/", headers={"Accept-Encoding": "gzip"})
                    body = await r.read()
                    whole.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                    assert r.status == 200, r.status
                    size = len(body)
                    t0 = time.perf_counter()
                    r = await client.get(f"/web/rows?nam={YEAR}&dv={commune.id}&l=1")
                    await r.read()
                    rows.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    r = await client.get("/web/?mo=1", headers={"Accept-Encoding": "gzip"})
                    size_all = len(await r.read())
                    every.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    await year_grid(province, YEAR, RULES, clock().date(), province.depth + 1)
                    query.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    grid = await year_grid(province, YEAR, RULES, clock().date())
                    query_all.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    grid_body(grid, 0, YEAR)  # every level, as ?mo=1
                    render.append(time.perf_counter() - t0)
                cells = len(grid.rows) * len(grid.periods)
            finally:
                await client.close()

        def ms(xs: list[float]) -> str:
            return f"median {statistics.median(xs) * 1000:.0f} ms, best {min(xs) * 1000:.0f} ms"

        print(f"  the year: {len(grid.rows)} units × {len(grid.periods)} months = {cells} cells")
        print(f"  GET /web/ (all {cells} cells counted, province and communes shown, "
              f"{size / 1024:.0f} KB): {ms(whole)}   target < 300 ms")  # fmt: skip
        print(f"    CPU time of this process (client and server) per request: {ms(cpu)}")
        print(f"    of which the year's counts (models.grid.year_grid): {ms(query)}")
        print(f"  GET /web/rows (a commune opened: its {CELLS_PER_COMMUNE} cells): {ms(rows)}")
        print(f"  GET /web/?mo=1 (every level, {size_all / 1024:.0f} KB): {ms(every)}")
        print(f"    of which the year's counts and every cell's status: {ms(query_all)}")
        print(f"    of which the HTML of {cells} cells (grid_body): {ms(render)}")
    finally:
        await Tortoise.close_connections()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--fresh", action="store_true", help="drop and seed the database again")
    args = parser.parse_args()
    url = asyncio.run(pg_database(args.pg, args.fresh))
    if url is None:
        return
    print(f"PostgreSQL ({url}):")
    asyncio.run(measure(url, args.units, args.repeat))


if __name__ == "__main__":
    main()
