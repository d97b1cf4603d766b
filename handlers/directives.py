"""A supervisor's or admin's directives and notices, in the chat.

home ─new─► number → title → summary → topics → window → file → confirm ──send──► outbox
  │─notice─► notice_text → notice_file → notice_confirm ──send──► outbox
  └─pick one─► item: who has not acknowledged · remind them · results (Excel) · window · withdraw
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from handlers import directive_actions as A
from handlers import directive_input as I
from handlers import texts as T
from handlers import texts_directives as D
from handlers.fields import DONE, DONE_WORDS, SKIP, Question
from handlers.messages import Document, Reply
from handlers.parsing import fold
from handlers.supervise import scope_unit
from handlers.turn import Turn
from models import Directive, Role, Unit
from models.directives import SUMMARY_MAX, DirectiveResults, addressees, subtree_recipients
from models.periods import VN_TZ

log = logging.getLogger(__name__)

FLOW = "directives"
LIST_LIMIT = 8
NAMES_LIMIT = 30

# handlers/ may not import exports/: bot/ hands in the workbook writer at start-up.
WriteResults = Callable[[Directive, Path], Awaitable[DirectiveResults]]
_write: WriteResults | None = None


def configure(write: WriteResults) -> None:
    global _write
    _write = write


async def _scope(turn: Turn) -> Unit:
    return await scope_unit(turn.member, turn.unit)


async def _mine(turn: Turn, directive_id: int) -> Directive | None:
    """A directive the member may manage: issued in their subtree."""
    scope = await _scope(turn)
    d = await Directive.get_or_none(id=directive_id).select_related("unit")
    if d is None or not d.unit.path.startswith(scope.path):
        return None
    return d


async def start(turn: Turn) -> None:
    if turn.member.role == Role.REPORTER:
        turn.finish(T.NOT_ALLOWED)
        return
    scope = await _scope(turn)
    items = (
        await Directive.filter(unit__path__startswith=scope.path)
        .order_by("-issued_on", "-id")
        .limit(LIST_LIMIT)
    )
    choices = [("new", D.NEW_DIRECTIVE), ("notice", D.NEW_NOTICE)]
    for d in items:
        label = D.ITEM_LABEL.format(number=d.number, title=D.short(d.title, 40))
        choices.append((f"d:{d.id}", label + (D.WITHDRAWN_MARK if d.withdrawn_at else "")))
    turn.goto(FLOW, "home", {})
    turn.ask(Question(D.HOME.format(unit=scope.name), choices, free=False))


def _ask(turn: Turn, step: str, text: str, choices: list[tuple[str, str]] | None = None) -> None:
    turn.goto(FLOW, step)
    turn.ask(Question(text, choices or [], free=True))


def _ask_topics(turn: Turn) -> None:
    picked = turn.state["d"].setdefault("topics", [])
    new = turn.state["d"].setdefault("new_topics", [])
    choices = [
        (f"t:{code}", ("✔ " if code in picked else "") + name) for code, name in turn.catalog.topics
    ]
    text = D.ASK_TOPICS
    if picked or new:
        names = [turn.catalog.topic_name(c) for c in picked] + new
        text = D.TOPICS_CHOSEN.format(topics="; ".join(names)) + "\n" + text
        choices.append((DONE, T.DONE))
    turn.goto(FLOW, "topics")
    turn.ask(Question(text, choices, multi=True))


def _file_label(d: dict[str, Any]) -> str:
    return d.get("file_name") or D.NO_FILE


async def _ask_confirm(turn: Turn) -> None:
    d = turn.state["d"]
    scope = await _scope(turn)
    n = len(await subtree_recipients(scope))
    names = [turn.catalog.topic_name(c) for c in d["topics"]] + d["new_topics"]
    text = D.CONFIRM.format(
        number=d["number"],
        issued=T.fmt_date(date.fromisoformat(d["issued_on"])),
        title=d["title"][:80],
        start=T.fmt_date(date.fromisoformat(d["starts_on"])),
        end=T.fmt_date(date.fromisoformat(d["ends_on"])),
        topics="; ".join(names)[:80],
        file=_file_label(d)[:40],
        n=n,
        unit=scope.name[:50],
    )
    turn.goto(FLOW, "confirm")
    turn.ask(Question(text, [("send", D.SEND)], free=False))


async def _show_item(turn: Turn, d: Directive) -> None:
    people = await addressees(d)
    acked = sum(1 for p in people if p.acked_at is not None)
    text = D.ITEM.format(
        number=d.number,
        issued=T.fmt_date(d.issued_on),
        title=d.title[:80],
        start=T.fmt_date(d.starts_on),
        end=T.fmt_date(d.ends_on),
        acked=acked,
        total=len(people),
    )
    choices = [("unacked", D.UNACKED), ("results", D.RESULTS)]
    if d.withdrawn_at is None:
        choices[1:1] = [("remind", D.REMIND)]
        choices += [
            ("window", D.EDIT_WINDOW),
            ("summary", D.EDIT_SUMMARY),
            ("withdraw", D.WITHDRAW),
        ]
    turn.goto(FLOW, "item", {"id": d.id})
    turn.ask(Question(text, choices, free=False))


async def unacked_text(d: Directive) -> str:
    people = await addressees(d)
    waiting = [p for p in people if p.acked_at is None]
    if not waiting:
        return D.UNACKED_NONE.format(total=len(people), number=d.number)
    lines = [D.UNACKED_HEAD.format(number=d.number, n=len(waiting), total=len(people))]
    for p in waiting[:NAMES_LIMIT]:
        mark = {"sent": "", "pending": D.PENDING_MARK, "sending": D.PENDING_MARK}.get(
            p.status, D.NOT_SENT_MARK
        )
        lines.append(f"• {p.name} – {p.unit_name}{mark}")
    if len(waiting) > NAMES_LIMIT:
        lines.append(D.UNACKED_MORE.format(n=len(waiting) - NAMES_LIMIT))
    return "\n".join(lines)


def results_name(d: Directive, turn: Turn) -> str:
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", d.number).strip("-") or "huong-dan"
    made = turn.now.astimezone(VN_TZ)
    return f"ketqua_{code}_{made:%Y%m%d-%H%M%S}_{secrets.token_hex(2)}.xlsx"


def _results(turn: Turn, d: Directive) -> None:
    path = turn.media_dir / "exports" / results_name(d, turn)
    write = _write

    async def build() -> list[Reply]:
        try:
            if write is None:
                raise RuntimeError("no workbook writer configured (handlers.directives.configure)")
            r = await write(d, path)
        except Exception:
            log.exception("results of directive %s failed", d.number)
            return [Reply(D.RESULTS_FAILED)]
        acked = sum(1 for p in r.addressees if p.acked_at is not None)
        text = D.RESULTS_READY.format(
            number=d.number,
            activities=r.total.activities,
            done=len(r.units) - len(r.idle_units),
            units=len(r.units),
            acked=acked,
            total=len(r.addressees),
        )
        return [Reply(text, file=path)]

    turn.replies.append(Reply(D.RESULTS_STARTED, then=build))


async def results_command(turn: Turn, arg: str) -> None:
    """/ketqua 122-HD/BTGTU"""
    if turn.member.role == Role.REPORTER:
        turn.say(T.NOT_ALLOWED)
        return
    number = arg.strip().upper()
    if not number:
        turn.say(D.RESULT_HOW)
        return
    found = await Directive.get_or_none(number=number)
    d = await _mine(turn, found.id) if found else None
    if d is None:
        turn.say(D.RESULT_UNKNOWN.format(number=number[:60]))
        return
    _results(turn, d)


async def start_notice(turn: Turn) -> None:
    if turn.member.role == Role.REPORTER:
        turn.finish(T.NOT_ALLOWED)
        return
    turn.goto(FLOW, "notice_text", {"d": {}})
    _ask(turn, "notice_text", D.ASK_NOTICE.format(max=I.NOTICE_MAX))


async def on_value(turn: Turn, value: str) -> None:
    step = turn.step
    if step == "home":
        if value == "new":
            turn.goto(FLOW, "number", {"d": {}})
            _ask(turn, "number", D.ASK_NUMBER)
        elif value == "notice":
            await start_notice(turn)
        elif value.startswith("d:"):
            d = await _mine(turn, int(value[2:]))
            if d is None:
                turn.finish(D.GONE)
            else:
                await _show_item(turn, d)
    elif step == "topics":
        if value == DONE:
            if not turn.state["d"]["topics"] and not turn.state["d"]["new_topics"]:
                turn.say(D.NO_TOPICS)
                _ask_topics(turn)
                return
            _ask(turn, "window", D.ASK_WINDOW)
        elif value.startswith("t:"):
            picked = turn.state["d"]["topics"]
            code = value[2:]
            picked.remove(code) if code in picked else picked.append(code)
            _ask_topics(turn)
    elif step in ("file", "notice_file") and value == SKIP:
        turn.state["d"].pop("media_id", None)
        turn.state["d"].pop("file_name", None)
        await (_ask_confirm(turn) if step == "file" else _ask_notice_confirm(turn))
    elif step == "confirm" and value == "send":
        await _create(turn)
    elif step == "notice_confirm" and value == "send":
        await _send_notice(turn)
    elif step == "item":
        await _on_item(turn, value)
    elif step == "withdraw" and value == "yes":
        d = await _mine(turn, turn.state["id"])
        if d is None:
            turn.finish(D.GONE)
            return
        n = await A.withdraw(d, turn.now)
        turn.finish(D.WITHDRAWN.format(number=d.number, n=n))
    else:
        turn.reask()


async def _on_item(turn: Turn, value: str) -> None:
    d = await _mine(turn, turn.state["id"])
    if d is None:
        turn.finish(D.GONE)
        return
    if value == "unacked":
        turn.say(await unacked_text(d))
        turn.reask()
    elif value == "remind":
        n = await A.remind_unacked(d, turn.now)
        turn.say(D.REMINDED.format(n=n, number=d.number) if n else D.REMINDED_NONE)
        turn.reask()
    elif value == "results":
        _results(turn, d)
        turn.finish()
    elif value == "window":
        _ask(turn, "new_window", D.ASK_NEW_WINDOW)
    elif value == "summary":
        _ask(turn, "new_summary", D.ASK_NEW_SUMMARY.format(max=SUMMARY_MAX))
    elif value == "withdraw":
        turn.goto(FLOW, "withdraw")
        turn.ask(
            Question(
                D.CONFIRM_WITHDRAW.format(number=d.number), [("yes", D.YES_WITHDRAW)], free=False
            )
        )


async def on_text(turn: Turn, text: str) -> None:
    d: dict[str, Any] = turn.state.setdefault("d", {})
    try:
        if turn.step == "number":
            number, issued = I.parse_number_date(text)
            if await Directive.exists(number=number):
                raise I.DirectiveError(D.NUMBER_TAKEN.format(number=number))
            d.update(number=number, issued_on=issued.isoformat())
            _ask(turn, "title", D.ASK_TITLE.format(max=I.TITLE_MAX))
        elif turn.step == "title":
            d["title"] = I.clean(text, I.TITLE_MAX)
            _ask(turn, "summary", D.ASK_SUMMARY.format(max=SUMMARY_MAX))
        elif turn.step == "summary":
            d["summary"] = I.clean(text, SUMMARY_MAX)
            _ask_topics(turn)
        elif turn.step == "topics":
            if fold(text) in DONE_WORDS:  # "xong" typed: the button's word, not a new topic
                await on_value(turn, DONE)
                return
            codes, new = I.split_topics(text, turn.catalog.topics)
            d["topics"] = list(dict.fromkeys([*d.get("topics", []), *codes]))
            d["new_topics"] = list(dict.fromkeys([*d.get("new_topics", []), *new]))
            _ask_topics(turn)
        elif turn.step == "window":
            start, end = I.parse_window(text, turn.today)
            d.update(starts_on=start.isoformat(), ends_on=end.isoformat())
            _ask(turn, "file", D.ASK_FILE, [(SKIP, T.SKIP)])
        elif turn.step == "new_window":
            found = await _mine(turn, turn.state["id"])
            if found is None:
                turn.finish(D.GONE)
                return
            start, end = I.parse_window(text, turn.today)
            await A.edit_window(found, start, end)
            turn.finish(
                D.WINDOW_SAVED.format(
                    number=found.number, start=T.fmt_date(start), end=T.fmt_date(end)
                )
            )
        elif turn.step == "new_summary":
            found = await _mine(turn, turn.state["id"])
            if found is None:
                turn.finish(D.GONE)
                return
            await A.edit_directive(found, summary=text)
            turn.finish(D.SUMMARY_SAVED.format(number=found.number))
        elif turn.step == "notice_text":
            d["text"] = I.clean(text, I.NOTICE_MAX)
            _ask(turn, "notice_file", D.ASK_NOTICE_FILE, [(SKIP, T.SKIP)])
        else:
            turn.say(T.NOT_A_CHOICE)
            turn.reask()
    except I.DirectiveError as e:
        turn.say(e.message)
        turn.reask()


async def on_document(turn: Turn, doc: Document) -> None:
    if turn.step not in ("file", "notice_file"):
        turn.say(D.FILE_NOT_NOW)
        turn.reask()
        return
    try:
        media = await I.store_file(doc.content, doc.name, turn.media_dir)
    except I.DirectiveError as e:
        turn.say(e.message)
        turn.reask()
        return
    name = Path(media.path).name
    turn.state["d"].update(media_id=media.id, file_name=name)
    turn.say(D.FILE_RECEIVED.format(name=name))
    await (_ask_confirm(turn) if turn.step == "file" else _ask_notice_confirm(turn))


async def _ask_notice_confirm(turn: Turn) -> None:
    scope = await _scope(turn)
    n = len(await subtree_recipients(scope))
    d = turn.state["d"]
    text = D.CONFIRM_NOTICE.format(n=n, unit=scope.name, text=d["text"][:150], file=_file_label(d))
    turn.goto(FLOW, "notice_confirm")
    turn.ask(Question(text, [("send", D.SEND_NOTICE)], free=False))


async def _create(turn: Turn) -> None:
    d = turn.state["d"]
    draft = A.Draft(
        number=d["number"],
        issued_on=date.fromisoformat(d["issued_on"]),
        title=d["title"],
        summary=d["summary"],
        starts_on=date.fromisoformat(d["starts_on"]),
        ends_on=date.fromisoformat(d["ends_on"]),
        topics=d["topics"],
        new_topics=d["new_topics"],
        media_id=d.get("media_id"),
        file_name=d.get("file_name", ""),
    )
    try:
        directive = await A.create_directive(await _scope(turn), turn.member, draft)
    except I.DirectiveError as e:
        turn.finish(e.message)
        return
    n = await A.deliver_directive(directive, turn.now)
    turn.finish(D.SENT.format(number=directive.number, n=n))


async def _send_notice(turn: Turn) -> None:
    d = turn.state["d"]
    scope = await _scope(turn)
    _, n = await A.send_notice(
        scope, turn.member, d["text"], turn.now, d.get("media_id"), d.get("file_name", "")
    )
    turn.finish(D.NOTICE_SENT.format(n=n) if n else D.NOBODY.format(unit=scope.name))


async def back(turn: Turn) -> None:
    order = ["number", "title", "summary", "topics", "window", "file", "confirm"]
    if turn.step in order and order.index(turn.step) > 0:
        prev = order[order.index(turn.step) - 1]
        asks = {
            "number": D.ASK_NUMBER,
            "title": D.ASK_TITLE.format(max=I.TITLE_MAX),
            "summary": D.ASK_SUMMARY.format(max=SUMMARY_MAX),
            "window": D.ASK_WINDOW,
        }
        if prev == "topics":
            _ask_topics(turn)
        elif prev == "file":
            _ask(turn, "file", D.ASK_FILE, [(SKIP, T.SKIP)])
        else:
            _ask(turn, prev, asks[prev])
    elif turn.step in ("item", "new_window", "new_summary", "withdraw", "notice_text"):
        await start(turn)
    elif turn.step == "notice_file":
        _ask(turn, "notice_text", D.ASK_NOTICE.format(max=I.NOTICE_MAX))
    elif turn.step == "notice_confirm":
        _ask(turn, "notice_file", D.ASK_NOTICE_FILE, [(SKIP, T.SKIP)])
    else:
        turn.finish()
