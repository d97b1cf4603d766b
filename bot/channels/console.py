"""The console channel: the very same conversation in a terminal, or scripted from standard input.

Choices are printed as a numbered list; answer with the number or the words. `/anh PATH` sends a
photo from a file. Ctrl-D or an empty script ends the session; a half-filled report stays saved."""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TextIO

from bot.channels import Delivery, DeliveryStatus
from handlers.engine import Engine
from handlers.messages import Document, Incoming, Photo, Reply

CHANNEL = "console"
PHOTO_PREFIXES = ("/anh ", "/photo ", "/tep ")


def render(reply: Reply) -> str:
    lines = [
        f"🤖 {line}" if i == 0 else f"   {line}" for i, line in enumerate(reply.text.split("\n"))
    ]
    lines += [f"     {i}. {c.label}" for i, c in enumerate(reply.options, 1)]
    if reply.nav_words:
        lines.append(f"     {reply.nav_words}")
    if reply.file:
        lines.append(f"   📎 {reply.file}")
    return "\n".join(lines)


class ConsoleDeliverer:
    """Reminders for console users are printed in the terminal."""

    name = CHANNEL

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out

    async def deliver(self, external_id: str, account: str, replies: list[Reply]) -> Delivery:
        out = self.out or sys.stdout
        print(f"\n🔔 ({external_id})", file=out)
        await _deliver(replies, out)
        return Delivery(DeliveryStatus.SENT)


async def _deliver(replies: list[Reply], out: TextIO) -> None:
    for reply in replies:
        print(render(reply), file=out, flush=True)
        if reply.then is not None:
            await _deliver(await reply.then(), out)


def to_incoming(line: str, external_id: str) -> Incoming:
    stripped = line.strip()
    for prefix in PHOTO_PREFIXES:
        if stripped.lower().startswith(prefix):
            path = Path(stripped[len(prefix) :].strip()).expanduser()
            if path.is_file():
                mime = mimetypes.guess_type(path.name)[0] or "image/jpeg"
                if path.suffix.lower() in (".pdf", ".docx"):  # a directive's file
                    document = Document(path.read_bytes(), path.name, mime)
                    return Incoming(CHANNEL, external_id, document=document)
                return Incoming(CHANNEL, external_id, photo=Photo(path.read_bytes(), mime))
    return Incoming(CHANNEL, external_id, text=line)


async def _stdin_lines(interactive: bool) -> AsyncIterator[str]:
    while True:
        if interactive:
            try:
                line = await asyncio.to_thread(input, "> ")
            except EOFError:
                return
        else:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                return
            line = line.rstrip("\n")
        yield line


async def _iterate(lines: Iterable[str] | AsyncIterator[str]) -> AsyncIterator[str]:
    if isinstance(lines, AsyncIterator):
        async for line in lines:
            yield line
    else:
        for line in lines:
            yield line


async def run_console(
    engine: Engine,
    external_id: str,
    lines: Iterable[str] | AsyncIterator[str] | None = None,
    out: TextIO | None = None,
    greet: bool = True,
) -> None:
    """Drive a conversation. With `lines` None, reads the terminal (or piped standard input)."""
    out = out or sys.stdout
    interactive = lines is None and sys.stdin.isatty()
    source = _stdin_lines(interactive) if lines is None else _iterate(lines)
    if greet:
        await _deliver(await engine.handle(Incoming(CHANNEL, external_id, text="/start")), out)
    async for line in source:
        if not line.strip():
            continue
        if not interactive:
            print(f"> {line}", file=out)
        await _deliver(await engine.handle(to_incoming(line, external_id)), out)
