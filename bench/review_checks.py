"""What the review adds to a save and to each outbox tick, at scale (SQLite, a temporary file):

    python bench/review_checks.py [--media 20000] [--activities 50000] [--pending 2000]

- photo_flags: the copied-photo check of one report with one photo, against `--media` stored
  photos (their perceptual hashes compared in Python) and `--activities` reports (each probe a
  LIKE over the reports' data);
- review_queue: a supervisor's first page among `--pending` waiting reports;
- notify: one outbox tick with nothing new to write (at once; gathered, after the digest).
Median and max of 10 runs each, after a warm-up. Prints figures; asserts nothing."""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tortoise import Tortoise

from bot.db import migrate, tortoise_config
from handlers.catalog import seed_catalog
from handlers.checks import photo_flags
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan
from handlers.reviewing import notify
from models import Activity, ActivityKind, Media, Member, Role
from models.periods import ReportRules, period_for
from models.review import Review, review_queue
from models.tree import add_unit


async def timed(label: str, run: Callable[[], Awaitable[Any]]) -> None:
    await run()
    times = []
    for _ in range(10):
        started = time.perf_counter()
        await run()
        times.append((time.perf_counter() - started) * 1000)
    print(f"{label:<48} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")


async def main(args: argparse.Namespace) -> None:
    path = Path(tempfile.mkdtemp()) / "bench.sqlite3"
    await migrate(f"sqlite://{path}")
    await Tortoise.init(config=tortoise_config(f"sqlite://{path}"))
    await seed_catalog()
    rng = random.Random(14)
    province = await add_unit("T", "Tỉnh", reports=False)
    commune = await add_unit("X", "Xã", province, reports=False)
    cells = [await add_unit(f"C{i}", f"Chi bộ {i}", commune) for i in range(50)]
    member = await Member.create(name="Bench", unit=cells[0])
    supervisor = await Member.create(name="Xã", unit=commune, role=Role.SUPERVISOR)
    await link_identity(supervisor, "console", "sup")
    kind = await ActivityKind.get(code="phat_thanh")
    period = await period_for(date(2026, 11, 1), ReportRules())
    shas = [f"{i:064x}" for i in range(args.media)]
    await Media.bulk_create(
        [Media(sha256=s, path=s, phash=f"{rng.getrandbits(64):016x}") for s in shas],
        batch_size=1000,
    )
    now = datetime.now(UTC)
    await Activity.bulk_create(
        [
            Activity(
                unit_id=cells[i % 50].id,
                kind_id=kind.id,
                period_id=period.id,
                reporter_id=member.id,
                activity_date=date(2026, 11, 1 + i % 28),
                data={"sessions": 2, "minutes": 45, "photos": [shas[i % args.media]]},
            )
            for i in range(args.activities)
        ],
        batch_size=1000,
    )
    ids = await Activity.all().order_by("id").limit(args.pending).values_list("id", flat=True)
    await Review.bulk_create(
        [Review(activity_id=i, version=1, queued_at=now) for i in ids], batch_size=1000
    )
    print(
        f"{args.media} photos, {args.activities} reports, {args.pending} waiting for review "
        f"(SQLite)"
    )
    new = f"{'f' * 64}"
    await Media.create(sha256=new, path=new, phash=f"{rng.getrandbits(64):016x}")
    await timed("photo_flags, one new photo", lambda: photo_flags(10**9, [new]))
    await timed("photo_flags, a photo another report holds", lambda: photo_flags(10**9, [shas[7]]))
    await timed("review_queue, first page", lambda: review_queue(commune, 0, 3))
    plan = ReminderPlan(send_hour=23)
    quiet = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)  # 08:00 in Vietnam, before the digest
    await notify(quiet, plan, False, 16)  # every waiting report told once
    await timed("notify at once, a tick with nothing new", lambda: notify(quiet, plan, False, 16))
    digest = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # 17:00: the day's digest is written
    await notify(digest, plan, True, 16)
    await timed("notify gathered, a tick after the digest", lambda: notify(digest, plan, True, 16))
    await Tortoise.close_connections()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--media", type=int, default=20000)
    parser.add_argument("--activities", type=int, default=50000)
    parser.add_argument("--pending", type=int, default=2000)
    asyncio.run(main(parser.parse_args()))
