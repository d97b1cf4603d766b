"""What both Zalo channels share: texts cut to Zalo's 2000 characters, choices as a numbered list,
a file as a download link, images fetched with a size cap. Zalo has no document upload for bots,
so an export reaches a Zalo user as a link to the project's own web server."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from aiohttp import ClientError, ClientSession, ClientTimeout

from bot.channels.text import split_text as _split
from bot.downloads import DownloadLinks
from handlers import texts as T
from handlers.messages import Photo, Reply
from models.periods import VN_TZ

log = logging.getLogger(__name__)

TEXT_LIMIT = 2000
MAX_PHOTO_BYTES = 10 * 1024 * 1024
IMAGE_MAGIC = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


def numbered(reply: Reply) -> str:
    """The reply's text with its choices as a numbered list and how to answer."""
    if not reply.choices:
        return reply.text
    text = reply.numbered()
    # A multiple choice already says to type several numbers; "1, 2 or 3" would contradict it.
    many = T.TOPICS_HINT in reply.text or reply.brief
    hint = "" if many else T.zalo_answer_hint(len(reply.options))
    return f"{text}\n{hint}" if hint else text


def file_text(file: Path, links: DownloadLinks | None) -> str:
    """A file as a signed, expiring link; a short apology when no link can be made."""
    link = links.link(file) if links is not None else None
    if link is None:
        log.error("no download link for %s (PUBLIC_URL unset, or not under exports/)", file)
        return T.ZL_FILE_UNAVAILABLE
    until = datetime.fromtimestamp(link.expires, VN_TZ)
    return T.ZL_FILE_LINK.format(name=file.name, url=link.url, until=T.fmt_datetime(until))


def with_file(text: str, reply: Reply, links: DownloadLinks | None) -> str:
    if reply.file is None:
        return text
    return f"{text}\n\n{file_text(reply.file, links)}"


def sniff_image(content: bytes) -> str | None:
    for magic, mime in IMAGE_MAGIC.items():
        if content.startswith(magic):
            return mime
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


async def download_image(
    session: ClientSession, url: str, max_bytes: int = MAX_PHOTO_BYTES, time_limit: float = 60.0
) -> Photo | str:
    """The image at `url` (sent to us by Zalo), or a Vietnamese text saying why not. Reads no
    more than `max_bytes`, whatever the server claims."""
    if not url.startswith(("https://", "http://")):
        log.warning("photo URL with an unexpected scheme ignored")
        return T.ZL_PHOTO_FAILED
    too_big = T.ZL_PHOTO_TOO_BIG.format(mb=max_bytes // (1024 * 1024))
    try:
        async with session.get(url, timeout=ClientTimeout(total=time_limit)) as r:
            if r.status != 200:
                log.warning("photo download answered HTTP %s", r.status)
                return T.ZL_PHOTO_FAILED
            if (r.content_length or 0) > max_bytes:
                return too_big
            content = bytearray()
            async for chunk in r.content.iter_chunked(64 * 1024):
                content += chunk
                if len(content) > max_bytes:
                    return too_big
            declared = (r.content_type or "").lower()
    except (ClientError, TimeoutError) as e:
        log.warning("photo download failed: %s", type(e).__name__)
        return T.ZL_PHOTO_FAILED
    mime = sniff_image(bytes(content[:16]))
    if mime is None and declared.startswith("image/"):
        mime = declared
    if mime is None or not content:
        log.warning("photo download gave no image (%s, %d bytes)", declared, len(content))
        return T.ZL_PHOTO_FAILED
    return Photo(bytes(content), mime)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    return _split(text, limit)
