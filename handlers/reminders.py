"""Reminder rules: who is chased, when, with what words. A sweep writes outbox rows whose keys make
a second write impossible; the sender (bot/sender.py) delivers them.

For a period whose deadline is near or past (until it locks):
    heads-up  `before_days` before the deadline     key remind:<period>:pre:<member>
    deadline  on the deadline day                   key remind:<period>:due:<member>
    overdue   every `every_days` while overdue      key remind:<period>:late<k>:<member>
    escalate  `escalate_after_days` overdue: the parent unit's supervisors get the list of its
              late cells, once per period           key escalate:<period>:<parent>:<member>
    digest    daily or weekly to admins             key digest:<date>:<member>
A day off or holiday writes nothing; the next working day writes the stage it is then in, so a
stage is shifted, never skipped. Quiet hours hold a message until morning (not_before)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from handlers import texts as T
from handlers.supervise import scope_unit
from models import Member, Outbox, Period, Role, Snooze, Unit
from models.outbox_write import NewOutbox, write_new
from models.periods import (
    VN_TZ,
    ReportRules,
    bounds_for,
    focus_bounds,
    period_for,
    previous_bounds,
    vn_today,
)
from models.queries import Status, due_units, unit_statuses


@dataclass(frozen=True)
class ReminderPlan:
    before_days: int = 3
    every_days: int = 2
    escalate_after_days: int = 5
    digest: str = "weekly"  # daily, weekly or off
    digest_weekday: int = 0  # Monday
    send_hour: int = 8
    quiet_start: int = 21  # no message from 21:00 ...
    quiet_end: int = 7  # ... to 07:00, Vietnam time
    days_off: frozenset[int] = frozenset({6})  # Sunday
    holidays: tuple[tuple[date, date], ...] = ()
    snooze_hours: int = 24

    def is_day_off(self, d: date) -> bool:
        return d.weekday() in self.days_off or any(a <= d <= b for a, b in self.holidays)

    def not_before(self, now: datetime) -> datetime:
        """`now` if it is outside quiet hours, else the end of the quiet hours (Vietnam time)."""
        local = now.astimezone(VN_TZ)
        start, end = self.quiet_start, self.quiet_end
        quiet = (
            (local.hour >= start or local.hour < end) if start > end else start <= local.hour < end
        )
        if not quiet:
            return now
        day = local.date() if local.hour < end else local.date() + timedelta(days=1)
        return datetime.combine(day, time(end), VN_TZ)

    def is_quiet(self, now: datetime) -> bool:
        return self.not_before(now) != now


@dataclass
class Planned:
    key: str
    member_id: int
    member_name: str
    category: str
    text: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class SweepResult:
    day_off: bool = False
    planned: list[Planned] = field(default_factory=list)
    written: int = 0


def stage(today: date, period: Period, plan: ReminderPlan) -> str | None:
    days = (period.deadline - today).days
    if 0 < days <= plan.before_days:
        return "pre"
    if days == 0:
        return "due"
    if days < 0 and today <= period.locks_on:
        return f"late{(-days - 1) // max(plan.every_days, 1)}"
    return None


async def chased_periods(today: date, rules: ReportRules, plan: ReminderPlan) -> list[Period]:
    """Periods whose reminder window (before the deadline until the lock) contains today."""
    current = bounds_for(today, rules)
    out = []
    for b in (previous_bounds(current, rules), current):
        if b.deadline - timedelta(days=plan.before_days) <= today <= b.locks_on:
            out.append(await period_for(b.start, rules))
    return out


def reminder_text(period: Period, unit_name: str, today: date) -> str:
    label = T.period_label(period.start, period.end)
    days = (period.deadline - today).days
    if days > 0:
        when = T.REMIND_LEFT.format(deadline=T.fmt_date(period.deadline), days=days)
    elif days == 0:
        when = T.REMIND_TODAY.format(deadline=T.fmt_date(period.deadline))
    else:
        when = T.REMIND_OVERDUE.format(
            deadline=T.fmt_date(period.deadline), days=-days, locks=T.fmt_date(period.locks_on)
        )
    return T.REMIND.format(period=label, unit=unit_name, when=when)


async def _reachable(members: list[Member]) -> list[Member]:
    from models import Identity

    ids = set(
        await Identity.filter(member_id__in=[m.id for m in members], blocked_at=None).values_list(
            "member_id", flat=True
        )
    )
    return [m for m in members if m.id in ids]


async def plan_sweep(now: datetime, rules: ReportRules, plan: ReminderPlan) -> SweepResult:
    today = vn_today(now)
    result = SweepResult()
    if plan.is_day_off(today):
        result.day_off = True
        return result
    for period in await chased_periods(today, rules, plan):
        due = await due_units(period)
        if not due:
            continue
        current = stage(today, period, plan)
        by_unit = {u.unit_id: u for u in due}
        if current:
            # Snoozed, or reminded less than a day ago (a snooze's own follow-up, or a stage
            # shifted by a day off): this stage waits for the next sweep.
            snoozed = set(
                await Snooze.filter(period=period, until__gt=now).values_list(
                    "member_id", flat=True
                )
            )
            snoozed |= set(
                await Outbox.filter(
                    category="reminder",
                    not_before__gt=now - timedelta(hours=20),
                    not_before__lte=now + timedelta(hours=20),
                ).values_list("member_id", flat=True)
            )
            reporters = await _reachable(
                await Member.filter(unit_id__in=list(by_unit), role=Role.REPORTER, active=True)
            )
            for m in reporters:
                if m.id in snoozed:
                    continue
                unit = by_unit[m.unit_id]
                result.planned.append(
                    Planned(
                        f"remind:{period.id}:{current}:{m.id}",
                        m.id,
                        m.name,
                        "reminder",
                        reminder_text(period, unit.name, today),
                        {"period": period.id, "unit": unit.unit_id},
                    )
                )
        overdue = (today - period.deadline).days
        if overdue >= plan.escalate_after_days:
            result.planned += await _escalations(period, due, overdue)
    if plan.digest == "daily" or (
        plan.digest == "weekly" and today.weekday() == plan.digest_weekday
    ):
        result.planned += await _digests(today, rules)
    return result


async def _escalations(period: Period, due: list[Any], overdue: int) -> list[Planned]:
    late_by_parent: dict[int, list[str]] = defaultdict(list)
    for u in due:
        if u.parent_id is not None:
            late_by_parent[u.parent_id].append(u.name)
    parents = {u.id: u for u in await Unit.filter(id__in=list(late_by_parent))}
    supervisors = await _reachable(
        await Member.filter(unit_id__in=list(late_by_parent), role=Role.SUPERVISOR, active=True)
    )
    out = []
    label = T.period_label(period.start, period.end)
    for s in supervisors:
        names = late_by_parent[s.unit_id]
        lines = [f"• {n}" for n in names[:40]]
        if len(names) > 40:
            lines.append(T.LATE_MORE.format(n=len(names) - 40))
        text = T.ESCALATE.format(
            period=label,
            deadline=T.fmt_date(period.deadline),
            n=len(names),
            parent=parents[s.unit_id].name,
            days=overdue,
            units="\n".join(lines),
        )
        out.append(
            Planned(
                f"escalate:{period.id}:{s.unit_id}:{s.id}",
                s.id,
                s.name,
                "escalation",
                text,
                {"period": period.id},
            )
        )
    return out


async def _digests(today: date, rules: ReportRules) -> list[Planned]:
    """To each admin: where their subtree stands for the period that matters now."""
    period = await period_for(focus_bounds(today, rules).start, rules)
    admins = await _reachable(
        await Member.filter(role=Role.ADMIN, active=True).select_related("unit")
    )
    out = []
    for a in admins:
        scope = await scope_unit(a, a.unit)
        statuses = await unit_statuses(period, scope)
        if not statuses:
            continue
        count = {s: sum(1 for x in statuses if x.status == s) for s in Status}
        text = T.DIGEST.format(
            period=T.period_label(period.start, period.end),
            unit=scope.name,
            deadline=T.fmt_date(period.deadline),
            total=len(statuses),
            reported=len(statuses) - count[Status.MISSING],
            on_time=count[Status.ON_TIME],
            late=count[Status.LATE],
            nil=count[Status.NIL],
            missing=count[Status.MISSING],
        )
        out.append(
            Planned(
                f"digest:{today.isoformat()}:{a.id}",
                a.id,
                a.name,
                "digest",
                text,
                {"period": period.id},
            )
        )
    return out


async def notify_admins(key: str, text: str, now: datetime) -> int:
    """A notice to every reachable admin through the outbox (a Zalo bot nearing its quota, say),
    written once per `key`."""
    admins = await _reachable(await Member.filter(role=Role.ADMIN, active=True))
    await Outbox.bulk_create(
        [
            Outbox(
                key=f"{key}:{a.id}", member_id=a.id, category="notice", text=text, not_before=now
            )
            for a in admins
        ],
        ignore_conflicts=True,
    )
    return len(admins)


async def sweep(
    now: datetime, rules: ReportRules, plan: ReminderPlan, *, dry_run: bool = False
) -> SweepResult:
    """Plan, then write what is not written yet. The unique key makes a second write of the same
    reminder impossible, from a second sweep, process or restart alike."""
    result = await plan_sweep(now, rules, plan)
    if not result.planned:
        return result
    existing = set(
        await Outbox.filter(key__in=[p.key for p in result.planned]).values_list("key", flat=True)
    )
    fresh = [p for p in result.planned if p.key not in existing]
    if dry_run:
        result.planned = fresh
        return result
    not_before = plan.not_before(now)
    # A second sweep at the same moment may write some of these keys first: count, and list,
    # only the rows this sweep wrote.
    written = await write_new(
        [NewOutbox(p.key, p.member_id, p.category, p.text, p.payload, not_before) for p in fresh],
        now,
    )
    result.planned = [p for p in fresh if p.key in written]
    result.written = len(result.planned)
    return result
