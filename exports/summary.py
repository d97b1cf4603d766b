"""The "Tổng hợp" sheet: the official page the board prints, signs and sends up.

Units are grouped under their parent; each group row adds its units up, and the grand total adds
the group rows, all as SUM formulas so that a figure corrected by hand flows into the totals."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from openpyxl.worksheet.pagebreak import Break

from exports import labels as L
from exports.layout import PRINT_HEIGHT, Looks, Sheet, col, lines_for, merge, print_setup
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


def status_columns(heading: Heading) -> tuple[list[str], list[float]]:
    """The columns after the figures: a period's status and date, a review's counts of periods,
    none for a date range."""
    if heading.review is not None:
        if not heading.periods:
            return [], []
        return [L.PERIODS_DONE, L.PERIODS_LATE, L.PERIODS_MISSING], [10, 9, 14]
    if heading.deadline is not None:
        return [L.STATUS, L.REPORTED_ON], [15, 12]
    return [], []


def write_summary(
    sheet: Sheet,
    looks: Looks,
    letterhead: Letterhead,
    heading: Heading,
    columns: list[Column],
    groups: list[Group],
) -> None:
    ws = sheet.ws
    tail, tail_widths = status_columns(heading)
    n_fig = len(columns)
    ncols = FIRST_COL - 1 + n_fig + len(tail)
    widths = [5, 36, *[10] * n_fig, *tail_widths]
    sheet.set_widths(widths)
    sheet.track_heights()
    ws.freeze_panes = f"{col(FIRST_COL)}{HEAD_ROW + 2}"
    scale = print_setup(ws, f"{HEAD_ROW}:{HEAD_ROW + 1}", widths)

    _letterhead(sheet, looks, letterhead, heading, ncols)
    _table_head(sheet, looks, columns, tail, ncols)

    group_rows: list[int] = []
    first = sheet.row + 1
    for number, group in enumerate(groups, 1):
        group_rows.append(_group(sheet, looks, number, group, n_fig, heading))
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
    if tail:
        done = sum(g.done for g in groups)
        units = sum(len(g.units) for g in groups)
        total += [looks.total.text(ws, _done_text(heading, done, units))]
        total += [looks.total.text(ws, None) for _ in tail[1:]]
    sheet.append(total, height=20)
    if heading.review is not None and tail:
        merge(ws, sheet.row, ncols - len(tail) + 1, ncols)
    signatures(sheet, looks, letterhead, ncols)
    ws.print_area = f"A1:{col(ncols)}{sheet.row}"
    keep_together(sheet, scale, HEAD_ROW, last - 1)


def _done_text(heading: Heading, done: int, total: int) -> str:
    if heading.review is not None:
        return L.GROUP_DONE_ALL.format(done=done, total=total)
    return L.GROUP_DONE.format(done=done, total=total)


def keep_together(sheet: Sheet, scale: int, head_row: int, tail_from: int) -> None:
    """Lay the rows out on pages as they will print and, if a page would end after `tail_from`
    (the last units, the grand total and the signature, which must print together), break the
    page before it. The header rows `head_row` and the one below repeat on every page."""
    heights = sheet.heights or []
    if not heights:
        return
    page = PRINT_HEIGHT * 100 / scale - 4  # a little room for LibreOffice's rounding
    repeated = sum(heights[head_row - 1 : head_row + 1])
    used = 0.0
    breaks: list[int] = []
    for row, h in enumerate(heights, 1):
        if used + h > page:
            breaks.append(row)
            used = repeated
        used += h
    if breaks and breaks[-1] > tail_from:
        # The last page starts inside the block: the block starts a page of its own.
        if tail_from > head_row + 2:
            sheet.ws.row_breaks.append(Break(id=tail_from - 1))


def _blocks(ncols: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Left block (the board, recipients) and right block (party name, date, signature)."""
    right_first = max(3, ncols - 4) if ncols >= 6 else ncols
    return (1, 2), (right_first, ncols)


def party_top(
    sheet: Sheet, looks: Looks, letterhead: Letterhead, made_on: date, ncols: int
) -> None:
    """The party format's top: the superior body over the issuing body, "*" and the number line
    at top left; the Party's name underlined and the place and date at top right."""
    ws = sheet.ws
    (l1, l2), (r1, r2) = _blocks(ncols)

    def row(left: Any, right: Any, height: float | None = None) -> None:
        cells: list[Any] = [None] * ncols
        cells[l1 - 1], cells[r1 - 1] = left, right
        sheet.append(cells, height)
        merge(ws, sheet.row, l1, l2)
        merge(ws, sheet.row, r1, r2)

    date_line = L.place_and_date(letterhead.place, made_on)
    row(looks.superior.text(ws, letterhead.superior or None), looks.party.text(ws, L.PARTY), 18)
    row(looks.letterhead.text(ws, letterhead.body), looks.dateline.text(ws, date_line), 18)
    row(looks.plain_center.text(ws, L.STAR), None, 16)
    row(looks.plain_center.text(ws, L.NUMBER_LINE.format(symbol=letterhead.symbol)), None, 18)


def _letterhead(
    sheet: Sheet, looks: Looks, letterhead: Letterhead, heading: Heading, ncols: int
) -> None:
    """The party top, then the title and its summary line."""
    ws = sheet.ws
    party_top(sheet, looks, letterhead, heading.made_on, ncols)
    for look, text, height in (
        (looks.title, L.TITLE, 22),
        (looks.subtitle, L.SUBJECT.format(label=heading.label), 18),
        (looks.note, f"{heading.period_line}. {heading.scope_line}", 30),
    ):
        sheet.append([look.text(ws, text)], height)
        merge(ws, sheet.row, 1, ncols)


def _table_head(
    sheet: Sheet, looks: Looks, columns: list[Column], tail: list[str], ncols: int
) -> None:
    ws = sheet.ws
    singles = [L.STT, L.UNIT]
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
    sheet.append(kinds, 34)
    names = [looks.head_bottom.text(ws, t) for t in singles]
    names += [looks.head.text(ws, column.label) for column in columns]
    names += [looks.head_bottom.text(ws, t) for t in tail]
    sheet.append(names, 48)


def _group(
    sheet: Sheet, looks: Looks, number: int, group: Group, n_fig: int, heading: Heading
) -> int:
    ws = sheet.ws
    tail, _ = status_columns(heading)
    row = sheet.row + 1
    first, last = row + 1, row + len(group.units)
    cells: list[Any] = [looks.group_center.text(ws, roman(number))]
    cells.append(looks.group.text(ws, group.name))
    for i in range(n_fig):
        letter = col(FIRST_COL + i)
        cells.append(looks.group_number.value(ws, f"=SUM({letter}{first}:{letter}{last})"))
    if tail:
        done = _done_text(heading, group.done, len(group.units))
        cells += [looks.group_center.text(ws, done)]
        # Beside a commune's count, whether it has closed the period's figures.
        closed = L.GROUP_CLOSED if group.closed else None
        cells += [
            looks.group_center.text(ws, closed if n == 0 else None) for n in range(len(tail) - 1)
        ]
    sheet.append(cells, fit=(1,))
    if heading.review is not None and tail:  # one cell across the review's three columns
        merge(ws, sheet.row, len(cells) - len(tail) + 1, len(cells))
    fit = (1, len(cells) - 1) if heading.review is not None and tail else (1,)
    for n, unit in enumerate(group.units, 1):
        sheet.append(_unit(ws, looks, n, unit, heading), fit=fit)
    return row


def _unit(ws: Any, looks: Looks, n: int, unit: UnitLine, heading: Heading) -> list[Any]:
    cells: list[Any] = [looks.text_center.value(ws, n), looks.text.text(ws, unit.name)]
    cells += [looks.number.value(ws, v) for v in unit.figures]
    if heading.review is not None and heading.periods:
        done = sum(1 for s in unit.statuses if s not in (Status.MISSING, Status.NOT_DUE))
        late = sum(1 for s in unit.statuses if s == Status.LATE)
        missing = [p for p, s in zip(heading.periods, unit.statuses, strict=True)
                   if s == Status.MISSING]  # fmt: skip
        cells.append(looks.text_center.text(ws, f"{done}/{len(unit.statuses)}"))
        cells.append(looks.text_center.value(ws, late))
        cells.append((looks.missing if missing else looks.text_center).text(
            ws, ", ".join(missing) or None))  # fmt: skip
    elif heading.deadline is not None and unit.status is not None:
        look = {Status.MISSING: looks.missing, Status.LATE: looks.late}.get(
            unit.status, looks.text_center
        )
        name = L.NIL_LATE if unit.nil and unit.status == Status.LATE else None
        status = name or L.STATUS_NAMES[unit.status]
        cells.append(look.text(ws, f"{status}, {unit.review}" if unit.review else status))
        reported = unit.reported_at.astimezone(VN_TZ).date() if unit.reported_at else None
        cells.append(looks.date.value(ws, reported))
    return cells


def signatures(sheet: Sheet, looks: Looks, letterhead: Letterhead, ncols: int) -> None:
    """Nơi nhận and its list at bottom left; the signer's authority, title, room to sign and
    name at bottom right. On a narrow sheet the recipients go under the signature."""
    ws = sheet.ws
    (l1, l2), (r1, r2) = _blocks(ncols)
    side_by_side = r1 > l2
    sheet.append([], 10)
    right: list[tuple[Any, float]] = [
        (looks.sign_bold.text(ws, letterhead.authority or None), 18),
        (looks.sign_bold.text(ws, letterhead.title or None), 18),
        (None, 20),
        (None, 20),
        (None, 20),
        (looks.sign_name.text(ws, letterhead.signer or None), 20),
    ]
    left: list[tuple[Any, float]] = [(looks.recipients_head.text(ws, L.RECIPIENTS_HEAD), 18)]
    width = sum(sheet.widths[l1 - 1 : l2]) * 1.1  # 10-point text: a tenth more to a line
    for r in letterhead.recipients:
        text = f"- {r}"
        left.append((looks.recipients.text(ws, text), 13.0 * lines_for(text, width) + 2))
    if not side_by_side:
        for cell, height in right:
            sheet.append([*[None] * (r1 - 1), cell], height)
            merge(ws, sheet.row, r1, r2)
        for cell, height in left:
            sheet.append([cell], height)
            merge(ws, sheet.row, l1, max(l2, r2))
        return
    for i in range(max(len(left), len(right))):
        cells: list[Any] = [None] * ncols
        height = 15.0
        if i < len(left):
            cells[l1 - 1], height = left[i][0], max(height, left[i][1])
        if i < len(right):
            cells[r1 - 1], height = right[i][0], max(height, right[i][1])
        sheet.append(cells, height)
        merge(ws, sheet.row, l1, l2)
        merge(ws, sheet.row, r1, r2)
