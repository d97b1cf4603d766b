"""The "Tổng hợp" sheet: the official page the board prints, signs and sends up.

Units are grouped under their parent; each group row adds its units up, and the grand total adds
the group rows, all as SUM formulas so that a figure corrected by hand flows into the totals."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from exports import labels as L
from exports.layout import Looks, Sheet, col, merge, print_setup
from exports.lines import Column, Group, Heading, Letterhead, UnitLine
from models.periods import VN_TZ
from models.queries import Status

HEAD_ROW = 8  # kind names; figure labels on the row below
FIRST_COL = 3  # A: STT, B: Đơn vị, then the figures
MAX_SUM_ARGS = 255  # Excel's limit on a function's arguments
MAX_FORMULA = 8000  # Excel refuses formulas over 8192 characters


def roman(n: int) -> str:
    out = []
    for value, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def grand_total(letter: str, group_rows: list[int], first: int, last: int) -> str:
    """The SUM of the group rows; nested when there are more than a function takes. Past what a
    formula may hold (a thousand groups or so), sum the unit rows, whose STT is a number."""
    if not group_rows:
        return "=0"
    refs = [f"{letter}{r}" for r in group_rows]
    if len(refs) <= MAX_SUM_ARGS:
        formula = f"=SUM({','.join(refs)})"
    else:
        chunks = [refs[i : i + MAX_SUM_ARGS] for i in range(0, len(refs), MAX_SUM_ARGS)]
        formula = "=SUM(" + ",".join(f"SUM({','.join(c)})" for c in chunks) + ")"
    if len(formula) <= MAX_FORMULA:
        return formula
    return f'=SUMIF($A${first}:$A${last},">0",{letter}{first}:{letter}{last})'


def write_summary(
    sheet: Sheet,
    looks: Looks,
    letterhead: Letterhead,
    heading: Heading,
    columns: list[Column],
    groups: list[Group],
) -> None:
    ws = sheet.ws
    with_status = heading.deadline is not None
    n_fig = len(columns)
    ncols = FIRST_COL - 1 + n_fig + (2 if with_status else 0)
    sheet.set_widths([5, 36, *[10] * n_fig, *([15, 12] if with_status else [])])
    ws.freeze_panes = f"{col(FIRST_COL)}{HEAD_ROW + 2}"
    print_setup(ws, f"{HEAD_ROW}:{HEAD_ROW + 1}")

    _letterhead(sheet, looks, letterhead, heading, ncols)
    _table_head(sheet, looks, columns, with_status, ncols)

    group_rows: list[int] = []
    first = sheet.row + 1
    for number, group in enumerate(groups, 1):
        group_rows.append(_group(sheet, looks, number, group, n_fig, with_status))
    if not groups:
        sheet.append([None, looks.text.text(ws, L.NO_UNITS)])
        merge(ws, sheet.row, 2, ncols)
    last = sheet.row
    if last >= first:
        ws.auto_filter.ref = f"A{HEAD_ROW + 1}:{col(ncols)}{last}"

    total: list[Any] = [looks.total.text(ws, None), looks.total.text(ws, L.GRAND_TOTAL)]
    for i in range(n_fig):
        letter = col(FIRST_COL + i)
        total.append(looks.total_number.value(ws, grand_total(letter, group_rows, first, last)))
    if with_status:
        done = sum(g.done for g in groups)
        units = sum(len(g.units) for g in groups)
        total += [looks.total.text(ws, L.GROUP_DONE.format(done=done, total=units))]
        total += [looks.total.text(ws, None)]
    sheet.append(total, height=20)
    _signatures(sheet, looks, ncols)
    ws.print_area = f"A1:{col(ncols)}{sheet.row}"


def _blocks(ncols: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Left block (the board, recipients) and right block (party name, date, head's signature)."""
    right_first = max(3, ncols - 4) if ncols >= 6 else ncols
    return (1, 2), (right_first, ncols)


def _letterhead(
    sheet: Sheet, looks: Looks, letterhead: Letterhead, heading: Heading, ncols: int
) -> None:
    ws = sheet.ws
    (l1, l2), (r1, r2) = _blocks(ncols)

    def row(left: Any, right: Any, height: float | None = None) -> None:
        cells: list[Any] = [None] * ncols
        cells[l1 - 1], cells[r1 - 1] = left, right
        sheet.append(cells, height)
        merge(ws, sheet.row, l1, l2)
        merge(ws, sheet.row, r1, r2)

    row(looks.letterhead.text(ws, letterhead.board), looks.party.text(ws, L.PARTY), 20)
    row(
        looks.plain_center.text(ws, L.STAR),
        looks.dateline.text(ws, L.place_and_date(letterhead.place, heading.made_on)),
        18,
    )
    sheet.append([])
    for look, text, height in (
        (looks.title, L.TITLE, 24),
        (looks.subtitle, heading.period_line, 18),
        (looks.note, heading.scope_line, 18),
    ):
        sheet.append([look.text(ws, text)], height)
        merge(ws, sheet.row, 1, ncols)
    sheet.append([])


def _table_head(
    sheet: Sheet, looks: Looks, columns: list[Column], with_status: bool, ncols: int
) -> None:
    ws = sheet.ws
    singles = [L.STT, L.UNIT]
    tail = [L.STATUS, L.REPORTED_ON] if with_status else []
    # Single columns look like one tall cell: a top half and a bottom half without a line between.
    kinds: list[Any] = [looks.head_top.text(ws, None) for _ in singles]
    c = FIRST_COL
    for kind, run in groupby(columns, key=lambda column: column.kind):
        width = len(list(run))
        kinds.append(looks.head.text(ws, kind))
        kinds += [looks.head.text(ws, None) for _ in range(width - 1)]
        merge(ws, HEAD_ROW, c, c + width - 1)
        c += width
    kinds += [looks.head_top.text(ws, None) for _ in tail]
    sheet.append(kinds, 22)
    names = [looks.head_bottom.text(ws, t) for t in singles]
    names += [looks.head.text(ws, column.label) for column in columns]
    names += [looks.head_bottom.text(ws, t) for t in tail]
    sheet.append(names, 32)


def _group(
    sheet: Sheet, looks: Looks, number: int, group: Group, n_fig: int, with_status: bool
) -> int:
    ws = sheet.ws
    row = sheet.row + 1
    first, last = row + 1, row + len(group.units)
    cells: list[Any] = [looks.group_center.text(ws, roman(number))]
    cells.append(looks.group.text(ws, group.name))
    for i in range(n_fig):
        letter = col(FIRST_COL + i)
        cells.append(looks.group_number.value(ws, f"=SUM({letter}{first}:{letter}{last})"))
    if with_status:
        done = L.GROUP_DONE.format(done=group.done, total=len(group.units))
        closed = L.GROUP_CLOSED if group.closed else None
        cells += [looks.group_center.text(ws, done), looks.group_center.text(ws, closed)]
    sheet.append(cells, fit=(1,))
    for n, unit in enumerate(group.units, 1):
        sheet.append(_unit(ws, looks, n, unit, with_status), fit=(1,))
    return row


def _unit(ws: Any, looks: Looks, n: int, unit: UnitLine, with_status: bool) -> list[Any]:
    cells: list[Any] = [looks.text_center.value(ws, n), looks.text.text(ws, unit.name)]
    cells += [looks.number.value(ws, v) for v in unit.figures]
    if with_status and unit.status is not None:
        look = {Status.MISSING: looks.missing, Status.LATE: looks.late}.get(
            unit.status, looks.text_center
        )
        status = L.STATUS_NAMES[unit.status]
        cells.append(look.text(ws, f"{status}, {unit.review}" if unit.review else status))
        reported = unit.reported_at.astimezone(VN_TZ).date() if unit.reported_at else None
        cells.append(looks.date.value(ws, reported))
    return cells


def _signatures(sheet: Sheet, looks: Looks, ncols: int) -> None:
    """Nơi nhận on the left, người lập biểu in the middle, trưởng ban on the right; on a narrow
    sheet the recipients go under the signatures."""
    ws = sheet.ws
    (l1, l2), (r1, r2) = _blocks(ncols)
    middle = (l2 + 1, r1 - 1) if r1 - 1 > l2 else None
    sheet.append([])
    rows: list[list[tuple[int, int, Any]]] = [[] for _ in range(7)]
    rows[0].append((r1, r2, looks.sign_bold.text(ws, L.HEAD)))
    rows[1].append((r1, r2, looks.sign_hint.text(ws, L.SIGN_HINT)))
    preparer = middle or (l1, l2)
    rows[0].append((*preparer, looks.sign_bold.text(ws, L.PREPARER)))
    rows[1].append((*preparer, looks.sign_hint.text(ws, L.SIGN_HINT)))
    recipients = [looks.recipients_head.text(ws, L.RECIPIENTS[0])]
    recipients += [looks.recipients.text(ws, t) for t in L.RECIPIENTS[1:]]
    if middle:
        for i, cell in enumerate(recipients):
            rows[i].append((l1, l2, cell))
    else:
        rows += [[(l1, l2, cell)] for cell in recipients]
    for parts in rows:
        cells: list[Any] = [None] * ncols
        for first, _, cell in parts:
            cells[first - 1] = cell
        sheet.append(cells)
        for first, last, _ in parts:
            merge(ws, sheet.row, first, last)
