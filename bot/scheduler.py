"""APScheduler inside `baocao run`: the daily reminder sweep and the outbox sender, every trigger
in Asia/Ho_Chi_Minh. Exactly-once comes from the outbox keys, not from the scheduler."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from handlers.reminders import ReminderPlan
from models.periods import VN_TZ

log = logging.getLogger(__name__)


def build_scheduler(
    plan: ReminderPlan,
    sweep: Callable[[], Awaitable[object]],
    drain: Callable[[], Awaitable[object]],
    drain_seconds: float = 15.0,
    tidy: Callable[[], Awaitable[object]] | None = None,
) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=VN_TZ)
    # The sweep at the send hour, and once at start-up: a sweep missed while the bot was down
    # then runs once (its keys make a repeated sweep write nothing new).
    scheduler.add_job(
        sweep,
        CronTrigger(hour=plan.send_hour, minute=0, timezone=VN_TZ),
        id="sweep",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )
    scheduler.add_job(sweep, id="sweep-at-start", max_instances=1)
    scheduler.add_job(
        drain,
        IntervalTrigger(seconds=drain_seconds, timezone=VN_TZ),
        id="drain",
        coalesce=True,
        max_instances=1,
    )
    if tidy is not None:  # old export files, once an hour
        scheduler.add_job(tidy, IntervalTrigger(hours=1, timezone=VN_TZ), id="tidy", coalesce=True)
    return scheduler
