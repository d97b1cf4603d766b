"""What the review tests share: test pictures made with Pillow, a saved report, the outbox."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from factories import Chat
from models import Activity, Outbox

BROADCAST = "pt hom nay 2 buoi 45 phut nghi quyet 21 tai loa ban Mot"


def picture(seed: int, size: tuple[int, int] = (480, 360), fmt: str = "JPEG", q: int = 90) -> bytes:
    """A picture with shapes placed by `seed`: the same seed is the same picture at any size."""
    image = Image.new("RGB", (480, 360), (200, 220, 240))
    draw = ImageDraw.Draw(image)
    for i in range(8):
        x, y = (seed * 97 + i * 61) % 400, (seed * 53 + i * 37) % 280
        shade = (seed * 40 + i * 29) % 255
        draw.rectangle([x, y, x + 80, y + 80], fill=(shade, 255 - shade, (shade * 3) % 255))
        draw.ellipse([y, x % 280, y + 60, x % 280 + 60], fill=(30, 30, (shade * 7) % 255))
    if size != image.size:
        image = image.resize(size)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": q} if fmt == "JPEG" else {}))
    return out.getvalue()


async def save_report(chat: Chat, line: str | None = BROADCAST) -> Activity:
    """The report typed in one line (or, with None, the one at its summary) saved."""
    if line is not None:
        await chat.send(line)
    await chat.send("luu")
    assert "Đã lưu BC-" in chat.text, chat.text
    activity = await Activity.filter(deleted_at=None).order_by("-id").first()
    assert activity is not None
    return activity


async def outbox_texts(member_id: int) -> list[str]:
    return [o.text for o in await Outbox.filter(member_id=member_id).order_by("id")]
