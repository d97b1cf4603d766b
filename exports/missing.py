"""The units that have not reported, with whom to call, and a chart of how complete the reporting
is under each parent unit."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.pagebreak import Break

from exports import labels as L
from exports.layout import Looks, Sheet, col, merge, print_setup
from exports.lines import Group, Heading, UnitLine
from models.queries import Status

PAGE_ROWS = 30  # rows of 15 points on a landscape A4 page, within the margins
CHART_STATUSES = [
    (Status.ON_TIME, "2E7D32"),
    (Status.LATE, "F9A825"),
    (Status.NIL, "90A4AE"),
    (Status.MISSING, "C62828"),
    (Status.NOT_DUE, "D9D9D9"),
]


def write_missing(
    sheet: Sheet,
    looks: Looks,
    heading: Heading,
    groups: list[Group],
    contacts: dict[int, list[tuple[str, str]]],
    reminders: dict[int, int],  # unit id -> reminders sent for the period
) -> None:
    """The units still missing, with their secretary's name and the reminders sent; no phone
    numbers (those are only on the internal sheet). A review lists the periods each missed."""
    ws = sheet.ws
    review = heading.review is not None
    heads = [L.STT, L.PARENT, L.UNIT, L.SECRETARY]
    heads.append(L.MISSING_PERIODS if review else L.REMINDERS)
    widths = [5, 30, 32, 28, 16 if review else 10]
    sheet.set_widths(widths)
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3", widths)
    sheet.append([looks.title.text(ws, L.MISSING_TITLE.format(label=heading.label.upper()))], 24)
    merge(ws, 1, 1, len(heads))
    if heading.deadline is not None:
        deadline = L.dd_mm_yyyy(heading.deadline)
        line = L.MISSING_DEADLINE.format(deadline=deadline, scope=heading.scope_line)
    else:
        line = f"{heading.period_line}. {heading.scope_line}"
    sheet.append([looks.note.text(ws, line)], 32)
    merge(ws, 2, 1, len(heads))
    sheet.append([looks.head.text(ws, h) for h in heads], 32)
    n = 0
    for group, unit in missing_units(groups):
        n += 1
        people = contacts.get(unit.id, [])
        if review:
            missed = [p for p, s in zip(heading.periods, unit.statuses, strict=True)
                      if s == Status.MISSING]  # fmt: skip
            last: Any = looks.text_center.text(ws, ", ".join(missed))
        else:
            last = looks.text_center.value(ws, reminders.get(unit.id, 0))
        sheet.append(
            [
                looks.text_center.value(ws, n),
                looks.text.text(ws, group.name),
                looks.text.text(ws, unit.name),
                looks.text.text(ws, "\n".join(name for name, _ in people) or None),
                last,
            ],
            fit=(1, 2, 3),
        )
    if n:
        ws.auto_filter.ref = f"A3:{col(len(heads))}{sheet.row}"
    else:
        sheet.append([looks.text.text(ws, L.NONE_MISSING)])
        merge(ws, sheet.row, 1, len(heads))


def missing_units(groups: list[Group]) -> list[tuple[Group, UnitLine]]:
    return [(g, u) for g in groups for u in g.units if u.missing]


def write_contacts(
    sheet: Sheet,
    looks: Looks,
    heading: Heading,
    groups: list[Group],
    contacts: dict[int, list[tuple[str, str]]],
) -> None:
    """The internal sheet: whom to call at each missing unit, with phone numbers. Written only
    when asked for (`--internal`); it must not leave the board."""
    ws = sheet.ws
    heads = [L.STT, L.PARENT, L.UNIT, L.SECRETARY, L.PHONE]
    widths = [5, 30, 32, 28, 16]
    sheet.set_widths(widths)
    print_setup(ws, "2:2", widths)
    sheet.append([looks.title.text(ws, L.CONTACTS_TITLE.format(label=heading.label.upper()))], 36)
    merge(ws, 1, 1, len(heads))
    sheet.append([looks.head.text(ws, h) for h in heads], 22)
    for n, (group, unit) in enumerate(missing_units(groups), 1):
        people = contacts.get(unit.id, [])
        sheet.append(
            [
                looks.text_center.value(ws, n),
                looks.text.text(ws, group.name),
                looks.text.text(ws, unit.name),
                looks.text.text(ws, "\n".join(name for name, _ in people) or None),
                looks.text.text(ws, "\n".join(phone for _, phone in people) or None),
            ],
            fit=(1, 2, 3),
        )


def write_chart(sheet: Sheet, looks: Looks, heading: Heading, groups: list[Group]) -> None:
    """A table of statuses per parent unit (with the completeness rate as a formula), and a 100 %
    stacked bar per parent drawn from it."""
    ws = sheet.ws
    heads = [L.PARENT, *(L.STATUS_NAMES[s].capitalize() for s, _ in CHART_STATUSES)]
    heads += [L.UNITS_COUNT, L.DONE_RATE]
    widths = [34, 11, 11, 11, 11, 11, 13, 13]
    sheet.set_widths(widths)
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3", widths)
    sheet.append([looks.title.text(ws, L.CHART_TITLE.format(label=heading.label.upper()))], 24)
    merge(ws, 1, 1, len(heads))
    sheet.append([looks.note.text(ws, heading.scope_line)], 18)
    merge(ws, 2, 1, len(heads))
    sheet.append([looks.head.text(ws, h) for h in heads], 32)
    first = sheet.row + 1
    for group in groups:
        r = sheet.row + 1
        cells: list[Any] = [looks.text.text(ws, group.name)]
        cells += [looks.number.value(ws, group.count(s)) for s, _ in CHART_STATUSES]
        cells.append(looks.number.value(ws, f"=SUM(B{r}:F{r})"))
        cells.append(looks.percent.value(ws, f"=IF(G{r}>0,(B{r}+C{r}+D{r})/G{r},0)"))
        sheet.append(cells, fit=(0,))
    last = sheet.row
    r = last + 1
    total: list[Any] = [looks.total.text(ws, L.GRAND_TOTAL)]
    if groups:
        total += [looks.total_number.value(ws, f"=SUM({c}{first}:{c}{last})") for c in "BCDEFG"]
    else:
        total += [looks.total_number.value(ws, 0) for _ in "BCDEFG"]
    total.append(looks.total_percent.value(ws, f"=IF(G{r}>0,(B{r}+C{r}+D{r})/G{r},0)"))
    sheet.append(total)
    if groups:
        gap = 1
        if sheet.row + gap + _chart_rows(len(groups)) > PAGE_ROWS:
            # Below a long table the chart starts a page of its own: drawn across a page break
            # it would be cut, and the repeated header row would print over it.
            ws.row_breaks.append(Break(id=sheet.row))
            gap = 0
        ws.add_chart(_chart(ws, first, last), f"A{sheet.row + gap + 1}")
    ws.print_area = f"A1:H{sheet.row + 1 + _chart_rows(len(groups))}"


def _chart_rows(n_groups: int) -> int:
    return int(_chart_height(n_groups) / 0.53) + 1  # rows of 15 points


def _chart_height(n_groups: int) -> float:
    """Centimetres: a bar for each parent unit, within one landscape page."""
    return min(15.0, max(7.5, 2.5 + 0.7 * n_groups))


def _chart(ws: Any, first: int, last: int) -> BarChart:
    chart = BarChart()
    chart.type = "bar"  # horizontal: long unit names read on the category axis
    chart.grouping = "percentStacked"
    chart.overlap = 100
    chart.title = L.CHART_NAME
    chart.width = 24.0
    chart.height = _chart_height(last - first + 1)
    data = Reference(ws, min_col=2, max_col=6, min_row=first - 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    for series, (_, color) in zip(chart.series, CHART_STATUSES, strict=False):
        series.graphicalProperties = GraphicalProperties(solidFill=color)
    chart.x_axis.scaling.orientation = "maxMin"  # the first parent on top, as in the table
    chart.y_axis.number_format = "0%"
    chart.y_axis.majorGridlines = None
    # openpyxl 3.1 marks axes deleted unless told otherwise; Excel then hides them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    return chart
