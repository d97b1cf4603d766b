"""Reading what an issuer gives for a directive or a notice: its number and date, its window, its
topics, its PDF or DOCX file. Bad input raises DirectiveError with a short Vietnamese reason."""

from __future__ import annotations

import hashlib
import os
import re
from datetime import date
from pathlib import Path

from handlers import texts as T
from handlers import texts_directives as D
from handlers.parsing import fold
from models import Media

TITLE_MAX = 120  # the delivered header stays under Zalo's 300 characters
NUMBER_MAX = 30
NOTICE_MAX = 240
TOPIC_MAX = 200
FILE_MAX_MB = 5  # Zalo OA takes documents up to 5 MB
FILE_DIR = Path("exports") / "directives"  # under the media folder: download links serve it
PDF, DOCX = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)
_DAY_RE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")


class DirectiveError(ValueError):
    """A request that cannot be done, with the Vietnamese reason."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# -- reading what a person typed ---------------------------------------------------------------


def _day(text: str) -> date:
    m = _DAY_RE.fullmatch(text.strip())
    if not m:
        raise ValueError(text)
    return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))


def parse_number_date(text: str) -> tuple[str, date]:
    """'122-HD/BTGTU 23/06/2023', 'số 122-HD/BTGTU, ngày 23/6/2023'."""
    raw = text.strip()
    folded = re.sub(r"\s+", " ", raw)
    head = re.sub(r"^(?i:số|so)\s*", "", folded)
    m = re.match(r"^(\S+?)[\s,;]+(?:(?i:ngày|ngay)\s*)?(\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4})$", head)
    if not m or not re.search(r"[A-Za-zĐđ]", m.group(1)) or len(m.group(1)) > NUMBER_MAX:
        raise DirectiveError(D.BAD_NUMBER)
    try:
        return m.group(1).upper(), _day(m.group(2))
    except ValueError:
        raise DirectiveError(D.BAD_NUMBER) from None


def parse_window(text: str, today: date) -> tuple[date, date]:
    """'01/07/2026 - 31/12/2026' (or 'từ ... đến ...'); the end must not be past."""
    days = _DAY_RE.findall(fold(text))
    if len(days) != 2:
        raise DirectiveError(D.BAD_WINDOW)
    try:
        start, end = (date(int(y), int(m), int(d)) for d, m, y in days)
    except ValueError:
        raise DirectiveError(D.BAD_WINDOW) from None
    if end < start:
        raise DirectiveError(D.WINDOW_ORDER)
    if end < today:
        raise DirectiveError(D.WINDOW_PAST.format(today=T.fmt_date(today)))
    return start, end


def clean(text: str, limit: int) -> str:
    value = re.sub(r"\s+", " ", text).strip()
    if not value:
        raise DirectiveError(T.EMPTY_TEXT)
    if len(value) > limit:
        raise DirectiveError(T.TEXT_TOO_LONG.format(length=len(value), max=limit))
    return value


def split_topics(text: str, catalogue: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Typed topics: numbers of the catalogue list, catalogue names (with or without
    diacritics), or new names. (codes, new names)."""
    codes: list[str] = []
    new: list[str] = []
    folded = {fold(name): code for code, name in catalogue}
    for part in re.split(r"[;,\n]+", text):
        part = part.strip(" .")
        if not part:
            continue
        if part.isdigit():
            i = int(part)
            if not 1 <= i <= len(catalogue):
                raise DirectiveError(T.CHOICE_OUT_OF_RANGE.format(n=len(catalogue)))
            code = catalogue[i - 1][0]
        elif fold(part) in folded:
            code = folded[fold(part)]
        else:
            if len(part) > TOPIC_MAX:
                raise DirectiveError(D.TOPIC_TOO_LONG.format(max=TOPIC_MAX, name=part[:30]))
            if part not in new:
                new.append(part)
            continue
        if code not in codes:
            codes.append(code)
    return codes, new


# -- files -----------------------------------------------------------------------------------


def file_kind(content: bytes, name: str) -> str | None:
    """PDF or DOCX by their first bytes (a DOCX is a zip), else None."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"PK\x03\x04") and name.lower().endswith(".docx"):
        return DOCX
    return None


def safe_name(name: str, fallback: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", fold(Path(name).stem)).strip("-.")[:60]
    return stem or fallback


async def store_file(content: bytes, name: str, media_dir: Path) -> Media:
    """A directive's file, stored once by its SHA-256 under media/exports/directives (where the
    download links of Zalo users may point)."""
    mime = file_kind(content, name)
    if mime is None:
        raise DirectiveError(D.FILE_KIND)
    if len(content) > FILE_MAX_MB * 1024 * 1024:
        mb = round(len(content) / 1024 / 1024, 1)
        raise DirectiveError(D.FILE_TOO_BIG.format(mb=mb, max=FILE_MAX_MB))
    sha = hashlib.sha256(content).hexdigest()
    existing = await Media.get_or_none(sha256=sha)
    if existing is not None:
        return existing
    ext = "pdf" if mime == PDF else "docx"
    relative = FILE_DIR / sha[:12] / f"{safe_name(name, 'van-ban')}.{ext}"
    target = media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(content)
    os.replace(tmp, target)
    return await Media.create(sha256=sha, path=str(relative), mime=mime, size=len(content))
