"""/xuatbaocao [MM/YYYY | quý 4/2026 | 6 tháng 2/2026 | năm 2026]: a supervisor or admin asks
for the report of their subtree: the Excel workbook and the narrative report (.docx).

The turn only checks the request and answers "please wait"; the workbook is built in the reply's
`then`, after that notice is sent and outside the turn's transaction."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from handlers import texts as T
from handlers.messages import Reply
from handlers.parsing import fold
from handlers.supervise import scope_unit
from handlers.turn import Turn
from models import Period, Role, Unit
from models.periods import (
    VN_TZ,
    Span,
    bounds_for,
    focus_bounds,
    half_span,
    period_for,
    quarter_span,
    year_span,
)

log = logging.getLogger(__name__)

_MONTH_RE = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_QUARTER_RE = re.compile(r"^(?:quy|q)\s*(i{1,3}|iv|[1-4])\s*[/.\- ]\s*(?:nam\s*)?(\d{4})$")
_HALF_RE = re.compile(
    r"^(?:6\s*thang|6\s*t|nua nam)\s*(1|2|dau|cuoi)\s*(?:nam)?\s*[/.\- ]?\s*(\d{4})$"
)
_YEAR_RE = re.compile(r"^(?:nam\s*)?(\d{4})$")
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    start: date
    end: date
    period: Period | None
    unit: Unit
    label: str
    today: date
    span: Span | None = None  # a quarter, half-year or year: a review of its periods
    docx: bool = False  # the narrative report too, beside the workbook
    media_dir: Path | None = None  # where the photos are, for the narrative's photo appendix


@dataclass(frozen=True)
class ExportDone:
    path: Path
    units: int
    activities: int
    missing: int
    docx: Path | None = None


WriteExport = Callable[[ExportRequest], Awaitable[ExportDone]]

# handlers/ may not import exports/ (nor read the settings with the board's letterhead), so bot/
# hands in the workbook writer at start-up.
_write: WriteExport | None = None


def configure(write: WriteExport) -> None:
    global _write
    _write = write


def parse_month(text: str) -> date | None:
    """'11/2026', '11-2026', 'tháng 11/2026' → 1 November 2026; None when it is not a month."""
    m = _MONTH_RE.match(fold(text).strip(" ."))
    if not m:
        return None
    month, year = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or year < 2000:
        return None
    return date(year, month, 1)


def parse_span(text: str) -> Span | None:
    """'quý 4/2026', 'q4/2026', 'quy IV 2026' → the quarter; '6 tháng 2/2026', '6 tháng đầu năm
    2026' → the half-year; 'năm 2026', '2026' → the year; None otherwise."""
    folded = fold(text).strip(" .")
    if m := _QUARTER_RE.match(folded):
        q, year = m.group(1), int(m.group(2))
        return quarter_span(ROMAN.get(q) or int(q), year) if year >= 2000 else None
    if m := _HALF_RE.match(folded):
        h, year = m.group(1), int(m.group(2))
        return half_span(1 if h in ("1", "dau") else 2, year) if year >= 2000 else None
    if m := _YEAR_RE.match(folded):
        year = int(m.group(1))
        return year_span(year) if year >= 2000 else None
    return None


def export_name(unit: Unit | None, start: date, now: datetime, span: Span | None = None) -> str:
    """A file name with no user text in it: the unit's code reduced to safe characters, and the
    month, or the quarter (2026-Q4), half-year (2026-H2) or year of a review."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "", unit.code if unit else "") or "all"
    made = now.astimezone(VN_TZ)
    when = f"{start:%Y-%m}"
    if span is not None:
        n = span.months
        part = {3: f"-Q{(start.month - 1) // 3 + 1}", 6: f"-H{(start.month - 1) // 6 + 1}"}
        when = f"{start.year}{part.get(n, '')}"
    return f"baocao_{code}_{when}_{made:%Y%m%d-%H%M%S}_{secrets.token_hex(2)}.xlsx"


async def export_command(turn: Turn, arg: str) -> None:
    if turn.member.role == Role.REPORTER:
        turn.say(T.NOT_ALLOWED)
        return
    arg = arg.strip()
    span: Span | None = None
    if arg:
        month = parse_month(arg)
        span = None if month else parse_span(arg)
        if month is None and span is None:
            turn.say(T.EXPORT_BAD_MONTH.format(text=arg[:20]))
            return
        if span is not None and span.start > turn.today:
            label = T.period_label(span.start, span.end)
            turn.say(T.EXPORT_FUTURE_SPAN.format(label=label[:1].upper() + label[1:]))
            return
        if month is not None and month > turn.today:
            turn.say(T.EXPORT_FUTURE_MONTH.format(month=f"{month:%m/%Y}"))
            return
        bounds = bounds_for(month or turn.today, turn.rules)
    else:
        bounds = focus_bounds(turn.today, turn.rules)

    unit = await scope_unit(turn.member, turn.unit)
    rules, today, now = turn.rules, turn.today, turn.now
    folder = turn.media_dir / "exports"
    write = _write

    media_dir = turn.media_dir
    start, end = (span.start, span.end) if span else (bounds.start, bounds.end)

    async def build() -> list[Reply]:
        label = T.period_label(start, end)
        try:
            if write is None:
                raise RuntimeError("no workbook writer configured (handlers.exporting.configure)")
            period = None if span else await period_for(bounds.start, rules)
            path: Path = folder / export_name(unit, start, now, span)
            request = ExportRequest(path, start, end, period, unit, label, today, span=span,
                                    docx=True, media_dir=media_dir)  # fmt: skip
            result = await write(request)
        except Exception:
            log.exception("export of %s for unit %s failed", label, unit.code)
            return [Reply(T.EXPORT_FAILED)]
        text = T.EXPORT_READY.format(
            period=label,
            unit=unit.name,
            units=result.units,
            activities=result.activities,
            missing=result.missing,
        )
        replies = [Reply(text=text, file=result.path)]
        if result.docx is not None:
            replies.append(Reply(text=T.EXPORT_DOCX_READY, file=result.docx))
        return replies

    turn.replies.append(Reply(text=T.EXPORT_STARTED, then=build))
