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


@dataclass(frozen=True)
class Span:
    """A stretch of whole months a review covers: a quarter, a half-year or a year."""

    start: date
    end: date

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def before(self) -> Span:
        """The span of the same length just before (the previous quarter, half or year)."""
        start = _add_months(self.start, -self.months)
        return Span(start, self.start - timedelta(days=1))

    def year_before(self) -> Span:
        return Span(_add_months(self.start, -12), _add_months(self.end, -11) - timedelta(days=1))


def quarter_span(quarter: int, year: int) -> Span:
    start = date(year, 3 * quarter - 2, 1)
    return Span(start, _add_months(start, 3) - timedelta(days=1))


def half_span(half: int, year: int) -> Span:
    start = date(year, 6 * half - 5, 1)
    return Span(start, _add_months(start, 6) - timedelta(days=1))


def year_span(year: int) -> Span:
    return Span(date(year, 1, 1), date(year, 12, 31))


def periods_within(span: Span, rules: ReportRules) -> list[PeriodBounds]:
    """The reporting periods that lie wholly inside `span` (the months of a quarter when periods
    are monthly; none when a period is longer than the span)."""
    out: list[PeriodBounds] = []
    day = span.start
    while day <= span.end:
        b = bounds_for(day, rules)
        if b.start >= span.start and b.end <= span.end:
            out.append(b)
        day = b.end + timedelta(days=1)
    return out
