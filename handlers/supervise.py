"""What supervisors and admins ask in the chat: which units of theirs have not reported."""

from __future__ import annotations

from handlers import texts as T
from handlers.fields import Question
from handlers.turn import Turn
from models import Member, Role, Unit
from models.periods import focus_bounds, period_for
from models.queries import Status, unit_statuses

PAGE = 3  # units per message: each line carries names and phone numbers


async def scope_unit(member: Member, unit: Unit) -> Unit:
    """Whose reports a member oversees: a supervisor their own unit's subtree; an admin (the
    propaganda board, itself a unit with no cells under it) the whole tree it belongs to."""
    if member.role == Role.ADMIN and unit.parent_id is not None:
        root = await Unit.get_or_none(id=int(unit.path.strip("/").split("/")[0]))
        return root or unit
    return unit


async def late_units(turn: Turn, page: int = 0) -> bool:
    """The units that have not reported, PAGE at a time, each with its reporters and their
    phone numbers, so that the supervisor can call them."""
    if turn.member.role == Role.REPORTER:
        turn.say(T.NOT_ALLOWED)
        return False
    period = await period_for(focus_bounds(turn.today, turn.rules).start, turn.rules)
    label = T.period_label(period.start, period.end)
    scope = await scope_unit(turn.member, turn.unit)
    missing = [s for s in await unit_statuses(period, scope) if s.status == Status.MISSING]
    if page == 0:  # where the review stands, in a message of its own before the list
        from handlers.reviewing import review_lines  # reviewing uses scope_unit from here

        if not missing:
            turn.say(T.LATE_NONE.format(unit=scope.name, period=label))
        turn.say("\n".join(await review_lines(period, scope)))
        turn.flush()
    if not missing:
        return False
    shown = missing[page * PAGE : (page + 1) * PAGE]
    reporters: dict[int, list[Member]] = {}
    for m in await Member.filter(
        unit_id__in=[s.unit_id for s in shown], role=Role.REPORTER, active=True
    ).order_by("id"):
        reporters.setdefault(m.unit_id, []).append(m)
    lines = [
        T.LATE_HEADER.format(
            period=label, deadline=T.fmt_date(period.deadline), n=len(missing), unit=scope.name
        )
    ]
    for s in shown:
        who = ", ".join(f"{m.name} {m.phone or ''}".strip() for m in reporters.get(s.unit_id, []))
        lines.append(f"• {s.name}: {who or T.LATE_NOBODY}")
    choices = [("menu", T.HELP_MENU)]
    if len(missing) > (page + 1) * PAGE:
        choices.insert(0, (f"late:{page + 1}", T.MORE))
    turn.goto("menu", "late", {})
    turn.ask(Question("\n".join(lines), choices, free=False), nav=False, main_menu=True)
    return True
