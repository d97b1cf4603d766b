"""The due-list query at scale: who must be reminded, with 50,000 units and 1,000,000 activities.

    python bench/due_list.py [--pg postgres://postgres@127.0.0.1:5432/test] [--units 50000]
                             [--activities 1000000]

Seeds a fresh PostgreSQL database beside the one named (COPY, a minute or so), then times
models.queries.due_units for one period: warm-up, then the median, p95 and max of 20 runs.
Target: under 200 ms. Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from datetime import UTC, date, datetime

import asyncpg
from tortoise import Tortoise

from bot.db import init_db, migrate
from models import Period
from models.periods import ReportRules, bounds_for, period_for
from models.queries import due_units

MONTHS = 12


async def seed(dsn: str, units: int, activities: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO activity_kinds (id, code, name, fields_spec, position, active) "
            "VALUES (1, 'phat_thanh', 'Phát thanh loa', '[]', 0, true)"
        )
        await conn.execute(
            "INSERT INTO units (id, code, name, level, parent_id, path, depth, reports, active, "
            "position, created_at) VALUES (1, 'ROOT', 'Tỉnh ủy', '', NULL, '/1/', 0, false, true,"
            " 0, now())"
        )
        communes = max(units // 100, 1)
        rows = []
        for i in range(2, units + 1):
            if i <= communes + 1:
                rows.append((i, f"X{i}", f"Đảng ủy xã {i}", "", 1, f"/1/{i}/", 1, False, True, 0))
            else:
                parent = 2 + (i % communes)
                rows.append(
                    (i, f"C{i}", f"Chi bộ {i}", "", parent, f"/1/{parent}/{i}/", 2, True, True, 0)
                )
        await conn.copy_records_to_table(
            "units",
            records=[(*r, datetime.now(UTC)) for r in rows],
            columns=[
                "id",
                "code",
                "name",
                "level",
                "parent_id",
                "path",
                "depth",
                "reports",
                "active",
                "position",
                "created_at",
            ],
        )
        await conn.execute(
            "INSERT INTO members (id, name, phone, role, unit_id, active, "
            "created_at) VALUES (1, 'Bench', NULL, 'reporter', 1, true, now())"
        )
        for m in range(1, MONTHS + 1):
            b = bounds_for(date(2026, m, 1), ReportRules())
            await conn.execute(
                'INSERT INTO periods (id, start, "end", deadline, locks_on) '
                "VALUES ($1, $2, $3, $4, $5)",
                m,
                b.start,
                b.end,
                b.deadline,
                b.locks_on,
            )
        cells = [r[0] for r in rows if r[7]]
        rng = random.Random(7)
        data = json.dumps({"sessions": 2, "minutes": 30})
        now = datetime.now(UTC)
        batch = []
        for n in range(1, activities + 1):
            month = rng.randint(1, MONTHS)
            batch.append(
                (n, rng.choice(cells), 1, month, 1, date(2026, month, 10), data, 1, "", now, now)
            )
            if len(batch) == 100_000:
                await _copy_activities(conn, batch)
                batch = []
        if batch:
            await _copy_activities(conn, batch)
        await conn.execute("VACUUM ANALYZE")  # what autovacuum keeps up in production
    finally:
        await conn.close()


async def _copy_activities(conn: asyncpg.Connection, batch: list[tuple]) -> None:
    await conn.copy_records_to_table(
        "activities",
        records=batch,
        columns=[
            "id",
            "unit_id",
            "kind_id",
            "period_id",
            "reporter_id",
            "activity_date",
            "data",
            "version",
            "channel",
            "created_at",
            "updated_at",
        ],
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--units", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    args = parser.parse_args()
    admin = await asyncpg.connect(args.pg.replace("postgres://", "postgresql://"))
    await admin.execute("DROP DATABASE IF EXISTS baocao_due_bench")
    await admin.execute("CREATE DATABASE baocao_due_bench")
    await admin.close()
    url = args.pg.rsplit("/", 1)[0] + "/baocao_due_bench"
    await migrate(url)
    t0 = time.perf_counter()
    await seed(url.replace("postgres://", "postgresql://"), args.units, args.activities)
    print(
        f"seeded {args.units} units, {args.activities} activities over {MONTHS} months "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    await init_db(url, apply_migrations=False)
    try:
        period = await Period.get(id=11)
        assert period == await period_for(date(2026, 11, 20), ReportRules())
        for _ in range(3):
            due = await due_units(period)
        times = []
        for _ in range(20):
            t = time.perf_counter()
            due = await due_units(period)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(
            f"due list for {period.start:%m/%Y}: {len(due)} of "
            f"{args.units - args.units // 100 - 1} reporting units due"
        )
        print(
            f"  median {statistics.median(times):.1f} ms   p95 {times[18]:.1f} ms   "
            f"max {times[-1]:.1f} ms   (target < 200 ms)"
        )
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main())
