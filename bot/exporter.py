"""Documents for the CLI and the chat's /xuatbaocao: the letterhead of whoever issues them, from
the settings and the unit tree, and the writer handlers/ is handed at start-up."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings
from exports.directive import write_directive_results
from exports.lines import Letterhead
from exports.report import ReportScope, review_scope, write_report
from handlers import directives, exporting
from handlers import texts as T
from handlers.exporting import ExportDone, ExportRequest, WriteExport
from models import Unit
from models.directives import Directive, DirectiveResults
from models.periods import ReportRules, vn_today

log = logging.getLogger(__name__)

DEFAULT_BOARD = "BAN TUYÊN GIÁO VÀ DÂN VẬN"
# Level words at the start of a unit's name, and what a document of that level prints.
LEVELS = [
    # (name prefix, symbol, authority, title)
    (r"^đảng ủy (xã|phường|thị trấn|đặc khu)? ?", "ĐU", "T/M ĐẢNG ỦY", "BÍ THƯ"),
    (r"^chi bộ (bản|thôn|tổ dân phố|trường|khu)? ?", "CB", "T/M CHI BỘ", "BÍ THƯ"),
    (r"^đảng bộ (xã|phường)? ?", "ĐU", "T/M ĐẢNG ỦY", "BÍ THƯ"),
]


def upper(text: str) -> str:
    return text.upper()


def _place_of(name: str, prefixes: list[str]) -> str:
    for prefix in prefixes:
        m = re.match(prefix, name, re.IGNORECASE)
        if m:
            return name[m.end() :].strip()
    return name


def _party_of(top: str) -> str:
    """ "Tỉnh ủy Bắc Vân" -> "ĐẢNG BỘ TỈNH BẮC VÂN": the organisation above a commune's heading."""
    m = re.match(r"^(tỉnh|thành) ủy (.+)$", top, re.IGNORECASE)
    if m:
        where = "TỈNH" if m.group(1).lower() == "tỉnh" else "THÀNH PHỐ"
        return f"ĐẢNG BỘ {where} {upper(m.group(2))}"
    return f"ĐẢNG BỘ {upper(top)}"


def _overrides(letterhead: Letterhead, values: dict[str, Any] | None) -> Letterhead:
    if not values:
        return letterhead
    known = {f.name for f in dataclasses.fields(Letterhead)}
    changes: dict[str, Any] = {k: v for k, v in values.items() if k in known}
    recipients = changes.get("recipients")
    if isinstance(recipients, str):
        changes["recipients"] = tuple(r.strip() for r in recipients.split(";") if r.strip())
    elif isinstance(recipients, list):
        changes["recipients"] = tuple(str(r) for r in recipients)
    return dataclasses.replace(letterhead, **changes)


async def letterhead_for(root: Unit | None, settings: Settings) -> Letterhead:
    """Who issues an export of `root`'s subtree: the province's board for the whole tree; a
    commune (or any lower unit) signs its own, under its party organisation. Settings (and
    ISSUERS per unit code) override what the tree suggests."""
    top = root
    while top is not None and top.parent_id is not None:
        top = await Unit.get_or_none(id=top.parent_id)
    if top is None:
        top = await Unit.filter(parent_id=None).order_by("id").first()
    top_name = top.name if top else ""
    if root is None or root.parent_id is None:
        place = settings.board_place or _place_of(top_name, [r"^(tỉnh|thành) ủy "])
        full = settings.board_full_name or (
            f"Ban Tuyên giáo và Dân vận {top_name}".strip()
            if settings.board_name == DEFAULT_BOARD
            else settings.board_name.capitalize()
        )
        board = Letterhead(
            body=settings.board_name,
            superior=settings.board_superior or upper(top_name),
            symbol=settings.board_symbol,
            place=place,
            authority=settings.signer_authority,
            title=settings.signer_title,
            signer=settings.signer_name,
            recipients=tuple(r.strip() for r in settings.board_recipients.split(";") if r.strip()),
            name=full,
        )
        return _overrides(board, settings.issuers.get(top.code) if top else None)
    parent = await Unit.get_or_none(id=root.parent_id)
    superior = (
        _party_of(top_name) if parent is None or parent.parent_id is None else upper(parent.name)
    )
    symbol, authority, title = "ĐU", "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
    for prefix, *what in LEVELS:
        if re.match(prefix, root.name, re.IGNORECASE):
            symbol, authority, title = what
            break
    unit = Letterhead(
        body=upper(root.name),
        superior=superior,
        symbol=symbol,
        place=_place_of(root.name, [p for p, *_ in LEVELS]),
        authority=authority,
        title=title,
        signer="",
        recipients=(
            f"Ban Tuyên giáo và Dân vận {top_name} (để báo cáo)".replace("  ", " "),
            "Các chi bộ trực thuộc",
            "Lưu VP",
        ),
        name=root.name,
    )
    return _overrides(unit, settings.issuers.get(root.code))


async def scope_of(req: ExportRequest, rules: ReportRules) -> ReportScope:
    if req.span is not None:
        return await review_scope(req.span, req.unit, rules, T.period_label)
    return ReportScope(req.start, req.end, req.period, req.unit, req.label)


def export_writer(settings: Settings) -> WriteExport:
    async def write(req: ExportRequest) -> ExportDone:
        keep = timedelta(hours=settings.download_link_hours)
        clean_exports(req.path.parent, keep, datetime.now(tz=UTC))
        scope = await scope_of(req, settings.rules)
        letterhead = await letterhead_for(req.unit, settings)
        docx = req.path.with_suffix(".docx") if req.docx else None
        result = await write_report(
            req.path,
            scope,
            letterhead,
            req.today,
            docx=docx,
            media_dir=req.media_dir or settings.media_dir,
        )
        return ExportDone(result.path, result.units, result.activities, result.missing, result.docx)

    return write


def results_writer(settings: Settings) -> directives.WriteResults:
    """A directive's results, in the party format of the unit that issued it."""

    async def write(directive: Directive, path: Path) -> DirectiveResults:
        issuer = await Unit.get_or_none(id=directive.unit_id)
        letterhead = await letterhead_for(issuer, settings)
        return await write_directive_results(
            path, directive, letterhead, vn_today(datetime.now(UTC))
        )

    return write


def configure(settings: Settings) -> None:
    exporting.configure(export_writer(settings))
    directives.configure(results_writer(settings))


# A link is made seconds after its file is written: the file outlives the link by this much.
GRACE = timedelta(minutes=10)


def clean_exports(folder: Path, keep: timedelta, now: datetime) -> int:
    """Delete the files in the exports folder older than `keep` (DOWNLOAD_LINK_HOURS: by then
    every link to them has expired). Returns how many were deleted."""
    if not folder.is_dir():
        return 0
    cutoff = (now - keep - GRACE).timestamp()
    removed = 0
    for entry in folder.iterdir():
        try:
            if entry.is_file() and not entry.is_symlink() and entry.stat().st_mtime < cutoff:
                entry.unlink()
                removed += 1
        except OSError as e:  # another process removed it first, or it is not ours to touch
            log.warning("could not remove old export %s: %s", entry.name, e)
    return removed
