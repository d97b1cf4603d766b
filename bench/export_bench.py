"""The Excel export at scale, beside what openpyxl alone takes to write the same cells.

    python bench/export_bench.py [--activities 100000] [--units 3000] [--repeat 3]
                                 [--pg postgres://postgres@127.0.0.1:5432/test]

For each database (a fresh SQLite file, and PostgreSQL when --pg is given and reachable):
1. seed one monthly period: `--units` reporting cells under communes of 30, `--activities`
   reports spread over them (bulk_create), a few nil reports, some units late, some silent;
2. export the period for the whole tree with exports.report.write_report, timed from the first
   query to the saved file; then again with the narrative report (.docx) beside it, whose own
   cost is the difference;
3. read the export's cells back and write them again with bare openpyxl write-only, timed: once
   with each cell's own style (stamped from one prototype per style, as the export does), once as
   plain values. Neither touches the database: together they are the floor an export sits on.
Every step runs in a fresh process, alternating, `--repeat` times; the best of each is printed
(other work on the machine only ever adds time). Peak memory is resource.getrusage ru_maxrss of
the export process (interpreter and libraries included), not tracemalloc.
Prints figures; asserts nothing. Targets: export / bare at most 1.3, peak under 200 MB."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from copy import copy
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from tortoise import Tortoise, connections
from tortoise.transactions import in_transaction

from bot.db import init_db, migrate, tortoise_config
from exports.lines import Letterhead
from exports.report import ReportScope, write_report
from handlers.catalog import seed_catalog
from models import Activity, ActivityKind, Member, NilReport, Role, Topic, Unit
from models.periods import ReportRules, period_for
from models.tree import add_unit

RULES = ReportRules()
MONTH = date(2026, 10, 1)
CELLS_PER_COMMUNE = 30
BATCH = 5000


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def _data(kind: str, day: date, rng: random.Random, topics: list[str]) -> dict[str, object]:
    photos = [f"{rng.getrandbits(256):064x}" for _ in range(rng.choice((0, 0, 1, 2)))]
    common = {"date": day.isoformat(), "topics": rng.sample(topics, 2), "photos": photos}
    if kind == "phat_thanh":
        note = rng.choice([None, "Phát song ngữ Kinh - Mông", "Phát lại bản tin của xã"])
        return {**common, "sessions": rng.randint(1, 12), "minutes": rng.randint(15, 600),
                "place": f"Cụm loa bản số {rng.randint(1, 40)}", "note": note}  # fmt: skip
    if kind == "co_dong":
        forms = rng.sample(["Khẩu hiệu", "Băng rôn", "Panô", "Áp phích"], rng.randint(1, 2))
        return {**common, "forms": {f: rng.randint(1, 20) for f in forms},
                "place": "Nhà văn hóa bản, đường trục chính"}  # fmt: skip
    form = rng.choice(["Sinh hoạt chi bộ", "Họp thôn/bản", "Hội nghị quán triệt"])
    return {
        **common,
        "form": form,
        "attendees": rng.randint(5, 200),
        "minutes": rng.randint(30, 240),
    }


async def seed(url: str, n_units: int, n_activities: int) -> None:
    await migrate(url)
    await init_db(url, apply_migrations=False)
    try:
        t0 = time.perf_counter()
        await seed_catalog()
        kinds = {k.code: k.id for k in await ActivityKind.all()}
        topics = [t.code for t in await Topic.all()]
        province = await add_unit("TU", "Tỉnh ủy Bench", None, reports=False)
        cells: list[Unit] = []
        commune: Unit | None = None
        async with in_transaction():  # one commit, not six thousand
            for i in range(n_units):
                if i % CELLS_PER_COMMUNE == 0:
                    n = i // CELLS_PER_COMMUNE + 1
                    commune = await add_unit(
                        f"X{n:03d}", f"Đảng ủy xã Bench {n}", province, reports=False
                    )
                cells.append(
                    await add_unit(f"C{i:05d}", f"Chi bộ bản Bench {i}", commune, reports=True)
                )
        await Member.bulk_create(
            [
                Member(name=f"Bí thư {i}", phone=f"09{i:08d}", unit_id=c.id)
                for i, c in enumerate(cells)
            ]
        )
        reporter_of = {m.unit_id: m.id for m in await Member.filter(role=Role.REPORTER)}
        await Member.create(name="Quản trị", phone="0999999999", role=Role.ADMIN, unit=province)
        period = await period_for(MONTH, RULES)
        silent = {c.id for i, c in enumerate(cells) if i % 17 == 0}  # nil or missing
        active = [c for c in cells if c.id not in silent]
        rng = random.Random(6)
        codes = list(kinds)
        for start in range(0, n_activities, BATCH):
            batch = []
            for j in range(start, min(start + BATCH, n_activities)):
                unit = active[j % len(active)]
                day = MONTH + timedelta(days=rng.randrange(31))
                kind = codes[j % len(codes)]
                batch.append(
                    Activity(
                        unit_id=unit.id,
                        kind_id=kinds[kind],
                        period_id=period.id,
                        reporter_id=reporter_of[unit.id],
                        activity_date=day,
                        data=_data(kind, day, rng, topics),
                        channel="bench",
                    )
                )
            await Activity.bulk_create(batch)
        on_time = datetime(2026, 11, 2, 3, tzinfo=UTC)
        await Activity.all().update(created_at=on_time, updated_at=on_time)
        late_units = [c.id for i, c in enumerate(active) if i % 10 == 0]
        late = datetime(2026, 11, 8, 3, tzinfo=UTC)
        await Activity.filter(unit_id__in=late_units).update(created_at=late, updated_at=late)
        nil = [c for i, c in enumerate(cells) if c.id in silent and i % 2 == 0]
        await NilReport.bulk_create(
            [
                NilReport(unit_id=c.id, period_id=period.id, reporter_id=reporter_of[c.id])
                for c in nil
            ]
        )
        count = await Activity.all().count()
        print(f"  seeded {count} activities over {len(cells)} units "
              f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    finally:
        await Tortoise.close_connections()


async def export(url: str, out: Path, docx: bool = False) -> None:
    await init_db(url, apply_migrations=False)
    try:
        before = _maxrss_mb()
        period = await period_for(MONTH, RULES)
        scope = ReportScope(period.start, period.end, period, None, "tháng 10/2026")
        t0, c0 = time.perf_counter(), time.process_time()
        result = await write_report(out, scope, Letterhead(superior="TỈNH ỦY BENCH"), date.today(),
                                    docx=out.with_suffix(".docx") if docx else None)  # fmt: skip
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        size = result.docx.stat().st_size / 1e6 if result.docx else 0.0
        print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": _maxrss_mb(), "start_mb": before,
                          "activities": result.activities, "units": result.units,
                          "docx_mb": size}))  # fmt: skip
    finally:
        await Tortoise.close_connections()


def bare(source: Path, out: Path, styled: bool) -> None:
    """The export's cells written again by openpyxl alone (no database, no logic of ours): as
    plain values, or with each cell's own style, stamped from one prototype per distinct style
    (the cheapest way openpyxl writes styled cells, and the way the export does it)."""
    wb_in = load_workbook(source, read_only=not styled)
    sheets: list[tuple[str, list[list[tuple[object, tuple[object, ...] | None]]]]] = []
    looks: dict[tuple[object, ...], dict[str, object]] = {}
    for ws_in in wb_in.worksheets:
        rows = []
        for row in ws_in.iter_rows():
            out_row: list[tuple[object, tuple[object, ...] | None]] = []
            for c in row:
                key = None
                if styled and c.has_style:
                    key = tuple(c._style)
                    if key not in looks:
                        looks[key] = {
                            "font": copy(c.font),
                            "border": copy(c.border),
                            "fill": copy(c.fill),
                            "number_format": c.number_format,
                            "alignment": copy(c.alignment),
                        }
                out_row.append((c.value, key))
            rows.append(out_row)
        sheets.append((ws_in.title, rows))
    del wb_in
    cells = sum(sum(1 for v, _ in row if v is not None) for _, rows in sheets for row in rows)
    t0, c0 = time.perf_counter(), time.process_time()
    wb = Workbook(write_only=True)
    stamps: dict[tuple[object, ...], object] = {}
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            values: list[object] = []
            for value, key in row:
                if key is None:
                    values.append(value)
                    continue
                stamp = stamps.get(key)
                if stamp is None:
                    probe = WriteOnlyCell(ws)
                    for name, attr in looks[key].items():
                        setattr(probe, name, attr)
                    stamp = stamps[key] = probe._style
                cell = WriteOnlyCell(ws, value=value)
                cell._style = stamp
                values.append(cell)
            ws.append(values)
    wb.save(out)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"seconds": seconds, "cpu": cpu, "cells": cells}))


def _child(*args: str) -> dict[str, float]:
    """One step in a fresh process; its last line of output is its figures as JSON."""
    proc = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    lines = proc.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}


def run(label: str, url: str, args: argparse.Namespace, tmp: Path) -> None:
    print(f"{label}:")
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--seed",
            url,
            "--units",
            str(args.units),
            "--activities",
            str(args.activities),
        ],
        check=True,
    )
    out, again = tmp / f"{label}.xlsx", tmp / f"{label}-bare.xlsx"
    # Alternate the runs and keep each one's best: other work on the machine only adds time.
    runs: dict[str, list[dict[str, float]]] = {"export": [], "styled": [], "plain": [], "docx": []}
    for _ in range(args.repeat):
        runs["export"].append(_child("--export", url, str(out)))
        runs["docx"].append(_child("--export", url, str(tmp / f"{label}-with-docx.xlsx"), "--docx"))
        runs["styled"].append(_child("--bare", str(out), str(again), "--styled"))
        runs["plain"].append(_child("--bare", str(out), str(again)))
    best = {k: min(v, key=lambda r: r["seconds"]) for k, v in runs.items()}
    cpu = {k: min(r["cpu"] for r in v) for k, v in runs.items()}
    ex = best["export"]
    size = out.stat().st_size / 1e6
    print(
        f"  {int(ex['activities'])} activities, {int(ex['units'])} units: "
        f"{int(best['plain']['cells'])} cells, {size:.1f} MB file; best of {args.repeat} runs"
    )
    rows = [
        ("export", "exports.report.write_report, database to file"),
        ("styled", "bare openpyxl: the same cells with their styles"),
        ("plain", "bare openpyxl: the same cells as plain values"),
    ]
    for key, what in rows:
        ratio = (
            ""
            if key == "export"
            else (
                f"export / this = {ex['seconds'] / best[key]['seconds']:.2f} wall, "
                f"{cpu['export'] / cpu[key]:.2f} cpu"
            )
        )
        print(f"  {best[key]['seconds']:6.2f} s wall {cpu[key]:6.2f} s cpu  {what}  {ratio}")
    dx = best["docx"]
    print(
        f"  {dx['seconds']:6.2f} s wall {cpu['docx']:6.2f} s cpu  the same with the narrative "
        f".docx beside it: the .docx adds {dx['seconds'] - ex['seconds']:.2f} s wall, "
        f"{dx['docx_mb']:.2f} MB, peak {max(r['peak_mb'] for r in runs['docx']):.0f} MB"
    )
    peak = max(r["peak_mb"] for r in runs["export"])
    print(f"  peak memory {peak:.0f} MB: ru_maxrss of the export process, interpreter and "
          f"libraries included ({ex['start_mb']:.0f} MB before the export began)")  # fmt: skip


async def pg_database(base: str) -> str | None:
    """A fresh database beside `base` for this run, or None when PostgreSQL is not reachable."""
    try:
        await Tortoise.init(config=tortoise_config(base))
        conn = connections.get("default")
        await conn.execute_script("DROP DATABASE IF EXISTS baocao_export_bench")
        await conn.execute_script("CREATE DATABASE baocao_export_bench")
        await Tortoise.close_connections()
    except Exception as e:  # any failure means: skip PostgreSQL
        print(f"PostgreSQL at {base} not reachable ({e.__class__.__name__}): skipped")
        return None
    return base.rsplit("/", 1)[0] + "/baocao_export_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the best kept")
    parser.add_argument(
        "--pg", help="also PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--seed", help=argparse.SUPPRESS)  # child steps
    parser.add_argument("--export", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--bare", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--styled", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--docx", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        asyncio.run(seed(args.seed, args.units, args.activities))
    elif args.export:
        asyncio.run(export(args.export[0], Path(args.export[1]), args.docx))
    elif args.bare:
        bare(Path(args.bare[0]), Path(args.bare[1]), args.styled)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite://{tmp}/bench.sqlite3", args, Path(tmp))
            if args.pg:
                url = asyncio.run(pg_database(args.pg))
                if url:
                    run("PostgreSQL", url, args, Path(tmp))


if __name__ == "__main__":
    main()
