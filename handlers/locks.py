"""The lock is the lock: once a report's period has locked, no edit, delete or move touches it,
whatever new date the edit gives."""

from __future__ import annotations

from handlers import texts as T
from handlers.turn import Turn
from models import Activity
from models.periods import is_locked


async def edit_blocked(turn: Turn) -> bool:
    """True, with the one-line answer given and the flow ended, when the report this turn edits
    belongs to a period that has locked since the edit began (its original period: the new date
    may well fall in an open one). A report that is gone is left to the save's own check."""
    activity_id = turn.state.get("edit")
    if not activity_id:
        return False
    activity = await Activity.filter(id=activity_id).select_related("period").first()
    if activity is None or not is_locked(activity.period, turn.today):
        return False
    turn.finish(T.NOT_EDITABLE.format(receipt=activity.receipt))
    return True
