"""The invite-code sheet the board prints and hands out after a roster import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from openpyxl import Workbook
from openpyxl.styles import Font

from exports.safety import text_cell
from models.periods import VN_TZ


class InviteRow(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...


HEADERS = ["STT", "Họ và tên", "Số điện thoại", "Đơn vị", "Mã mời", "Hết hạn"]
WIDTHS = [6, 28, 16, 36, 14, 14]


def write_invites(path: Path, rows: Sequence[InviteRow]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Mã mời")
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(65 + i)].width = width
    ws.freeze_panes = "A2"
    ws.append([text_cell(ws, text, font=Font(bold=True)) for text in HEADERS])
    for n, r in enumerate(rows, 1):
        expires = r.expires_at.astimezone(VN_TZ).strftime("%d/%m/%Y")
        ws.append([n, *(text_cell(ws, v) for v in (r.name, r.phone, r.unit, r.code, expires))])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
