"""The review in the chat: a supervisor's queue (/duyet), each report approved or sent back with a
reason, and a commune's "chốt số liệu" (/chotso); a reporter's one tap from a sent-back notice
into editing that report.

/duyet → list (oldest first, PAGE at a time) → item ──Duyệt──► done, the list again
                                                  └─Trả lại─► reason ──► sent back, the list again
/chotso → confirm close (or reopen when closed) ──► done"""

from __future__ import annotations

from handlers import report, reviewing
from handlers import review_texts as RT
from handlers import texts as T
from handlers.fields import Question, short
from handlers.parsing import ParseError, clean_text, is_int_text
from handlers.supervise import scope_unit
from handlers.turn import Turn
from models import Activity, Period, Role
from models.periods import focus_bounds, period_for
from models.queries import Status, unit_statuses
from models.review import Closing, Review, ReviewState, review_queue

PAGE = 3
APPROVE, SEND_BACK, CLOSE, REOPEN, YES, NO = "ok", "back", "close", "reopen", "yes", "no"
REASON_MAX = 80  # "a few words"; the views show it shortened


async def start(turn: Turn, page: int = 0) -> None:
    if turn.member.role == Role.REPORTER:
        turn.finish(RT.NOT_A_REVIEWER)
        return
    scope = await scope_unit(turn.member, turn.unit)
    total, items = await review_queue(scope, page * PAGE, PAGE)
    if not items and page:
        page, (total, items) = 0, await review_queue(scope, 0, PAGE)
    choices = []
    for item in items:
        choices.append(
            (
                f"a:{item.activity_id}",
                RT.QUEUE_ITEM.format(
                    receipt=item.receipt,
                    date=item.activity_date.strftime("%d/%m"),
                    unit=item.unit_name,
                    flag=" ⚠" if item.flagged else "",
                ),
            )
        )
    if total > (page + 1) * PAGE:
        choices.append((f"p:{page + 1}", T.MORE))
    if await reviewing.has_cells(turn.unit) and turn.member.role == Role.SUPERVISOR:
        period = await _period(turn)
        closed = await Closing.exists(unit_id=turn.unit.id, period_id=period.id, closed=True)
        label = T.period_label(period.start, period.end)
        menu_text = RT.REOPEN_MENU if closed else RT.CLOSE_MENU
        choices.append((REOPEN if closed else CLOSE, menu_text.format(period=label)))
    turn.goto("review", "list", {"page": page})
    turn.ask(Question(RT.QUEUE.format(n=total) if total else RT.QUEUE_EMPTY, choices, free=False))


async def _period(turn: Turn) -> Period:
    return await period_for(focus_bounds(turn.today, turn.rules).start, turn.rules)


async def show_item(turn: Turn, activity_id: int) -> None:
    activity = await Activity.filter(id=activity_id, deleted_at=None).select_related("unit").first()
    review = await Review.get_or_none(activity_id=activity_id)
    if activity is None or review is None or review.state != ReviewState.PENDING:
        if activity is not None and review is not None:
            turn.say(f"{activity.receipt}: {RT.STATE_NAMES[review.state]}.")
        await start(turn, turn.state.get("page", 0))
        return
    kind = turn.catalog.kind_by_id(activity.kind_id)
    if kind is None:
        await start(turn)
        return
    lines = [
        RT.ITEM_HEAD.format(
            receipt=activity.receipt,
            unit=activity.unit.name,
            kind=kind.name,
            version=activity.version,
        ),
        report.summary_text(kind, activity.data, turn),
    ]
    # The report in one message, what to look at and the question in the next: each fits.
    turn.say("\n".join(lines))
    turn.flush()
    lines = []
    if review.reason:
        lines.append(RT.LAST_REASON.format(reason=short(review.reason, 50)))
    lines += flag_lines(review.flags)
    lines.append(RT.DECIDE)
    turn.goto(
        "review",
        "item",
        {"id": activity.id, "ver": activity.version, "page": turn.state.get("page", 0)},
    )
    turn.ask(
        Question("\n".join(lines), [(APPROVE, RT.APPROVE), (SEND_BACK, RT.SEND_BACK)], free=False)
    )


def flag_lines(flags: list[dict[str, str]]) -> list[str]:
    """The figures kept in one line, the first copied photo in another, each kept short."""
    figures = [
        f"{f.get('label', '')} {f.get('value', '')}" for f in flags if f.get("kind") != "photo"
    ]
    photo = next((f for f in flags if f.get("kind") == "photo"), None)
    lines = []
    if figures:
        lines.append(RT.FLAG_FIGURES.format(figures=short("; ".join(figures), 64)))
    if photo is not None:
        lines.append(RT.FLAG_PHOTO.format(receipt=photo["receipt"], unit=short(photo["unit"], 24)))
    return lines


async def start_close(turn: Turn) -> None:
    if turn.member.role != Role.SUPERVISOR or not await reviewing.has_cells(turn.unit):
        turn.finish(RT.NOT_A_COMMUNE.format(unit=turn.unit.name))
        return
    period = await _period(turn)
    label = T.period_label(period.start, period.end)
    closing = await Closing.get_or_none(unit_id=turn.unit.id, period_id=period.id, closed=True)
    turn.goto("review", "close", {"period": period.id, "reopen": closing is not None})
    if closing is not None:
        text = RT.REOPEN_CONFIRM.format(
            period=label, unit=turn.unit.name, date=T.fmt_datetime(closing.changed_at)[6:]
        )
        turn.ask(Question(text, [(YES, RT.REOPEN_YES), (NO, RT.NO)], free=False))
        return
    statuses = await unit_statuses(period, turn.unit)
    reported = sum(1 for s in statuses if s.status != Status.MISSING)
    text = RT.CLOSE_CONFIRM.format(
        period=label, unit=turn.unit.name, reported=reported, total=len(statuses)
    )
    turn.ask(Question(text, [(YES, RT.CLOSE_YES), (NO, RT.NO)], free=False))


async def on_value(turn: Turn, value: str) -> None:
    if turn.step == "list":
        if value.startswith("a:") and is_int_text(value[2:], 12):
            await show_item(turn, int(value[2:]))
        elif value.startswith("p:") and is_int_text(value[2:], 4):
            await start(turn, int(value[2:]))
        elif value in (CLOSE, REOPEN):
            await start_close(turn)
        else:
            await start(turn)
    elif turn.step == "item":
        if value == APPROVE:
            decision = await reviewing.approve(
                turn.state["id"], turn.state["ver"], turn.member, turn.now
            )
            turn.say(decision.message)
            if decision.version:  # edited meanwhile: the new version, to look at first
                await show_item(turn, turn.state["id"])
                return
            await start(turn, turn.state.get("page", 0))
        elif value == SEND_BACK:
            receipt = f"BC-{turn.state['id']:06d}"
            turn.goto("review", "reason")
            turn.ask(Question(RT.ASK_REASON.format(receipt=receipt)))
    elif turn.step == "close":
        if value != YES:
            await start(turn)
            return
        period = await _period(turn)
        if period.id != turn.state.get("period"):  # the focus period moved on meanwhile
            await start_close(turn)
            return
        action = reviewing.reopen if turn.state.get("reopen") else reviewing.close_figures
        decision = await action(turn.unit, period, turn.member, turn.now)
        turn.finish(decision.message)


async def on_text(turn: Turn, text: str) -> None:
    if turn.step != "reason":
        turn.say(T.NOT_A_CHOICE)
        turn.reask()
        return
    try:
        reason = clean_text(text, REASON_MAX)
    except ParseError as e:
        turn.say(e.message)
        turn.reask()
        return
    decision = await reviewing.send_back(
        turn.state["id"], turn.state["ver"], turn.member, reason, turn.now
    )
    turn.say(decision.message)
    if decision.version:
        await show_item(turn, turn.state["id"])
        return
    await start(turn, turn.state.get("page", 0))


async def back(turn: Turn) -> None:
    if turn.step == "reason":
        await show_item(turn, turn.state["id"])
    elif turn.step in ("item", "close"):
        await start(turn, turn.state.get("page", 0))
    else:
        turn.finish()


async def fix(turn: Turn, activity_id: object) -> None:
    """From a sent-back notice: straight into editing that report (any reporter of the unit)."""
    activity = (
        await Activity.filter(id=activity_id, unit_id=turn.unit.id, deleted_at=None)
        .select_related("period")
        .first()
        if isinstance(activity_id, int)
        else None
    )
    kind = turn.catalog.kind_by_id(activity.kind_id) if activity else None
    if activity is None or kind is None or activity.period.locks_on < turn.today:
        turn.finish(RT.FIX_GONE)
        return
    review = await Review.get_or_none(activity_id=activity.id)
    if review is not None and review.reason:
        turn.say(RT.MINE_REASON.format(reason=review.reason))
        turn.flush()
    report.start_edit(turn, activity, kind, at_summary=True)
