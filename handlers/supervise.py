"""What supervisors and admins ask in the chat: which units of theirs have not reported."""

from __future__ import annotations

from handlers import texts as T
from handlers.turn import Turn
from models import Member, Role, Unit
from models.periods import focus_bounds, period_for
from models.queries import Status, unit_statuses

LIST_LIMIT = 40


async def scope_unit(member: Member, unit: Unit) -> Unit:
    """Whose reports a member oversees: a supervisor their own unit's subtree; an admin (the
    propaganda board, itself a unit with no cells under it) the whole tree it belongs to."""
    if member.role == Role.ADMIN and unit.parent_id is not None:
        root = await Unit.get_or_none(id=int(unit.path.strip("/").split("/")[0]))
        return root or unit
    return unit


async def late_units(turn: Turn) -> None:
    if turn.member.role == Role.REPORTER:
        turn.say(T.NOT_ALLOWED)
        return
    turn.say(await late_units_text(turn))


async def late_units_text(turn: Turn) -> str:
    """The period that matters now: the previous one while it is still open for reports,
    otherwise the current one."""
    period = await period_for(focus_bounds(turn.today, turn.rules).start, turn.rules)
    label = T.period_label(period.start, period.end)
    scope = await scope_unit(turn.member, turn.unit)
    missing = [s for s in await unit_statuses(period, scope) if s.status == Status.MISSING]
    if not missing:
        return T.LATE_NONE.format(unit=scope.name, period=label)
    lines = [
        T.LATE_HEADER.format(period=label, deadline=T.fmt_date(period.deadline), unit=scope.name)
    ]
    lines += [f"• {s.name}" for s in missing[:LIST_LIMIT]]
    if len(missing) > LIST_LIMIT:
        lines.append(T.LATE_MORE.format(n=len(missing) - LIST_LIMIT))
    return "\n".join(lines)
