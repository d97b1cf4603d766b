"""The catalogue workbook (activity kinds, their questions, topics) an admin edits in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from exports.safety import text_cell

WIDTHS = {
    "LoaiHoatDong": [14, 30, 8, 10],
    "CauHoi": [14, 12, 22, 44, 9, 9, 9, 9, 8, 60, 10],
    "ChuDe": [14, 70, 8, 10],
}


def write_catalog(path: Path, sheets: dict[str, list[list[Any]]]) -> None:
    wb = Workbook(write_only=True)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for i, width in enumerate(WIDTHS.get(title, []), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        for n, row in enumerate(rows):
            font = {"font": Font(bold=True)} if n == 0 else {}
            ws.append([text_cell(ws, v, **font) for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
