"""Reporting one activity, new or edited: only the questions still unanswered, then one summary
where photos and a note may be added, then save.

one-line report / "như lần trước" ─────────────────────────┐
menu → kind → field → field → … (only what is missing) ──► summary ──Lưu──► receipt, main menu
                      ▲                                    │ │ a photo, a note: kept, summary stays
                      └────────────── pick ◄──── Sửa ──────┘ │
                                                             └─ quay lại: the last question asked
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from handlers import checks, parsing, reviewing
from handlers import fields as F
from handlers import review_texts as RT
from handlers import texts as T
from handlers.audit import record
from handlers.catalog import KindInfo
from handlers.directive_actions import tie_report
from handlers.fields import Question
from handlers.locks import edit_blocked
from handlers.media import store_photo
from handlers.messages import Location, Photo
from handlers.turn import Turn
from models import Activity, NilReport
from models.directives import directive_topic_codes
from models.periods import is_locked, period_for
from models.queries import recent_activity, recent_topics

SAVE, EDIT = "save", "edit"
SAVE_WORDS = {"luu", "luu bao cao", "luu lai", "ok", "dong y", "gui", "gui di", "xong", "luu di"}
EDIT_WORDS = {"sua", "sua lai", "sua mot muc", "chinh sua"}
MORE_WORDS = {"chu de khac", "xem them", "them chu de", "khac nua"}


def _kind(turn: Turn) -> KindInfo | None:
    return turn.catalog.kind(turn.state.get("kind", ""))


def steps(kind: KindInfo) -> list[F.Field]:
    """The fields asked one by one; notes and photos come with the summary."""
    return [f for f in kind.fields if not F.is_asked_at_summary(f)]


async def start(
    turn: Turn,
    kind_code: str,
    values: dict[str, Any] | None = None,
    notes: list[str] | None = None,
) -> None:
    """A new report of a kind, with what a one-line report already said in `values`."""
    kind = turn.catalog.kind(kind_code)
    if kind is None or not kind.fields:
        turn.finish(T.NO_FIELDS)
        return
    values = dict(values or {})
    place = next((f for f in kind.fields if f["type"] == "place"), None)
    if place is not None and place["key"] not in values and turn.unit.locality:
        values[place["key"]] = turn.unit.locality
    turn.goto(
        "report",
        "field",
        {
            "kind": kind.code,
            "values": values,
            "done": list(values),
            "asked": [],
            # The questions this report will ask, for "câu 2/4": what was not said already.
            "plan": [f["key"] for f in steps(kind) if f["key"] not in values],
            "token": uuid.uuid4().hex,
            # Shown first when topics are asked: the running directives' own, then the unit's.
            "ft": [
                *await directive_topic_codes(turn.unit, turn.today),
                *await recent_topics(turn.unit.id),
            ],
        },
    )
    for note in notes or []:
        turn.say(note)
    next_step(turn)


async def repeat(turn: Turn, kind_code: str | None, day: date | None) -> bool:
    """ "Như lần trước": the unit's latest report (of a kind) again, dated today or `day`,
    straight to the summary. False when the unit has nothing to repeat."""
    kind_id = None
    if kind_code:
        kind = turn.catalog.kind(kind_code)
        kind_id = kind.id if kind else None
    last = await recent_activity(turn.unit.id, kind_id)
    kind = turn.catalog.kind_by_id(last.kind_id) if last else None
    if last is None or kind is None or not kind.active:
        return False
    # Everything but the date, the photos and the note, which belong to that day alone.
    values = {
        f["key"]: last.data[f["key"]]
        for f in kind.fields
        if f["key"] in last.data
        and f["type"] not in ("date", "photos")
        and not F.is_asked_at_summary(f)
    }
    values.update({k: v for k, v in last.data.items() if k.endswith("_other")})
    notes = [T.COPIED_FROM.format(receipt=last.receipt)]
    date_field = next((f for f in kind.fields if f["type"] == "date"), None)
    if date_field is not None:
        outcome = F.check_date(day or turn.today, turn.fctx)
        if outcome.done:
            values[date_field["key"]] = outcome.value
        else:
            notes.append(outcome.message)
    await start(turn, kind.code, values, notes)
    return True


def start_edit(turn: Turn, activity: Activity, kind: KindInfo, at_summary: bool = False) -> None:
    """Edit a saved report: pick a field, or (`at_summary`, from a sent-back notice) its
    summary, where a photo or a note is added at once."""
    turn.goto(
        "report",
        "pick",
        {
            "kind": kind.code,
            "values": dict(activity.data),
            "done": [f["key"] for f in kind.fields],
            "asked": [],
            "edit": activity.id,
            "ver": activity.version,
            "sum": True,
        },
    )
    ask_summary(turn) if at_summary else ask_pick(turn)


def next_step(turn: Turn) -> None:
    """The first question not yet answered, or the summary."""
    kind = _kind(turn)
    if kind is None:
        turn.finish(T.KIND_GONE)
        return
    values = turn.state["values"]
    missing = F.missing_required(kind.fields, values)
    if turn.state.get("sum") and not missing:
        ask_summary(turn)
        return
    done = set(turn.state["done"])
    todo = [f for f in steps(kind) if f["key"] not in done] + missing
    if not todo:
        ask_summary(turn)
        return
    turn.state["key"] = todo[0]["key"]
    turn.goto("report", "field")
    ask_field(turn)


def _field(turn: Turn) -> F.Field | None:
    kind = _kind(turn)
    return kind.field(turn.state.get("key", "")) if kind else None


def ask_field(turn: Turn) -> None:
    kind = _kind(turn)
    f = _field(turn)
    if kind is None or f is None:  # an admin changed the kind while this draft waited
        turn.say(T.KIND_CHANGED)
        turn.state.pop("follow", None)
        next_step(turn)
        return
    follow = turn.state.get("follow")
    if follow and follow.get("form"):
        turn.ask(Question(T.FORM_HOW_MANY.format(form=follow["form"].lower()), numeric=True))
        return
    if follow:
        turn.ask(Question(T.ASK_OTHER_TOPIC))
        return
    ctx = turn.fctx
    q = F.ask(f, turn.state["values"].get(f["key"]), ctx)
    plan = turn.state.get("plan") or []
    if f["key"] in plan and not turn.state.get("sum"):
        header = T.ASK_PREFIX.format(kind=kind.name, n=plan.index(f["key"]) + 1, total=len(plan))
    else:
        header = kind.name + "\n"
    turn.ask(Question(header + q.text, q.choices, q.free, q.multi, q.numeric))


def summary_text(kind: KindInfo, values: dict[str, Any], turn: Turn) -> str:
    lines = []
    for f in kind.fields:
        value = values.get(f["key"])
        if F.is_asked_at_summary(f) and value in (None, "", []):
            continue
        shown = F.show(f, value, turn.catalog, brief=True)
        other = values.get(f"{f['key']}_other")
        if f["type"] == "topics" and other:
            shown += f" ({parsing.storable(str(other))[:40]})"
        lines.append(f"• {f['label']}: {shown}")
    return "\n".join(lines)


def _summary_choices(turn: Turn) -> list[tuple[str, str]]:
    return [(SAVE, T.SAVE_CHANGES if turn.state.get("edit") else T.SAVE), (EDIT, T.EDIT_FIELD)]


def _summary_hint(kind: KindInfo, values: dict[str, Any]) -> str:
    """How to add a photo or a note, while the report has neither yet (then it is known)."""
    extras = [f for f in kind.fields if F.is_asked_at_summary(f)]
    if any(values.get(f["key"]) not in (None, "", []) for f in extras):
        return ""
    types = {f["type"] for f in extras}
    if "text" in types:
        return T.SUMMARY_ADD_BOTH
    return T.SUMMARY_ADD_PHOTO if "photos" in types else ""


def ask_summary(turn: Turn) -> None:
    kind = _kind(turn)
    if kind is None:
        turn.finish(T.KIND_GONE)
        return
    turn.goto("report", "summary")
    turn.state.pop("key", None)
    parts = [T.SUMMARY.format(kind=kind.name), summary_text(kind, turn.state["values"], turn)]
    if hint := _summary_hint(kind, turn.state["values"]):
        parts.append(hint)
    turn.ask(Question("\n".join(parts), _summary_choices(turn)))


def _summary_again(turn: Turn, what: str) -> None:
    """After a photo or a note at the summary: a short line, not the whole summary again."""
    turn.ask(Question(f"{what} {T.SUMMARY_MORE}".strip(), _summary_choices(turn)))


def ask_pick(turn: Turn) -> None:
    kind = _kind(turn)
    if kind is None:
        turn.finish(T.KIND_GONE)
        return
    turn.goto("report", "pick")
    choices = [(f"f:{f['key']}", f["label"]) for f in kind.fields]
    turn.ask(Question(T.PICK_FIELD, choices, free=False))


def _advance(turn: Turn, f: F.Field, outcome: F.Outcome) -> None:
    values = turn.state["values"]
    if outcome.value is not None or outcome.done:
        values[f["key"]] = outcome.value
    if outcome.message:
        turn.say(outcome.message)
    if outcome.follow:
        if outcome.follow == F.OTHER_TOPIC:
            turn.state["follow"] = {"other": True, "done": outcome.done or not outcome.message}
        else:
            turn.state["follow"] = {"form": outcome.follow}
        ask_field(turn)
        return
    if not outcome.done:
        ask_field(turn)
        return
    if f["key"] not in turn.state["done"]:
        turn.state["done"].append(f["key"])
    turn.state["asked"].append(f["key"])
    turn.state.pop("tp", None)
    next_step(turn)


def _answer_follow(turn: Turn, f: F.Field, text: str) -> None:
    follow = turn.state["follow"]
    values = turn.state["values"]
    if follow.get("form"):
        try:
            n = F.parse_number({**f, "unit": f.get("unit", "")}, text)
        except parsing.ParseError as e:
            turn.say(e.message)
            ask_field(turn)
            return
        forms = dict(values.get(f["key"]) or {})
        forms[follow["form"]] = n
        values[f["key"]] = forms
        turn.state.pop("follow")
        ask_field(turn)
        return
    if parsing.is_skip(text):
        turn.say(T.REQUIRED)
        ask_field(turn)
        return
    try:
        values[f"{f['key']}_other"] = parsing.clean_text(text, 200)
    except parsing.ParseError as e:
        turn.say(e.message)
        ask_field(turn)
        return
    turn.state.pop("follow")
    if follow.get("done"):
        _advance(turn, f, F.Outcome(True, values.get(f["key"])))
    else:
        ask_field(turn)


async def on_value(turn: Turn, value: str) -> None:
    if turn.step == "field":
        f = _field(turn)
        if f is None:  # the kind was changed under the draft
            ask_field(turn)
            return
        if turn.state.get("follow"):
            turn.say(T.NOT_A_CHOICE)
            ask_field(turn)
            return
        if value == F.MORE:
            turn.state["tp"] = turn.state.get("tp", 0) + 1
            ask_field(turn)
            return
        current = turn.state["values"].get(f["key"])
        _advance(turn, f, F.answer_choice(f, value, current, turn.fctx))
    elif turn.step == "summary":
        if value == SAVE:
            await save(turn)
        else:
            ask_pick(turn)
    elif turn.step == "doubt":
        await _doubt(turn, value)
    elif turn.step == "pick" and value.startswith("f:"):
        kind = _kind(turn)
        if kind is None or kind.field(value[2:]) is None:
            ask_pick(turn)
            return
        turn.state["key"] = value[2:]
        turn.state["sum"] = True
        turn.goto("report", "field")
        ask_field(turn)


def _answer_field(turn: Turn, not_now: str, answer: Callable[[F.Field, Any], F.Outcome]) -> None:
    """An answer to the field being asked, read by `answer(field, current value)`; at any other
    step it is answered with `not_now` and the question is asked again."""
    f = _field(turn) if turn.step == "field" else None
    if f is None:
        turn.say(not_now)
        turn.reask()
        return
    _advance(turn, f, answer(f, turn.state["values"].get(f["key"])))


async def on_text(turn: Turn, text: str) -> None:
    if turn.step == "summary":
        await _summary_text(turn, text)
        return
    f = _field(turn) if turn.step == "field" else None
    if turn.step == "field" and f is None:  # the kind was changed under the draft
        ask_field(turn)
        return
    if f is not None and turn.state.get("follow"):
        _answer_follow(turn, f, text)
        return
    if f is not None and f["type"] == "topics" and parsing.fold(text) in MORE_WORDS:
        await on_value(turn, F.MORE)
        return
    picked = _numbered_choice(turn, text)
    if f is not None and picked is not None:
        await on_value(turn, picked)
        return
    _answer_field(turn, T.NOT_A_CHOICE, lambda f, now: F.answer_text(f, text, now, turn.fctx))


def _numbered_choice(turn: Turn, text: str) -> str | None:
    """On a list that takes several answers, one number that points at "Chủ đề khác", "Xong"
    or a form: that choice (numbers for topics themselves are read by the field)."""
    q = turn.question
    said = parsing.words(text)
    if not q or not q.get("multi") or len(said) != 1 or not parsing.is_int_text(said[0], 3):
        return None
    if parsing.fold(text).strip(" .") != said[0]:
        return None
    options = [value for value, _ in q["c"][: q.get("n", len(q["c"]))]]
    index = int(said[0]) - 1
    if 0 <= index < len(options) and not options[index].startswith("t:"):
        return options[index]
    return None


async def _summary_text(turn: Turn, text: str) -> None:
    """At the summary a word saves or edits; any other text is the note, where the kind has
    one (a note is never read as a command: only the word alone saves)."""
    folded = parsing.fold(text).strip(" .!")
    kind = _kind(turn)
    if folded in SAVE_WORDS:
        await save(turn)
        return
    if folded in EDIT_WORDS or kind is None:
        ask_pick(turn)
        return
    note = next((f for f in kind.fields if F.is_asked_at_summary(f) and f["type"] == "text"), None)
    if note is None:
        turn.say(T.SUMMARY_NOT_UNDERSTOOD)
        _summary_again(turn, "")
        return
    # "ghi chú: …" at the summary: the words after the label are the note.
    text = re.sub(r"^\s*(?:ghi ch[uú]|gc)\s*[:\-]\s*", "", text, flags=re.IGNORECASE) or text
    outcome = F.answer_text(note, text, None, turn.fctx)
    if not outcome.done:
        turn.say(outcome.message)
        _summary_again(turn, "")
        return
    if outcome.value is None:  # "không", "bỏ qua": no note, nothing to say
        _summary_again(turn, "")
        return
    values = turn.state["values"]
    before = values.get(note["key"])
    values[note["key"]] = f"{before}; {outcome.value}" if before else outcome.value
    _summary_again(turn, T.NOTE_SAVED)


async def on_photo(turn: Turn, photo: Photo) -> None:
    kind = _kind(turn)
    f = _field(turn) if turn.step == "field" else None
    at_summary = turn.step == "summary" and kind is not None
    if at_summary and kind is not None:
        f = next((x for x in kind.fields if x["type"] == "photos"), None)
    if f is None or f["type"] != "photos":
        turn.say(T.PHOTO_NOT_NOW)
        turn.reask()
        return
    media, duplicate = await store_photo(photo, turn.media_dir)
    photos = list(turn.state["values"].get(f["key"]) or [])
    if duplicate and media.sha256 in photos:
        turn.say(T.PHOTO_DUPLICATE)
    if media.sha256 not in photos:
        photos.append(media.sha256)
    turn.state["values"][f["key"]] = photos
    if at_summary:
        _summary_again(turn, T.PHOTO_RECEIVED.format(n=len(photos)))
        return
    turn.say(T.PHOTO_RECEIVED.format(n=len(photos)))
    ask_field(turn)


async def on_location(turn: Turn, location: Location) -> None:
    lat, lon = location.latitude, location.longitude
    kind = _kind(turn)
    if turn.step == "summary" and kind is not None:
        place = next((x for x in kind.fields if x["type"] == "place"), None)
        if place is not None:
            outcome = F.answer_location(place, lat, lon, None)
            if outcome.done:
                turn.state["values"][place["key"]] = outcome.value
            _summary_again(turn, outcome.message)
            return
    _answer_field(turn, T.LOCATION_NOT_NOW, lambda f, now: F.answer_location(f, lat, lon, now))


async def back(turn: Turn) -> None:
    """Back to the question answered last; from the first one (or a one-line report's summary
    that asked nothing), out with nothing saved."""
    if turn.state.get("follow"):
        turn.state.pop("follow")
        ask_field(turn)
        return
    if turn.step in ("pick", "doubt") or (turn.step == "field" and turn.state.get("sum")):
        ask_summary(turn)
        return
    if turn.step == "summary" and turn.state.get("edit"):
        ask_pick(turn)
        return
    asked: list[str] = turn.state.get("asked", [])
    if not asked:
        turn.finish(T.CANCELLED)
        return
    key = asked.pop()
    if key in turn.state["done"]:
        turn.state["done"].remove(key)
    turn.state["key"] = key
    turn.goto("report", "field")
    ask_field(turn)


async def save(turn: Turn) -> None:
    if await edit_blocked(turn):  # the report's own period locked: nothing changes
        return
    kind = _kind(turn)
    if kind is None:
        turn.finish(T.KIND_GONE)
        return
    values: dict[str, Any] = turn.state["values"]
    missing = F.missing_required(kind.fields, values)
    if missing:
        turn.state["key"] = missing[0]["key"]
        turn.goto("report", "field")
        ask_field(turn)
        return
    for f in kind.fields:  # every field stored, the ones left empty too
        values.setdefault(f["key"], [] if f["type"] == "photos" else None)
    date_key = next((f["key"] for f in kind.fields if f["type"] == "date"), "date")
    activity_date = date.fromisoformat(values[date_key]) if values.get(date_key) else turn.today
    period = await period_for(activity_date, turn.rules)
    label = T.period_label(period.start, period.end)
    if is_locked(period, turn.today):
        turn.say(T.LOCKED_PERIOD.format(period=label, locked=T.fmt_date(period.locks_on)))
        turn.state["key"] = date_key
        turn.state["sum"] = True
        turn.goto("report", "field")
        ask_field(turn)
        return
    closed = await reviewing.closed_by(turn.unit, period.id)
    if closed is not None:
        turn.say(RT.CLOSED.format(period=label, unit=closed.name))
        ask_summary(turn)
        return
    if await checks.question_figures(turn, kind, values, period):
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
        await tie_report(activity.id, turn.unit, activity_date, kind.fields, values)
        await reviewing.submitted(
            activity, turn.member.id, turn.now, await _flags(turn, activity.id)
        )
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
    await tie_report(activity_id, turn.unit, activity_date, kind.fields, values)
    flags = await _flags(turn, activity_id)
    was_returned = await reviewing.resubmitted(
        activity_id, version + 1, turn.member.id, turn.now, flags
    )
    if was_returned:
        turn.say(T.UPDATED.format(receipt=receipt, version=version + 1))
        turn.finish(RT.RESUBMITTED)
        return
    turn.finish(T.UPDATED.format(receipt=receipt, version=version + 1))


async def _flags(turn: Turn, activity_id: int) -> list[dict[str, Any]]:
    """What the reviewer is told: figures kept after the question, photos seen before."""
    photos = [p for v in turn.state["values"].values() if isinstance(v, list) for p in v]
    photos = [p for p in photos if isinstance(p, str) and len(p) == 64]
    return [*turn.state.get("flagged", []), *await checks.photo_flags(activity_id, photos)]


async def _doubt(turn: Turn, value: str) -> None:
    """The answer to "Số này lớn hơn nhiều so với các lần trước": keep it (flagged for the
    reviewer) or correct it."""
    key, figure = turn.state.pop("doubt", [None, None])
    if key is None:
        ask_summary(turn)
        return
    if value == "keep":
        turn.state.setdefault("kept", {})[key] = figure
        await save(turn)
        return
    turn.state["key"] = key
    turn.state["sum"] = True
    turn.goto("report", "field")
    ask_field(turn)
