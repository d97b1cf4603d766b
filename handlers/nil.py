"""The nil report: "không phát sinh", nothing to report for a period. It counts as reported."""

from __future__ import annotations

from datetime import date

from handlers import texts as T
from handlers.audit import record
from handlers.fields import Question
from handlers.turn import Turn
from models import Activity, NilReport
from models.periods import bounds_for, is_locked, open_bounds, period_for
from models.unit_periods import hold

YES = "yes"


def _open_periods(turn: Turn) -> list[tuple[str, str]]:
    """The current period and, while it is still open, the previous one: (start iso, label)."""
    out = [
        (b.start.isoformat(), T.period_label(b.start, b.end))
        for b in open_bounds(turn.today, turn.rules)
    ]
    return out


async def start(turn: Turn) -> None:
    """Only periods without reports are offered: a unit that has reported is told at once."""
    periods = []
    refusal = ""
    for start_iso, label in _open_periods(turn):
        b = bounds_for(date.fromisoformat(start_iso), turn.rules)
        n = await Activity.filter(
            unit_id=turn.unit.id,
            deleted_at=None,
            activity_date__gte=b.start,
            activity_date__lte=b.end,
        ).count()
        if n:
            refusal = refusal or T.NIL_HAS_REPORTS.format(unit=turn.unit.name, n=n, period=label)
        else:
            periods.append((start_iso, label))
    if not periods:
        turn.finish(refusal)
        return
    if len(periods) == 1:
        await ask_confirm(turn, periods[0][0])
        return
    turn.goto("nil", "period", {})
    turn.ask(Question(T.NIL_WHICH_PERIOD, [(f"p:{s}", label) for s, label in periods], free=False))


async def ask_confirm(turn: Turn, start_iso: str) -> None:
    b = bounds_for(date.fromisoformat(start_iso), turn.rules)
    label = T.period_label(b.start, b.end)
    turn.goto("nil", "confirm", {"start": start_iso})
    turn.ask(
        Question(
            T.NIL_CONFIRM.format(unit=turn.unit.name, period=label), [(YES, T.NIL_YES)], free=False
        )
    )


async def on_value(turn: Turn, value: str) -> None:
    if turn.step == "period" and value.startswith("p:"):
        await ask_confirm(turn, value[2:])
    elif turn.step == "confirm" and value == YES:
        await _save(turn)


async def _save(turn: Turn) -> None:
    period = await period_for(date.fromisoformat(turn.state["start"]), turn.rules)
    label = T.period_label(period.start, period.end)
    unit = turn.unit.name
    if is_locked(period, turn.today):
        turn.finish(T.LOCKED_PERIOD.format(period=label, locked=T.fmt_date(period.locks_on)))
        return
    # Until this turn commits, no report of the unit and period can be saved (nor this nil
    # report beside one saved meanwhile): the count below stays true.
    await hold(turn.unit.id, period.id)
    n = await Activity.filter(unit_id=turn.unit.id, period_id=period.id, deleted_at=None).count()
    if n:
        turn.finish(T.NIL_HAS_REPORTS.format(unit=unit, n=n, period=label))
        return
    report, created = await NilReport.get_or_create(
        unit_id=turn.unit.id, period_id=period.id, defaults={"reporter_id": turn.member.id}
    )
    if not created:
        turn.finish(T.NIL_ALREADY.format(unit=unit, period=label))
        return
    await record(turn.member.id, "nil_report", report.id, "create", None, {"period": label})
    turn.finish(T.NIL_SAVED.format(unit=unit, period=label, receipt=f"KPS-{report.id:06d}"))


async def back(turn: Turn) -> None:
    if turn.step == "confirm" and len(_open_periods(turn)) > 1:
        await start(turn)
    else:
        turn.finish(T.CANCELLED)
