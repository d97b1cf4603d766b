"""The chat's /xuatbaocao writes workbooks through this: exports/ with the board's letterhead."""

from __future__ import annotations

from exports.lines import Letterhead
from exports.report import ReportScope, write_report
from handlers import exporting
from handlers.exporting import ExportDone, ExportRequest, WriteExport


def export_writer(letterhead: Letterhead) -> WriteExport:
    async def write(req: ExportRequest) -> ExportDone:
        scope = ReportScope(req.start, req.end, req.period, req.unit, req.label)
        result = await write_report(req.path, scope, letterhead, req.today)
        return ExportDone(result.path, result.units, result.activities, result.missing)

    return write


def configure(board_name: str, board_place: str) -> None:
    exporting.configure(export_writer(Letterhead(board_name, board_place)))
