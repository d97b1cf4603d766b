"""A reporter reads the directives running for their unit, acknowledges one, and says which of
the unit's reports carry it out (beside those tied by their topics).

list ─pick─► the directive's texts (and file) → actions: đã nhận · which report ─pick─► tied
"""

from __future__ import annotations

from handlers import texts as T
from handlers import texts_directives as D
from handlers.ack import ACK, record_ack
from handlers.directive_actions import directive_parts, file_payload
from handlers.fields import Question
from handlers.messages import Reply
from handlers.turn import Turn
from models import Activity, ActivityDirective, Directive, DirectiveAck
from models.directives import ancestor_ids, running_directives

FLOW = "dirview"
LIST_LIMIT = 8


async def start(turn: Turn) -> None:
    directives = await running_directives(turn.unit, turn.today)
    if not directives:
        turn.finish(D.READ_NONE.format(unit=turn.unit.name))
        return
    choices = [
        (f"d:{d.id}", D.ITEM_LABEL.format(number=d.number, title=D.short(d.title, 40)))
        for d in directives[:LIST_LIMIT]
    ]
    turn.goto(FLOW, "list", {})
    turn.ask(Question(D.READ_LIST.format(unit=turn.unit.name), choices, free=False))


async def _directive(turn: Turn, directive_id: int) -> Directive | None:
    """A directive of the unit's line, not withdrawn."""
    return await Directive.get_or_none(
        id=directive_id, unit_id__in=ancestor_ids(turn.unit), withdrawn_at=None
    )


async def _show(turn: Turn, d: Directive) -> None:
    parts = await directive_parts(d)
    file = await file_payload(d.file_id, d.file_name)
    turn.flush()
    for i, text in enumerate(parts):
        path = turn.media_dir / file["file"] if i == 0 and file else None
        turn.replies.append(Reply(text, file=path))
    choices = [("tie", D.TIE)]
    if not await DirectiveAck.exists(directive_id=d.id, member_id=turn.member.id):
        choices.insert(0, (ACK, D.ACK_BUTTON))
    turn.goto(FLOW, "item", {"id": d.id})
    turn.ask(Question(D.READ_ACTIONS, choices, free=False))


async def _ask_tie(turn: Turn, d: Directive) -> None:
    tied = await ActivityDirective.filter(directive_id=d.id).values_list("activity_id", flat=True)
    rows = (
        await Activity.filter(
            unit_id=turn.unit.id,
            deleted_at=None,
            activity_date__gte=d.starts_on,
            activity_date__lte=d.ends_on,
        )
        .exclude(id__in=list(tied))
        .order_by("-activity_date", "-id")
        .limit(LIST_LIMIT)
    )
    if not rows:
        turn.say(D.TIE_NONE.format(number=d.number))
        turn.reask()
        return
    choices = []
    for a in rows:
        kind = turn.catalog.kind_by_id(a.kind_id)
        label = D.TIE_ITEM.format(
            receipt=a.receipt, kind=kind.name if kind else "", date=T.fmt_date(a.activity_date)
        )
        choices.append((f"a:{a.id}", label))
    turn.goto(FLOW, "tie")
    turn.ask(Question(D.TIE_PICK.format(number=d.number), choices, free=False))


async def on_value(turn: Turn, value: str) -> None:
    if turn.step == "list" and value.startswith("d:"):
        d = await _directive(turn, int(value[2:]))
        await (_show(turn, d) if d else start(turn))
        return
    d = await _directive(turn, turn.state.get("id", 0))
    if d is None:
        turn.finish(D.ACK_GONE)
    elif turn.step == "item" and value == ACK:
        new = await record_ack(d.id, turn.member.id, turn.now, turn.inc.channel)
        turn.finish((D.ACK_THANKS if new else D.ACK_ALREADY).format(number=d.number))
    elif turn.step == "item" and value == "tie":
        await _ask_tie(turn, d)
    elif turn.step == "tie" and value.startswith("a:"):
        activity = await Activity.get_or_none(
            id=int(value[2:]), unit_id=turn.unit.id, deleted_at=None
        )
        if activity is None:
            turn.finish(T.REPORT_GONE)
            return
        await ActivityDirective.get_or_create(
            activity_id=activity.id, directive_id=d.id, defaults={"manual": True}
        )
        turn.finish(D.TIED.format(receipt=activity.receipt, number=d.number))
    else:
        turn.reask()


async def on_text(turn: Turn, text: str) -> None:
    turn.say(T.NOT_A_CHOICE)
    turn.reask()


async def back(turn: Turn) -> None:
    if turn.step == "tie":
        d = await _directive(turn, turn.state.get("id", 0))
        await (_show(turn, d) if d else start(turn))
    elif turn.step == "item":
        await start(turn)
    else:
        turn.finish()
