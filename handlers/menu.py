"""The main menu: what a member can start from idle."""

from __future__ import annotations

from handlers import ack, directive_read, directives, exporting, mine, nil, report, supervise
from handlers import texts as T
from handlers import texts_directives as D
from handlers.fields import Question
from handlers.messages import Photo
from handlers.parsing import fold
from handlers.turn import Turn
from models import Role

GREETINGS = {"xin chao", "chao", "hi", "hello", "alo", "menu", "bat dau", "start"}


def show(turn: Turn, note: str | None = None) -> None:
    if note:
        turn.say(note)
    choices = [(f"k:{k.code}", k.name) for k in turn.catalog.menu_kinds]
    choices += [("nil", T.MENU_NIL), ("mine", T.MENU_MINE)]
    if turn.member.role != Role.REPORTER:
        choices += [("late", T.MENU_LATE), ("export", T.MENU_EXPORT), ("dir", D.MENU_DIRECTIVES)]
    else:
        choices.append(("read", D.MENU_READ))
    choices.append(("help", T.MENU_HELP))
    turn.goto("menu", "main", {})
    turn.ask(Question(T.MAIN_MENU, choices, free=False), nav=False, main_menu=True)


async def on_value(turn: Turn, value: str, arg: str = "") -> None:
    if value.startswith("k:"):
        await report.start(turn, value[2:])
    elif value == "nil":
        await nil.start(turn)
    elif value == "mine":
        await mine.start(turn)
    elif value == "late":
        await supervise.late_units(turn)
        show(turn)
    elif value == "export":
        await exporting.export_command(turn, arg)
        show(turn)
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
    else:
        show(turn, T.HELP)


async def on_text(turn: Turn, text: str) -> None:
    if ack.is_ack_words(text):
        await ack.ack_latest(turn)
        return
    show(turn, None if fold(text) in GREETINGS else T.NOT_A_CHOICE)


async def on_photo(turn: Turn, photo: Photo) -> None:
    show(turn, T.PHOTO_NOT_NOW)


async def back(turn: Turn) -> None:
    show(turn)
