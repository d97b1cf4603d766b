"""Replies as Telegram messages: inline keyboards for choices, the persistent menu keyboard, the
share-phone button for strangers, texts cut to Telegram's limits. Pure functions, no I/O.

Keyboards are built as the Bot API's own JSON (dicts), not as PTB objects: they go out as they
are, where PTB's objects would be converted to dicts on every send (bench/telegram_bench.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.channels.text import split_text, utf16_len
from handlers import texts as T
from handlers.messages import Choice, Reply

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096  # Telegram counts UTF-16 code units
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64  # bytes
SHORT_LABEL = 16  # two labels this short share a row on a phone screen

Markup = dict[str, Any]  # an InlineKeyboardMarkup or ReplyKeyboardMarkup as Bot API JSON

# The persistent keyboard's buttons send their label as text; the adapter turns it into the
# engine's command, so that a tap in the middle of a report never becomes an answer.
BUTTON_COMMANDS = {T.TG_MENU_BUTTON: "/menu", T.TG_HELP_BUTTON: "/help"}


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call: a message, or a document when `document` is set (text is the caption)."""

    text: str
    markup: Markup | None = None
    document: Path | None = None


def inline_keyboard(choices: list[Choice]) -> Markup | None:
    """Options in rows (two short ones side by side), back and cancel together on the last row.
    None when a payload does not fit callback_data: the caller then sends a numbered list."""
    if any(not 0 < len(c.payload.encode()) <= CALLBACK_DATA_LIMIT for c in choices):
        log.error("callback data over %d bytes: %r", CALLBACK_DATA_LIMIT, choices)
        return None
    rows: list[list[dict[str, str]]] = []
    for choice in (c for c in choices if not c.nav):
        button = {"text": choice.label, "callback_data": choice.payload}
        last = rows[-1] if rows else []
        if (
            len(last) == 1
            and len(choice.label) <= SHORT_LABEL
            and len(last[0]["text"]) <= SHORT_LABEL
        ):
            last.append(button)
        else:
            rows.append([button])
    nav = [{"text": c.label, "callback_data": c.payload} for c in choices if c.nav]
    if nav:
        rows.append(nav)
    return {"inline_keyboard": rows}


MENU_KEYBOARD: Markup = {
    "keyboard": [[{"text": T.TG_MENU_BUTTON}, {"text": T.TG_HELP_BUTTON}]],
    "resize_keyboard": True,
    "is_persistent": True,
    "input_field_placeholder": T.TG_INPUT_PLACEHOLDER,
}
CONTACT_KEYBOARD: Markup = {
    "keyboard": [[{"text": T.TG_SHARE_PHONE, "request_contact": True}]],
    "resize_keyboard": True,
    "one_time_keyboard": True,
}


def _messages(text: str, markup: Markup | None) -> list[Outgoing]:
    parts = split_text(text, TEXT_LIMIT)
    return [Outgoing(p) for p in parts[:-1]] + [Outgoing(parts[-1], markup)]


def plan(reply: Reply, extra: Markup | None = None) -> tuple[list[Outgoing], bool]:
    """The calls that carry `reply`, and whether `extra` (a reply keyboard to attach) found a
    place. A message holds one keyboard: when the reply also has buttons, the keyboard rides on
    the reply's first paragraphs (the notes before the question) as a message of their own."""
    inline = inline_keyboard(reply.choices) if reply.choices else None
    text = reply.text if inline is not None or not reply.choices else reply.numbered()
    if reply.file is not None:
        if utf16_len(text) <= CAPTION_LIMIT:
            return [Outgoing(text, inline or extra, reply.file)], extra is not None and not inline
        return [*_messages(text, extra), Outgoing("", inline, reply.file)], extra is not None
    if extra is None:
        return _messages(text, inline), False
    if inline is None:
        return _messages(text, extra), True
    head, sep, tail = text.rpartition("\n\n")
    if not sep or not head.strip():
        return _messages(text, inline), False
    return [*_messages(head, extra), *_messages(tail, inline)], True


def with_pressed(text: str, label: str) -> str:
    """The reply to a button press, headed by the chosen label."""
    return f"{T.TG_PRESSED.format(label=label)}\n\n{text}"
