"""Reporting one activity, new or edited: the kind's fields one by one, a summary, then save.

field 0 → field 1 → … → summary ──save──► receipt, main menu
             ▲                │ edit a field
             └──── pick ◄─────┘
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from handlers import fields as F
from handlers import texts as T
from handlers.audit import record
from handlers.catalog import KindInfo
from handlers.fields import Question
from handlers.locks import edit_blocked
from handlers.media import store_photo
from handlers.messages import Location, Photo
from handlers.turn import Turn
from models import Activity, NilReport
from models.periods import is_locked, period_for

SAVE, EDIT, CANCEL_EDIT = "save", "edit", "__cancel"


def _kind(turn: Turn) -> KindInfo:
    kind = turn.catalog.kind(turn.state["kind"])
    assert kind is not None
    return kind


async def start(turn: Turn, kind_code: str) -> None:
    kind = turn.catalog.kind(kind_code)
    if kind is None or not kind.fields:
        turn.finish(T.NO_FIELDS)
        return
    turn.goto(
        "report", "field", {"kind": kind.code, "values": {}, "i": 0, "token": uuid.uuid4().hex}
    )
    ask_field(turn)


def start_edit(turn: Turn, activity: Activity, kind: KindInfo) -> None:
    turn.goto(
        "report",
        "pick",
        {
            "kind": kind.code,
            "values": dict(activity.data),
            "i": 0,
            "edit": activity.id,
            "ver": activity.version,
            "sum": True,
        },
    )
    ask_pick(turn)


def ask_field(turn: Turn) -> None:
    kind = _kind(turn)
    # An admin may have shortened the kind while this draft waited.
    i = turn.state["i"] = min(turn.state["i"], len(kind.fields) - 1)
    f = kind.fields[i]
    q = F.ask(f, turn.state["values"].get(f["key"]), turn.fctx)
    header = T.ASK_PREFIX.format(kind=kind.name, n=i + 1, total=len(kind.fields))
    turn.ask(Question(header + q.text, q.choices, q.free, q.multi, q.numeric))


def summary_text(kind: KindInfo, values: dict[str, Any], turn: Turn) -> str:
    lines = [
        f"• {f['label']}: {F.show(f, values.get(f['key']), turn.catalog)}" for f in kind.fields
    ]
    return "\n".join(lines)


def ask_summary(turn: Turn) -> None:
    kind = _kind(turn)
    turn.goto("report", "summary")
    text = T.SUMMARY.format(kind=kind.name) + "\n" + summary_text(kind, turn.state["values"], turn)
    save_label = T.SAVE_CHANGES if turn.state.get("edit") else T.SAVE
    turn.ask(Question(text, [(SAVE, save_label), (EDIT, T.EDIT_FIELD)], free=False))


def ask_pick(turn: Turn) -> None:
    kind = _kind(turn)
    turn.goto("report", "pick")
    choices = [(f"f:{i}", f["label"]) for i, f in enumerate(kind.fields)]
    turn.ask(Question(T.PICK_FIELD, choices, free=False))


def _advance(turn: Turn, outcome: F.Outcome) -> None:
    kind = _kind(turn)
    f = kind.fields[turn.state["i"]]
    if outcome.value is not None or outcome.done:
        turn.state["values"][f["key"]] = outcome.value
    if outcome.message:
        turn.say(outcome.message)
    if not outcome.done:
        ask_field(turn)
        return
    nxt = turn.state["i"] + 1
    if turn.state.get("sum") or nxt >= len(kind.fields):
        missing = F.missing_required(kind.fields, turn.state["values"])
        if missing:  # reached the summary by a shortcut while a required field is empty
            turn.state["i"] = kind.fields.index(missing[0])
            ask_field(turn)
            return
        ask_summary(turn)
    else:
        turn.state["i"] = nxt
        ask_field(turn)


async def on_value(turn: Turn, value: str) -> None:
    if turn.step == "field":
        f = _kind(turn).fields[turn.state["i"]]
        _advance(turn, F.answer_choice(f, value, turn.state["values"].get(f["key"]), turn.fctx))
    elif turn.step == "summary":
        if value == SAVE:
            await save(turn)
        else:
            ask_pick(turn)
    elif turn.step == "pick" and value.startswith("f:"):
        turn.state["i"] = int(value[2:])
        turn.state["sum"] = True
        turn.goto("report", "field")
        ask_field(turn)


def _answer_field(turn: Turn, not_now: str, answer: Callable[[F.Field, Any], F.Outcome]) -> None:
    """An answer to the field being asked, read by `answer(field, current value)`; at any other
    step it is answered with `not_now` and the question is asked again."""
    if turn.step != "field":
        turn.say(not_now)
        turn.reask()
        return
    f = _kind(turn).fields[turn.state["i"]]
    _advance(turn, answer(f, turn.state["values"].get(f["key"])))


async def on_text(turn: Turn, text: str) -> None:
    _answer_field(turn, T.NOT_A_CHOICE, lambda f, now: F.answer_text(f, text, now, turn.fctx))


async def on_photo(turn: Turn, photo: Photo) -> None:
    f = _kind(turn).fields[turn.state["i"]] if turn.step == "field" else None
    if f is None or f["type"] != "photos":
        turn.say(T.PHOTO_NOT_NOW)
        turn.reask()
        return
    media, duplicate = await store_photo(photo, turn.media_dir)
    photos = list(turn.state["values"].get(f["key"]) or [])
    if duplicate:
        turn.say(T.PHOTO_DUPLICATE)
    if media.sha256 not in photos:
        photos.append(media.sha256)
    turn.state["values"][f["key"]] = photos
    turn.say(T.PHOTO_RECEIVED.format(n=len(photos)))
    ask_field(turn)


async def on_location(turn: Turn, location: Location) -> None:
    lat, lon = location.latitude, location.longitude
    _answer_field(turn, T.LOCATION_NOT_NOW, lambda f, now: F.answer_location(f, lat, lon, now))


async def back(turn: Turn) -> None:
    if turn.step == "summary":
        if turn.state.get("edit"):
            ask_pick(turn)
            return
        turn.state["i"] = len(_kind(turn).fields) - 1
        turn.goto("report", "field")
        ask_field(turn)
    elif turn.step == "pick":
        ask_summary(turn)
    elif turn.state.get("sum"):
        ask_summary(turn)
    elif turn.state["i"] > 0:
        turn.state["i"] -= 1
        ask_field(turn)
    else:
        turn.finish(T.CANCELLED)


async def save(turn: Turn) -> None:
    if await edit_blocked(turn):  # the report's own period locked: nothing changes
        return
    kind = _kind(turn)
    values: dict[str, Any] = turn.state["values"]
    date_key = next((f["key"] for f in kind.fields if f["type"] == "date"), "date")
    activity_date = date.fromisoformat(values[date_key]) if values.get(date_key) else turn.today
    period = await period_for(activity_date, turn.rules)
    label = T.period_label(period.start, period.end)
    if is_locked(period, turn.today):
        turn.say(T.LOCKED_PERIOD.format(period=label, locked=T.fmt_date(period.locks_on)))
        turn.state["i"] = next((i for i, f in enumerate(kind.fields) if f["type"] == "date"), 0)
        turn.goto("report", "field")
        ask_field(turn)
        return
    if turn.state.get("edit"):
        await _save_edit(turn, kind, values, activity_date, period.id)
        return
    token = turn.state["token"]
    existing = await Activity.filter(draft_token=token).first()
    if existing is None:
        activity = await Activity.create(
            unit_id=turn.unit.id,
            kind_id=kind.id,
            period_id=period.id,
            reporter_id=turn.member.id,
            activity_date=activity_date,
            data=values,
            channel=turn.inc.channel,
            draft_token=token,
        )
        await record(turn.member.id, "activity", activity.id, "create", None, values)
        nil_report = await NilReport.filter(unit_id=turn.unit.id, period_id=period.id).first()
        if nil_report is not None:
            await nil_report.delete()
            await record(
                turn.member.id, "nil_report", nil_report.id, "delete", {"period": label}, None
            )
            turn.say(T.NIL_REPLACED.format(period=label))
    else:
        activity = existing
    turn.finish(T.SAVED.format(kind=kind.name, receipt=activity.receipt, period=label))


async def _save_edit(
    turn: Turn, kind: KindInfo, values: dict[str, Any], activity_date: date, period_id: int
) -> None:
    activity_id, version = turn.state["edit"], turn.state["ver"]
    receipt = f"BC-{activity_id:06d}"
    before = await Activity.filter(id=activity_id, version=version, deleted_at=None).first()
    if before is None:
        turn.finish(T.EDIT_CONFLICT.format(receipt=receipt))
        return
    await Activity.filter(id=activity_id, version=version).update(
        data=values,
        activity_date=activity_date,
        period_id=period_id,
        version=version + 1,
        updated_at=turn.now,
    )
    await record(turn.member.id, "activity", activity_id, "edit", before.data, values)
    turn.finish(T.UPDATED.format(receipt=receipt, version=version + 1))
