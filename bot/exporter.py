"""The chat's /xuatbaocao writes workbooks through this: exports/ with the board's letterhead."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from exports.directive import write_directive_results
from exports.lines import Letterhead
from exports.report import ReportScope, write_report
from handlers import directives, exporting
from handlers.exporting import ExportDone, ExportRequest, WriteExport
from models.directives import Directive, DirectiveResults
from models.periods import vn_today


def export_writer(letterhead: Letterhead) -> WriteExport:
    async def write(req: ExportRequest) -> ExportDone:
        scope = ReportScope(req.start, req.end, req.period, req.unit, req.label)
        result = await write_report(req.path, scope, letterhead, req.today)
        return ExportDone(result.path, result.units, result.activities, result.missing)

    return write


def results_writer(letterhead: Letterhead) -> directives.WriteResults:
    async def write(directive: Directive, path: Path) -> DirectiveResults:
        return await write_directive_results(
            path, directive, letterhead, vn_today(datetime.now(UTC))
        )

    return write


def configure(board_name: str, board_place: str) -> None:
    letterhead = Letterhead(board_name, board_place)
    exporting.configure(export_writer(letterhead))
    directives.configure(results_writer(letterhead))
