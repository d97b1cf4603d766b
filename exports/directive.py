"""The results of one directive ("Kết quả thực hiện Hướng dẫn số ..."): per reporting unit and per
topic within its window, the units that did nothing for it, and who acknowledged it.

Sheets: "Theo đơn vị" (the page to print, with the board's letterhead), "Theo chủ đề",
"Chưa thực hiện", "Xác nhận đã nhận". The letterhead is drawn by `_letterhead` alone, so that the
party format of the documents issue replaces it in one place."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from exports import labels as L
from exports.layout import Looks, Sheet, col, merge, print_setup, times_new_roman
from exports.lines import Letterhead
from exports.summary import party_top, signatures
from models.directives import Directive, DirectiveResults, Figures, directive_results
from models.periods import VN_TZ

TITLE = "KẾT QUẢ THỰC HIỆN HƯỚNG DẪN SỐ {number}"
SUBTITLE = "{title}"
WINDOW = "Thời gian thực hiện: {start} – {end}. Đơn vị ban hành: {issuer}"
WITHDRAWN = "(Văn bản đã thu hồi ngày {date})"
BY_UNIT = "Theo đơn vị"
BY_TOPIC = "Theo chủ đề"
IDLE = "Chưa thực hiện"
ACKS = "Xác nhận đã nhận"
FIGURE_HEADS = [
    "Số hoạt động",
    "Số buổi phát",
    "Thời lượng (phút)",
    "Sản phẩm cổ động",
    "Số cuộc họp",
    "Số người dự",
]
TOPIC = "Chủ đề"
IDLE_TITLE = "ĐƠN VỊ CHƯA CÓ HOẠT ĐỘNG THỰC HIỆN {number}"
NONE_IDLE = "Tất cả đơn vị đã có hoạt động."
ACK_TITLE = "DANH SÁCH XÁC NHẬN ĐÃ NHẬN {number}"
PERSON = "Họ và tên"
DELIVERY = "Gửi tin"
ACKED_AT = "Đã nhận lúc"
NOT_ACKED = "Chưa xác nhận"
DELIVERY_NAMES = {
    "sent": "đã gửi",
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "failed": "không gửi được",
    "blocked": "đã chặn bot",
    "outside_window": "ngoài thời hạn Zalo",
    "cancelled": "đã hủy",
}


def _figures(f: Figures) -> list[int]:
    return [f.activities, f.sessions, f.minutes, f.items, f.meetings, f.attendees]


def _title(sheet: Sheet, looks: Looks, lines: Sequence[tuple[Any, str]], n: int) -> None:
    for look, text in lines:
        sheet.append([look.text(sheet.ws, text)], 20)
        merge(sheet.ws, sheet.row, 1, n)


def _headings(r: DirectiveResults, looks: Looks) -> list[tuple[Any, str]]:
    d = r.directive
    lines = [
        (looks.title, TITLE.format(number=d.number)),
        (looks.subtitle, SUBTITLE.format(title=d.title)),
        (
            looks.note,
            WINDOW.format(
                start=L.dd_mm_yyyy(d.starts_on), end=L.dd_mm_yyyy(d.ends_on), issuer=r.issuer.name
            ),
        ),
    ]
    if d.withdrawn_at is not None:
        lines.append(
            (
                looks.note,
                WITHDRAWN.format(date=L.dd_mm_yyyy(d.withdrawn_at.astimezone(VN_TZ).date())),
            )
        )
    return lines


def _table(
    sheet: Sheet,
    looks: Looks,
    heads: list[str],
    rows: list[list[Any]],
    text_cols: int,
    total: list[int] | None,
) -> None:
    ws = sheet.ws
    first = sheet.append([looks.head.text(ws, h) for h in heads], 32)
    for values in rows:
        cells = [looks.text_center.value(ws, values[0])]
        cells += [looks.text.text(ws, v) for v in values[1:text_cols]]
        cells += [looks.number.value(ws, v) for v in values[text_cols:]]
        sheet.append(cells, fit=tuple(range(1, text_cols)))
    if total is not None and rows:
        last = sheet.row
        cells = [looks.total.text(ws, L.GRAND_TOTAL)] + [looks.total.text(ws, None)] * (
            text_cols - 1
        )
        cells += [
            looks.total_number.value(ws, f"=SUM({col(c)}{first + 1}:{col(c)}{last})")
            for c in range(text_cols + 1, len(heads) + 1)
        ]
        sheet.append(cells, 20)
        merge(ws, sheet.row, 1, text_cols)
    ws.freeze_panes = f"A{first + 1}"
    if rows:
        ws.auto_filter.ref = f"A{first}:{col(len(heads))}{first + len(rows)}"


def _write(path: Path, r: DirectiveResults, letterhead: Letterhead, made_on: date) -> None:
    wb = Workbook(write_only=True)
    times_new_roman(wb)
    looks: Looks | None = None

    def new_sheet(name: str, widths: list[float], heads_row: int) -> Sheet:
        nonlocal looks
        ws = wb.create_sheet(name)
        if looks is None:
            looks = Looks(ws)
        sheet = Sheet(ws)
        sheet.set_widths(widths)
        print_setup(ws, f"{heads_row}:{heads_row}", widths)
        return sheet

    heads = [L.STT, L.PARENT, L.UNIT, *FIGURE_HEADS]
    n = len(heads)
    title_lines = 3 + (1 if r.directive.withdrawn_at else 0)
    s = new_sheet(BY_UNIT, [5, 26, 30, 11, 11, 12, 12, 11, 11], 4 + title_lines + 1)
    assert looks is not None
    party_top(s, looks, letterhead, made_on, n)
    _title(s, looks, _headings(r, looks), n)
    rows = [[i, u.parent_name, u.name, *_figures(u.figures)] for i, u in enumerate(r.units, 1)]
    _table(s, looks, heads, rows, 3, _figures(r.total))
    signatures(s, looks, letterhead, n)

    s = new_sheet(BY_TOPIC, [5, 50, 11, 11, 12, 12, 11, 11], title_lines + 1)
    _title(s, looks, _headings(r, looks), len(FIGURE_HEADS) + 2)
    rows = [
        [i, name, *_figures(r.by_topic.get(code, Figures()))]
        for i, (code, name) in enumerate(r.topics, 1)
    ]
    _table(s, looks, [L.STT, TOPIC, *FIGURE_HEADS], rows, 2, None)

    s = new_sheet(IDLE, [5, 30, 34], 2)
    _title(s, looks, [(looks.title, IDLE_TITLE.format(number=r.directive.number))], 3)
    idle = [[i, u.parent_name, u.name] for i, u in enumerate(r.idle_units, 1)]
    _table(s, looks, [L.STT, L.PARENT, L.UNIT], idle, 3, None)
    if not idle:
        s.append([looks.text.text(s.ws, NONE_IDLE)])
        merge(s.ws, s.row, 1, 3)

    s = new_sheet(ACKS, [5, 28, 32, 18, 20], 2)
    _title(s, looks, [(looks.title, ACK_TITLE.format(number=r.directive.number))], 5)
    acks = [
        [
            i,
            a.name,
            a.unit_name,
            DELIVERY_NAMES.get(a.status, a.status),
            a.acked_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M") if a.acked_at else NOT_ACKED,
        ]
        for i, a in enumerate(r.addressees, 1)
    ]
    _table(s, looks, [L.STT, PERSON, L.UNIT, DELIVERY, ACKED_AT], acks, 5, None)

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    os.replace(tmp, path)


async def write_directive_results(
    path: Path, directive: Directive, letterhead: Letterhead, made_on: date
) -> DirectiveResults:
    results = await directive_results(directive)
    await asyncio.to_thread(_write, path, results, letterhead, made_on)
    return results
