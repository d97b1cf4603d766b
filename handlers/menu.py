"""The main menu: what a member can start from idle, and the words typed there.

At the menu (and in any idle state) a reporter may also type a whole report in one message, ask
for "như lần trước", or say "báo cáo" to be asked which kind."""

from __future__ import annotations

import re

from handlers import (
    ack,
    directive_read,
    directives,
    exporting,
    mine,
    nil,
    oneline,
    report,
    review,
    supervise,
    weblogin,
)
from handlers import review_texts as RT
from handlers import texts as T
from handlers import texts_directives as D
from handlers import texts_web as W
from handlers.fields import Question
from handlers.messages import Photo
from handlers.parsing import ParseError, fold, is_int_text, match_choice, parse_date, words
from handlers.turn import Turn
from models import Role

GREETINGS = {"xin chao", "chao", "hi", "hello", "alo", "menu", "bat dau", "start", "chao ban"}
REPORT_WORDS = {"bao cao", "baocao", "bc", "bao cao moi", "gui bao cao", "bao cao hoat dong"}
REPEAT_RE = re.compile(r"^(?:nhu|giong|lap lai)\s+(?:lan|hom)\s+truoc\b\s*(.*)$")
HELP_PAGE = "help:"


def main_choices(turn: Turn) -> list[tuple[str, str]]:
    choices: list[tuple[str, str]] = []
    if turn.unit.reports:
        choices += [(f"k:{k.code}", k.name) for k in turn.catalog.menu_kinds]
        choices += [("repeat", T.MENU_REPEAT), ("nil", T.MENU_NIL), ("mine", T.MENU_MINE)]
    if turn.member.role != Role.REPORTER:
        choices += [
            ("review", RT.MENU_REVIEW),
            ("late", T.MENU_LATE),
            ("export", T.MENU_EXPORT),
            ("dir", D.MENU_DIRECTIVES),
        ]
        choices.append(("web", W.MENU_WEB))
    else:
        choices.append(("read", D.MENU_READ))
    choices.append(("help", T.MENU_HELP))
    return choices


def show(turn: Turn, note: str | None = None) -> None:
    if note:
        turn.say(note)
    choices = main_choices(turn)
    turn.goto("menu", "main", {})
    # After a receipt or a notice the long invitation would not fit one small screen.
    text = T.MAIN_MENU if turn.unit.reports and not turn.notes else T.MAIN_MENU_SHORT
    turn.ask(Question(text, choices, free=False), nav=False, main_menu=True)


def show_help(turn: Turn, page: int = 0) -> None:
    pages = T.HELP_PAGES
    page = page % len(pages)
    choices = [(f"{HELP_PAGE}{page + 1}", T.HELP_MORE)] if page + 1 < len(pages) else []
    choices.append(("menu", T.HELP_MENU))
    text = pages[page]
    if turn.inc.channel == "console" and page == len(pages) - 1:
        text += "\n" + T.CONSOLE_HELP
    turn.goto("menu", "help", {})
    turn.ask(Question(text, choices, free=False), nav=False, main_menu=True)


def ask_kind(turn: Turn) -> None:
    if not turn.unit.reports:
        show(turn, T.NOT_A_REPORT_UNIT.format(unit=turn.unit.name))
        return
    turn.goto("menu", "kind", {})
    choices = [(f"k:{k.code}", k.name) for k in turn.catalog.menu_kinds]
    choices.append(("repeat", T.MENU_REPEAT))
    turn.ask(Question(T.PICK_KIND, choices, free=False))


async def on_value(turn: Turn, value: str, arg: str = "") -> None:
    reporting = turn.unit.reports
    if value.startswith("k:") and reporting:
        await report.start(turn, value[2:])
    elif value == "repeat" and reporting:
        if not await report.repeat(turn, None, None):
            turn.say(T.REPEAT_NONE)
            ask_kind(turn)
    elif value == "nil" and reporting:
        await nil.start(turn)
    elif value == "mine" and reporting:
        await mine.start(turn)
    elif value == "late" or value.startswith("late:"):
        page = value.partition(":")[2]
        if not await supervise.late_units(turn, int(page) if is_int_text(page, 4) else 0):
            show(turn)
    elif value == "review":
        await review.start(turn)
    elif value == "closing":
        await review.start_close(turn)
    elif value == "export":
        await exporting.export_command(turn, arg)
        show(turn)
    elif value == "web":  # the link alone: with the menu it would not fit a Zalo message
        await weblogin.web_command(turn, arg)
    elif value == "dir":  # /vanban: a reporter reads, a supervisor or admin manages
        if turn.member.role == Role.REPORTER:
            await directive_read.start(turn)
        else:
            await directives.start(turn)
    elif value == "notice":
        await directives.start_notice(turn)
    elif value == "dir_result":
        await directives.results_command(turn, arg)
        show(turn)
    elif value == "ack":
        await ack.ack_latest(turn)
    elif value == "read":
        await directive_read.start(turn)
    elif value.startswith(HELP_PAGE):
        page = value[len(HELP_PAGE) :]
        show_help(turn, int(page) if is_int_text(page, 2) else 0)
    elif value == "help":
        show_help(turn)
    elif value.startswith(("k:", "repeat", "nil", "mine")):
        show(turn, T.NOT_A_REPORT_UNIT.format(unit=turn.unit.name))
    else:
        show(turn)


async def on_text(turn: Turn, text: str) -> None:
    """What is typed at rest: a one-line report, "như lần trước", "báo cáo", a menu entry."""
    folded = fold(text).strip(" .!?")
    said = " ".join(words(text))
    if ack.is_ack_words(text):
        await ack.ack_latest(turn)
        return
    if turn.unit.reports:
        m = REPEAT_RE.match(folded)
        if m:
            await _repeat(turn, m.group(1))
            return
        if said in REPORT_WORDS:
            ask_kind(turn)
            return
        reading = oneline.read_report(text, turn.catalog, turn.fctx)
        if reading is not None and reading.kind is not None:
            await report.start(turn, reading.kind.code, reading.values, reading.notes)
            return
    q = turn.question
    if q and q["c"]:
        index = match_choice(text, [label for _, label in q["c"]])
        if index is not None:
            await on_value(turn, q["c"][index][0])
            return
    # On a page of help or of late units the main menu's words still work (not its numbers).
    choices = main_choices(turn)
    index = match_choice(text, [label for _, label in choices], numbered=0)
    if index is not None and turn.step != "main":
        await on_value(turn, choices[index][0])
        return
    show(turn, None if folded in GREETINGS else T.NOT_A_CHOICE)


async def _repeat(turn: Turn, rest: str) -> None:
    """'như lần trước', 'nhu lan truoc hom qua', 'nhu lan truoc phat thanh 12/11'."""
    folded = fold(rest)
    kind = oneline.find_kind(folded, turn.catalog) if rest else None
    kind_code = kind[0].code if kind else None
    day = None
    date_text = oneline.find_date_text(folded)
    if date_text:
        try:
            day = parse_date(date_text, turn.today)
        except ParseError as e:
            show(turn, e.message)
            return
    if not await report.repeat(turn, kind_code, day):
        turn.say(T.REPEAT_NONE)
        ask_kind(turn)


async def on_photo(turn: Turn, photo: Photo) -> None:
    show(turn, T.PHOTO_NOT_NOW)


async def back(turn: Turn) -> None:
    show(turn)
