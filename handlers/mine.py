"""“Báo cáo của tôi”: the unit's reports in periods still open, to view, edit or delete."""

from __future__ import annotations

from handlers import report, reviewing
from handlers import review_texts as RT
from handlers import texts as T
from handlers.audit import record
from handlers.fields import Question, short
from handlers.parsing import is_int_text
from handlers.turn import Turn
from models import Activity, Member, NilReport
from models.review import Review


async def review_lines(activity_id: int) -> list[str]:
    """The report's review state, the reason it was sent back, who edited it last."""
    review = await Review.get_or_none(activity_id=activity_id)
    if review is None:
        return []
    lines = [RT.MINE_STATE.format(state=RT.STATE_NAMES[review.state])]
    if review.state == "returned" and review.reason:
        lines.append(RT.MINE_REASON.format(reason=short(review.reason, 90)))
    editor = await Member.get_or_none(id=review.edited_by_id) if review.edited_by_id else None
    if editor is not None:
        lines.append(RT.EDITED_BY.format(name=editor.name))
    return lines


PAGE = 4
EDIT, DELETE, YES = "edit", "delete", "yes"


async def start(turn: Turn, page: int = 0) -> None:
    """The unit's reports in open periods, newest first, PAGE at a time (a list a small
    screen shows whole), then "Xem thêm"."""
    activities = (
        await Activity.filter(
            unit_id=turn.unit.id, deleted_at=None, period__locks_on__gte=turn.today
        )
        .order_by("-activity_date", "-id")
        .offset(page * PAGE)
        .limit(PAGE + 1)
    )
    more = len(activities) > PAGE
    activities = activities[:PAGE]
    nils = (
        await NilReport.filter(unit_id=turn.unit.id, period__locks_on__gte=turn.today)
        .select_related("period")
        .limit(0 if page else 2)
    )
    choices = [
        (f"n:{n.id}", T.NIL_WITHDRAW.format(period=T.period_label(n.period.start, n.period.end)))
        for n in nils
    ]
    if not activities and not nils:
        turn.finish(T.MINE_EMPTY if not page else None)
        return
    returned = set(  # sent back for a fix: marked in the list
        await Review.filter(
            activity_id__in=[a.id for a in activities], state="returned"
        ).values_list("activity_id", flat=True)
    )
    for a in activities:
        kind = turn.catalog.kind_by_id(a.kind_id)
        choices.append(
            (
                f"a:{a.id}",
                ("↩ " if a.id in returned else "")
                + T.MINE_ITEM.format(
                    receipt=a.receipt,
                    kind=kind.name if kind else "?",
                    date=a.activity_date.strftime("%d/%m"),
                ),
            )
        )
    if more:
        choices.append((f"p:{page + 1}", T.MORE))
    turn.goto("mine", "list", {"page": page})
    text = T.MINE_LIST.format(unit=turn.unit.name) if activities else T.MINE_NIL_ONLY
    turn.ask(Question(text, choices, free=False))


async def _load(turn: Turn, activity_id: int) -> Activity | None:
    activity = (
        await Activity.filter(id=activity_id, unit_id=turn.unit.id, deleted_at=None)
        .select_related("period")
        .first()
    )
    if activity is None:
        turn.finish(T.REPORT_GONE)
        return None
    if activity.period.locks_on < turn.today:
        turn.finish(T.NOT_EDITABLE.format(receipt=activity.receipt))
        return None
    return activity


async def on_value(turn: Turn, value: str) -> None:
    if turn.step == "list" and value.startswith("p:") and is_int_text(value[2:], 4):
        await start(turn, int(value[2:]))
    elif turn.step == "list" and value.startswith("n:") and is_int_text(value[2:], 12):
        await _withdraw_nil(turn, int(value[2:]))
    elif turn.step == "list" and value.startswith("a:") and is_int_text(value[2:], 12):
        activity = await _load(turn, int(value[2:]))
        if activity is None:
            return
        kind = turn.catalog.kind_by_id(activity.kind_id)
        assert kind is not None
        head = f"{activity.receipt} · {kind.name} (lần sửa {activity.version})"
        # The report in one message, its review and the actions in the next: each fits.
        turn.say("\n".join([head, report.summary_text(kind, activity.data, turn)]))
        turn.flush()
        text = "\n".join([*await review_lines(activity.id), T.ITEM_ACTIONS])
        turn.goto("mine", "item", {"id": activity.id})
        turn.ask(Question(text, [(EDIT, T.EDIT), (DELETE, T.DELETE)], free=False))
    elif turn.step == "item":
        activity = await _load(turn, turn.state["id"])
        if activity is None:
            return
        if value == EDIT:
            kind = turn.catalog.kind_by_id(activity.kind_id)
            assert kind is not None
            report.start_edit(turn, activity, kind)
        elif value == DELETE:
            turn.goto("mine", "delete", {"id": activity.id, "ver": activity.version})
            turn.ask(
                Question(
                    T.CONFIRM_DELETE.format(receipt=activity.receipt),
                    [(YES, T.YES_DELETE), ("no", T.NO_KEEP)],
                    free=False,
                ),
                nav=False,
            )
    elif turn.step == "delete":
        if value == YES:
            await _delete(turn)
        else:
            await start(turn)


async def _withdraw_nil(turn: Turn, nil_id: int) -> None:
    """A "không phát sinh" sent by mistake is taken back while its period is open."""
    nil_report = (
        await NilReport.filter(id=nil_id, unit_id=turn.unit.id).select_related("period").first()
    )
    if nil_report is None:
        turn.finish(T.REPORT_GONE)
        return
    label = T.period_label(nil_report.period.start, nil_report.period.end)
    if nil_report.period.locks_on < turn.today:
        turn.finish(T.NOT_EDITABLE.format(receipt=f"KPS-{nil_report.id:06d}"))
        return
    await nil_report.delete()
    await record(turn.member.id, "nil_report", nil_id, "delete", {"period": label}, None)
    turn.finish(T.NIL_WITHDRAWN.format(period=label))


async def _delete(turn: Turn) -> None:
    activity = await _load(turn, turn.state["id"])
    if activity is None:
        return
    closed = await reviewing.closed_by(turn.unit, activity.period_id)
    if closed is not None:  # a deletion after closing changes the figures too
        period = T.period_label(activity.period.start, activity.period.end)
        turn.finish(RT.CLOSED_NO_DELETE.format(period=period, unit=closed.name))
        return
    deleted = await Activity.filter(
        id=activity.id, version=turn.state["ver"], deleted_at=None
    ).update(deleted_at=turn.now)
    if not deleted:
        turn.finish(T.EDIT_CONFLICT.format(receipt=activity.receipt))
        return
    await record(turn.member.id, "activity", activity.id, "delete", activity.data, None)
    turn.finish(T.DELETED.format(receipt=activity.receipt))


async def back(turn: Turn) -> None:
    if turn.step == "list":
        turn.finish()
    else:
        await start(turn)
