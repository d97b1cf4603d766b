"""Answering a reminder: report now, report nil, or "nhắc tôi sau" (snooze)."""

from __future__ import annotations

from datetime import timedelta

from handlers import nil, review
from handlers import texts as T
from handlers.reminders import reminder_text
from handlers.turn import Turn
from models import Outbox, Period, Snooze
from models.periods import is_locked, vn_today

NOW, NIL, SNOOZE, FIX = "now", "nil", "snooze", "fix"


async def on_value(turn: Turn, value: str) -> None:
    if value == FIX:  # a report sent back: straight into editing it
        await review.fix(turn, turn.state.get("activity"))
        return
    period = await Period.get_or_none(id=turn.state.get("period", 0))
    if period is None or is_locked(period, turn.today):
        turn.finish(T.REMIND_STALE)
    elif value == NOW:
        turn.finish()
    elif value == NIL:
        await nil.ask_confirm(turn, period.start.isoformat())
    elif value == SNOOZE:
        hours = int(turn.state.get("snooze_hours", 24))
        until = turn.now + timedelta(hours=hours)
        await Snooze.update_or_create(
            member_id=turn.member.id, period_id=period.id, defaults={"until": until}
        )
        # The reminder again, `hours` from now; the sweep stays quiet for this member meanwhile.
        await Outbox.get_or_create(
            key=f"snooze:{period.id}:{turn.member.id}:{until:%Y%m%d%H%M}",
            defaults={
                "member_id": turn.member.id,
                "category": "reminder",
                "not_before": until,
                "text": reminder_text(period, turn.unit.name, vn_today(until)),
                "payload": {"period": period.id, "unit": turn.unit.id},
            },
        )
        turn.finish(T.SNOOZED.format(hours=hours))


async def back(turn: Turn) -> None:
    turn.finish()
