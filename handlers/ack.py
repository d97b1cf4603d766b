"""Answering a directive: "Đã nhận" records that the member has it (a tap, or the words typed at
any time: see `ack_typed`)."""

from __future__ import annotations

from handlers import texts_directives as D
from handlers.directive_actions import latest_unacked, record_ack
from handlers.parsing import fold
from handlers.turn import Turn
from models import Directive

ACK = "ack"
CHOICES = [(ACK, D.ACK_BUTTON)]
WORDS = {"da nhan", "danhan", "nhan", "/danhan", "ok da nhan", "da nhan roi"}


async def _ack(turn: Turn, directive: Directive | None) -> None:
    if directive is None or directive.withdrawn_at is not None:
        turn.finish(D.ACK_GONE if directive else D.ACK_NOTHING)
        return
    new = await record_ack(directive.id, turn.member.id, turn.now, turn.inc.channel)
    turn.finish((D.ACK_THANKS if new else D.ACK_ALREADY).format(number=directive.number))


async def on_value(turn: Turn, value: str) -> None:
    if value == ACK:
        await _ack(turn, await Directive.get_or_none(id=turn.state.get("directive", 0)))
    else:
        turn.finish()


async def ack_latest(turn: Turn) -> None:
    """ "đã nhận" typed at the menu, or /danhan: the newest directive still unacknowledged."""
    await _ack(turn, await latest_unacked(turn.member.id))


def is_ack_words(text: str) -> bool:
    return fold(text).strip(" .!") in WORDS


async def back(turn: Turn) -> None:
    turn.finish()
