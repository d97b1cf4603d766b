"""Photos and files kept under the media folder, named by their SHA-256 so each is stored once."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from handlers.checks import phash_of
from handlers.messages import Photo
from models import Media

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
MAX_BYTES = 20 * 1024 * 1024


async def store_photo(photo: Photo, media_dir: Path) -> tuple[Media, bool]:
    """Store the photo unless the same bytes are already stored; (media, was_duplicate)."""
    sha = hashlib.sha256(photo.content).hexdigest()
    existing = await Media.get_or_none(sha256=sha)
    if existing is not None:
        return existing, True
    ext = EXTENSIONS.get(photo.mime, "bin")
    relative = Path(sha[:2]) / f"{sha}.{ext}"
    target = media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(photo.content)
    os.replace(tmp, target)
    media = await Media.create(
        sha256=sha,
        path=str(relative),
        mime=photo.mime,
        size=len(photo.content),
        phash=await phash_of(photo.content),
    )
    return media, False
