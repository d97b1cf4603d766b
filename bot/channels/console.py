"""The console channel: the very same conversation in a terminal, or scripted from standard input.

Choices are printed as a numbered list; answer with the number or the words. `/anh PATH` sends a
photo from a file. Ctrl-D, Ctrl-C or the end of a script ends the session; a half-filled report
stays saved."""

from __future__ import annotations

import asyncio
import mimetypes
import sys
import threading
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import TextIO

from bot.channels import Delivery, DeliveryStatus
from bot.channels.zalo_common import sniff_image
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Document, Incoming, Photo, Reply

CHANNEL = "console"
PHOTO_PREFIXES = ("/anh ", "/photo ", "/tep ")
MAX_PHOTO_BYTES = 20 * 1024 * 1024


def render(reply: Reply) -> str:
    lines = [
        f"🤖 {line}" if i == 0 else f"   {line}" for i, line in enumerate(reply.text.split("\n"))
    ]
    if not reply.brief:
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


def to_incoming(line: str, external_id: str) -> Incoming | str:
    """The typed line as the engine takes it, or (for `/anh PATH` that is no image) what to
    tell the person at the terminal."""
    stripped = line.strip()
    for prefix in PHOTO_PREFIXES:
        if stripped.lower().startswith(prefix):
            path = Path(stripped[len(prefix) :].strip()).expanduser()
            if not path.is_file():
                return T.CONSOLE_NO_FILE.format(path=str(path)[:80])
            if path.stat().st_size > MAX_PHOTO_BYTES:
                return T.CONSOLE_NOT_IMAGE.format(name=path.name[:60])
            content = path.read_bytes()
            if path.suffix.lower() in (".pdf", ".docx"):  # a directive's file
                mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return Incoming(CHANNEL, external_id, document=Document(content, path.name, mime))
            mime = sniff_image(content)
            if mime is None:
                return T.CONSOLE_NOT_IMAGE.format(name=path.name[:60])
            return Incoming(CHANNEL, external_id, photo=Photo(content, mime))
    return Incoming(CHANNEL, external_id, text=line)


async def _stdin_lines(interactive: bool) -> AsyncIterator[str]:
    """Lines of standard input, read by a daemon thread one at a time as the conversation asks
    for them: Ctrl-C then ends the program at once instead of waiting for a blocked read."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    wanted = threading.Semaphore(0)

    def read() -> None:
        while True:
            wanted.acquire()
            try:
                line: str | None = input("> ") if interactive else sys.stdin.readline()
            except (EOFError, OSError, ValueError):
                line = None
            if line is not None and not interactive:
                line = line.rstrip("\n") if line else None
            loop.call_soon_threadsafe(lines.put_nowait, line)
            if line is None:
                return

    threading.Thread(target=read, name="console-input", daemon=True).start()
    while True:
        wanted.release()
        line = await lines.get()
        if line is None:
            return
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
        inc = to_incoming(line, external_id)
        if isinstance(inc, str):
            print(render(Reply(inc)), file=out, flush=True)
            continue
        await _deliver(await engine.handle(inc), out)
