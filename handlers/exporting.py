"""/xuatbaocao [MM/YYYY]: a supervisor or admin asks for the Excel report of their subtree.

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
    bounds_for,
    focus_bounds,
    period_for,
)

log = logging.getLogger(__name__)

_MONTH_RE = re.compile(r"^(?:thang\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$")


@dataclass(frozen=True)
class ExportRequest:
    path: Path
    start: date
    end: date
    period: Period | None
    unit: Unit
    label: str
    today: date


@dataclass(frozen=True)
class ExportDone:
    path: Path
    units: int
    activities: int
    missing: int


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


def export_name(unit: Unit | None, start: date, now: datetime) -> str:
    """A file name with no user text in it: the unit's code reduced to safe characters."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "", unit.code if unit else "") or "all"
    made = now.astimezone(VN_TZ)
    return f"baocao_{code}_{start:%Y-%m}_{made:%Y%m%d-%H%M%S}_{secrets.token_hex(2)}.xlsx"


async def export_command(turn: Turn, arg: str) -> None:
    if turn.member.role == Role.REPORTER:
        turn.say(T.NOT_ALLOWED)
        return
    arg = arg.strip()
    if arg:
        month = parse_month(arg)
        if month is None:
            turn.say(T.EXPORT_BAD_MONTH.format(text=arg[:20]))
            return
        if month > turn.today:
            turn.say(T.EXPORT_FUTURE_MONTH.format(month=f"{month:%m/%Y}"))
            return
        bounds = bounds_for(month, turn.rules)
    else:
        bounds = focus_bounds(turn.today, turn.rules)

    unit = await scope_unit(turn.member, turn.unit)
    rules, today, now = turn.rules, turn.today, turn.now
    folder = turn.media_dir / "exports"
    write = _write

    async def build() -> list[Reply]:
        label = T.period_label(bounds.start, bounds.end)
        try:
            if write is None:
                raise RuntimeError("no workbook writer configured (handlers.exporting.configure)")
            period = await period_for(bounds.start, rules)
            path: Path = folder / export_name(unit, bounds.start, now)
            result = await write(
                ExportRequest(path, bounds.start, bounds.end, period, unit, label, today)
            )
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
        return [Reply(text=text, file=result.path)]

    turn.replies.append(Reply(text=T.EXPORT_STARTED, then=build))
