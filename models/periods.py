"""Reporting periods: which period a date falls in, its deadline and when it locks."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from models.entities import Period

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class ReportRules:
    period_months: int = 1
    deadline_day: int = 5
    lock_days: int = 10
    invite_ttl_days: int = 30
    max_text_length: int = 1000


@dataclass(frozen=True)
class PeriodBounds:
    start: date
    end: date
    deadline: date
    locks_on: date


def _add_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) + months
    return date(total // 12, total % 12 + 1, 1)


def bounds_for(day: date, rules: ReportRules) -> PeriodBounds:
    """The period containing `day`. Periods are aligned to the calendar year (quý I = Jan-Mar).
    The deadline is `deadline_day` of the month after the period; the period locks `lock_days`
    after the deadline."""
    n = rules.period_months
    start = date(day.year, ((day.month - 1) // n) * n + 1, 1)
    after = _add_months(start, n)
    end = after - timedelta(days=1)
    deadline = after.replace(
        day=min(rules.deadline_day, calendar.monthrange(after.year, after.month)[1])
    )
    return PeriodBounds(start, end, deadline, deadline + timedelta(days=rules.lock_days))


def previous_bounds(bounds: PeriodBounds, rules: ReportRules) -> PeriodBounds:
    return bounds_for(bounds.start - timedelta(days=1), rules)


async def period_for(day: date, rules: ReportRules) -> Period:
    b = bounds_for(day, rules)
    period, _ = await Period.get_or_create(
        start=b.start, end=b.end, defaults={"deadline": b.deadline, "locks_on": b.locks_on}
    )
    return period


def end_of_day_utc(d: date) -> datetime:
    """The last instant of a Vietnamese calendar day, as an aware datetime (compares with UTC)."""
    return datetime.combine(d + timedelta(days=1), time(0), VN_TZ)


def vn_today(now: datetime) -> date:
    return now.astimezone(VN_TZ).date()


def is_locked(period: Period, today: date) -> bool:
    return today > period.locks_on


def open_bounds(today: date, rules: ReportRules) -> list[PeriodBounds]:
    """The periods still taking reports: the previous one until it locks, and the current one."""
    current = bounds_for(today, rules)
    prev = previous_bounds(current, rules)
    return [prev, current] if today <= prev.locks_on else [current]


def focus_bounds(today: date, rules: ReportRules) -> PeriodBounds:
    """The period that matters now (for /chuabaocao, /xuatbaocao, digests): the oldest one
    still open for reports."""
    return open_bounds(today, rules)[0]
