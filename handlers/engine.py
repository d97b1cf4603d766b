"""The conversation engine: one incoming message in, replies out, state and reports saved in one
transaction. Every channel calls `Engine.handle`; none keeps conversation state of its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from tortoise.transactions import in_transaction

from handlers import (
    ack,
    directive_read,
    directives,
    menu,
    mine,
    nil,
    registration,
    remind,
    report,
    review,
)
from handlers import texts as T
from handlers import texts_directives as D
from handlers.catalog import CatalogCache
from handlers.clean import clean_incoming
from handlers.fields import Question
from handlers.messages import Incoming, Reply
from handlers.parsing import fold, is_int_text, match_choice
from handlers.turn import BACK, CANCEL, Turn
from models import Identity, inbox
from models.periods import ReportRules, vn_today
from models.queries import load_identity, save_state

log = logging.getLogger(__name__)

FLOWS: dict[str, ModuleType] = {
    "menu": menu,
    "report": report,
    "nil": nil,
    "mine": mine,
    "remind": remind,
    "ack": ack,
    "directives": directives,
    "dirview": directive_read,
    "review": review,
}
IDLE_FLOWS = {None, "menu", "remind", "ack", "review"}
PROACTIVE_FLOWS = (remind, ack)  # a question the bot asked first: other text goes to the menu
CANCEL_WORDS = {"huy", "/huy", "/cancel", "thoat", "huy bo", "/thoat"}
BACK_WORDS = {"quay lai", "/quaylai", "/back", "lai", "tro lai", "quaylai"}
RECENT_MESSAGES = 32  # message ids kept per chat to recognise a repeated update
MESSAGE_ID_MAX = 100
HELP_WORDS = {"/help", "/huongdan", "huong dan", "giup", "tro giup", "help", "?"}
MENU_WORDS = {"/start", "/menu", "menu"}
COMMANDS = {
    "/chuabaocao": "late",
    "/xuatbaocao": "export",
    "/baocao": None,
    "/cuatoi": "mine",
    "/khongphatsinh": "nil",
    "/duyet": "review",
    "/chotso": "closing",
    "/vanban": "dir",
    "/thongbao": "notice",
    "/ketqua": "dir_result",
    "/danhan": "ack",
    "/web": "web",
}


def message_key(message_id: str) -> str:
    """A platform message id as kept in Identity.recent_messages."""
    return message_id[:MESSAGE_ID_MAX]


def utcnow() -> datetime:
    return datetime.now(UTC)


class Engine:
    def __init__(
        self, rules: ReportRules, media_dir: Path, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.rules = rules
        self.media_dir = media_dir
        self.clock = clock
        self.catalog = CatalogCache()
        self._locks: dict[str, asyncio.Lock] = {}

    async def handle(self, inc: Incoming) -> list[Reply]:
        """Messages of one chat are handled in order; different chats in parallel. Across
        processes the identity row is locked for the transaction."""
        inc = clean_incoming(inc)  # nothing unstorable goes further
        lock = self._locks.setdefault(inc.chat_key, asyncio.Lock())
        try:
            async with lock:
                return await self._handle(inc)
        finally:
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._locks.pop(inc.chat_key, None)

    async def _handle(self, inc: Incoming) -> list[Reply]:
        try:
            async with in_transaction():
                replies = await self._turn(inc)
                if inc.inbox_id is not None:  # handled exactly when the turn commits
                    await inbox.mark_done(inc.inbox_id, self.clock())
                return replies
        except Exception:
            log.exception("turn failed for %s", inc.chat_key)
            return [Reply(T.TRY_AGAIN)]

    async def _turn(self, inc: Incoming) -> list[Reply]:
        now = self.clock()
        identity = await load_identity(inc.channel, inc.account, inc.external_id)
        if identity is None:
            outcome = await registration.register(inc, now)
            if outcome.identity is None:
                return [Reply(outcome.message)]
            identity = await load_identity(inc.channel, inc.account, inc.external_id)
            assert identity is not None
            # The same "/start CODE" delivered again is then recognised like any repeat.
            turn = await self._new_turn(inc, identity, now)
            menu.show(turn, outcome.message)
            await self._save(turn)
            return turn.replies
        if inc.message_id and message_key(inc.message_id) in identity.recent_messages:
            log.info("duplicate message %s from %s ignored", inc.message_id, inc.chat_key)
            return []
        if not identity.member.active:
            return [Reply(T.BLOCKED_MEMBER)]
        turn = await self._new_turn(inc, identity, now)
        await self._dispatch(turn)
        if turn.finished:
            menu.show(turn)
        if not turn.replies:
            turn.flush()
        await self._save(turn)
        return turn.replies

    async def proactive(
        self,
        channel: str,
        account: str,
        external_id: str,
        text: str,
        choices: list[tuple[str, str]],
        state: dict[str, Any],
        flow: str = "remind",
        busy: str = T.REMIND_BUSY,
    ) -> list[Reply]:
        """A message the bot starts (a reminder, a directive), rendered for one chat. A member at
        rest gets it as their current question (of `flow`), so its buttons or numbers work; a
        member in the middle of a report keeps that report and gets the text alone."""
        async with self._locks.setdefault(f"{channel}:{account}:{external_id}", asyncio.Lock()):
            async with in_transaction():
                identity = await load_identity(channel, account, external_id)
                if identity is None:
                    return []
                turn = await self._new_turn(
                    Incoming(channel, external_id, account=account), identity, self.clock()
                )
                if turn.flow not in IDLE_FLOWS or not choices:
                    return [Reply(text if not choices else f"{text}\n{busy}")]
                turn.goto(flow, "ask", dict(state))
                turn.ask(Question(text, choices, free=False), nav=False)
                await self._save(turn)
                return turn.replies

    async def _new_turn(self, inc: Incoming, identity: Identity, now: datetime) -> Turn:
        return Turn(
            inc=inc,
            identity=identity,
            member=identity.member,
            unit=identity.member.unit,
            now=now,
            today=vn_today(now),
            catalog=await self.catalog.get(),
            rules=self.rules,
            media_dir=self.media_dir,
            flow=identity.flow,
            step=identity.step,
            state=dict(identity.state or {}),
            version=identity.state_version + 1,
        )

    async def _save(self, turn: Turn) -> None:
        identity = turn.identity
        identity.flow, identity.step, identity.state = turn.flow, turn.step, turn.state
        identity.state_version, identity.state_updated_at = turn.version, turn.now
        identity.blocked_at = None  # they wrote to us, so they no longer block the bot
        if turn.inc.message_id:
            recent = [*(identity.recent_messages or []), message_key(turn.inc.message_id)]
            identity.recent_messages = recent[-RECENT_MESSAGES:]
        await save_state(identity, turn.now)

    async def _dispatch(self, turn: Turn) -> None:
        inc = turn.inc
        flow = FLOWS.get(turn.flow or "")
        if flow is None:  # a new chat, or a flow that no longer exists: stand at the menu
            menu.show(turn)
            turn.replies.clear()
            flow = menu
        text = (inc.text or "").strip()
        folded = fold(text)
        if inc.unsupported:
            turn.say(
                T.UNSUPPORTED.format(
                    what=T.UNSUPPORTED_KINDS.get(inc.unsupported, T.UNSUPPORTED_KINDS["other"])
                )
            )
            turn.reask()
            return
        if inc.choice is not None:
            await self._on_choice(turn, flow, inc.choice)
            return
        # Evidence goes to the flow that asks for it; elsewhere it is answered and changes nothing.
        for evidence, method, not_now in (
            (inc.photo, "on_photo", T.PHOTO_NOT_NOW),
            (inc.location, "on_location", T.LOCATION_NOT_NOW),
            (inc.document, "on_document", D.FILE_NOT_NOW),
        ):
            if evidence is not None:
                handler = getattr(flow, method, None)
                if handler is None:
                    turn.say(not_now)
                    turn.reask()
                else:
                    await handler(turn, evidence)
                return
        if inc.contact_phone:
            turn.say(T.ALREADY_REGISTERED)
            turn.reask()
            return
        if folded in CANCEL_WORDS:
            turn.finish(T.CANCELLED if turn.flow not in IDLE_FLOWS else T.NOTHING_TO_CANCEL)
            return
        if folded in BACK_WORDS:
            await flow.back(turn)
            return
        if folded in HELP_WORDS:
            if turn.flow in IDLE_FLOWS:
                menu.show_help(turn)
            else:
                turn.say(T.HELP_IN_FLOW)
                turn.reask()
            return
        command = folded.split(" ", 1)[0] if folded.startswith("/") else ""
        if folded in MENU_WORDS or command == "/start":
            if turn.flow in IDLE_FLOWS:
                menu.show(turn)
            else:
                turn.say(T.IN_PROGRESS.format(what=self._what(turn)))
                turn.reask()
            return
        if command:
            await self._command(turn, command, text)
            return
        await self._on_text(turn, flow, text)

    async def _on_choice(self, turn: Turn, flow: ModuleType, payload: str) -> None:
        version, _, index = payload.partition(":")
        q = turn.question
        if (
            not q
            or not is_int_text(version, 12)
            or not is_int_text(index, 4)
            or int(version) != turn.identity.state_version
            or int(index) >= len(q["c"])
        ):
            turn.say(T.STALE_BUTTON)
            if q:
                turn.reask()
            else:
                menu.show(turn)
            return
        await self._on_value(turn, flow, q["c"][int(index)][0])

    async def _on_value(self, turn: Turn, flow: ModuleType, value: str) -> None:
        if value == CANCEL:
            turn.finish(T.CANCELLED)
        elif value == BACK:
            await flow.back(turn)
        else:
            await flow.on_value(turn, value)

    async def _on_text(self, turn: Turn, flow: ModuleType, text: str) -> None:
        q = turn.question
        if flow is menu:  # at rest: a one-line report, a menu entry, a word
            await menu.on_text(turn, text)
            return
        if q and q["c"] and not q.get("multi"):
            numbered = 0 if q.get("num") else q.get("n", len(q["c"]))
            # Where free text is also an answer, only a choice's own words choose it: the note
            # "không bỏ qua buổi nào" is a note, not "Bỏ qua".
            index = match_choice(
                text, [label for _, label in q["c"]], numbered, whole=bool(q.get("free"))
            )
            if index is not None:
                await self._on_value(turn, flow, q["c"][index][0])
                return
        if flow in PROACTIVE_FLOWS:  # anything but an answer to it is read at the menu
            menu.show(turn)
            turn.replies.clear()
            await self._on_text(turn, menu, text)
        elif q and (q.get("free") or q.get("multi")):
            await flow.on_text(turn, text)
        else:
            turn.say(T.NOT_A_CHOICE)
            turn.reask()

    async def _command(self, turn: Turn, command: str, text: str) -> None:
        if command not in COMMANDS:
            turn.say(T.UNKNOWN_COMMAND.format(command=text.split()[0][:40]))
            turn.reask() if turn.question else menu.show(turn)
            return
        if turn.flow not in IDLE_FLOWS:
            turn.say(T.IN_PROGRESS.format(what=self._what(turn)))
            turn.reask()
            return
        target = COMMANDS[command]
        if target is None:
            menu.ask_kind(turn)
        else:
            await menu.on_value(turn, target, text.partition(" ")[2].strip())

    def _what(self, turn: Turn) -> str:
        if turn.flow == "report":
            kind = turn.catalog.kind(turn.state.get("kind", ""))
            return T.WHAT_REPORT.format(kind=kind.name) if kind else T.WHAT_A_REPORT
        if turn.flow == "nil":
            return T.WHAT_NIL
        return T.WHAT_OTHER
