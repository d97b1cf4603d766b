"""The units that have not reported, with whom to call, and a chart of how complete the reporting
is under each parent unit."""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.worksheet.pagebreak import Break

from exports import labels as L
from exports.layout import Looks, Sheet, col, merge, print_setup
from exports.lines import Group, Heading
from models.queries import Status

PAGE_ROWS = 30  # rows of 15 points on a landscape A4 page, within the margins
CHART_STATUSES = [
    (Status.ON_TIME, "2E7D32"),
    (Status.LATE, "F9A825"),
    (Status.NIL, "90A4AE"),
    (Status.MISSING, "C62828"),
]


def write_missing(
    sheet: Sheet,
    looks: Looks,
    heading: Heading,
    groups: list[Group],
    contacts: dict[int, list[tuple[str, str]]],
    reminders: dict[int, int],  # unit id -> reminders sent for the period
) -> None:
    ws = sheet.ws
    heads = [L.STT, L.PARENT, L.UNIT, L.SECRETARY, L.PHONE, L.REMINDERS]
    sheet.set_widths([5, 28, 32, 26, 14, 10])
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3")
    sheet.append([looks.title.text(ws, L.MISSING_TITLE.format(label=heading.label.upper()))], 24)
    merge(ws, 1, 1, len(heads))
    deadline = L.dd_mm_yyyy(heading.deadline) if heading.deadline else ""
    line = L.MISSING_DEADLINE.format(deadline=deadline, scope=heading.scope_line)
    sheet.append([looks.note.text(ws, line)], 18)
    merge(ws, 2, 1, len(heads))
    sheet.append([looks.head.text(ws, h) for h in heads], 32)
    n = 0
    for group in groups:
        for unit in group.units:
            if unit.status != Status.MISSING:
                continue
            n += 1
            people = contacts.get(unit.id, [])
            sheet.append(
                [
                    looks.text_center.value(ws, n),
                    looks.text.text(ws, group.name),
                    looks.text.text(ws, unit.name),
                    looks.text.text(ws, "\n".join(name for name, _ in people) or None),
                    looks.text.text(ws, "\n".join(phone for _, phone in people) or None),
                    looks.text_center.value(ws, reminders.get(unit.id, 0)),
                ],
                fit=(1, 2, 3),
            )
    if n:
        ws.auto_filter.ref = f"A3:{col(len(heads))}{sheet.row}"
    else:
        sheet.append([looks.text.text(ws, L.NONE_MISSING)])
        merge(ws, sheet.row, 1, len(heads))


def write_chart(sheet: Sheet, looks: Looks, heading: Heading, groups: list[Group]) -> None:
    """A table of statuses per parent unit (with the completeness rate as a formula), and a 100 %
    stacked bar per parent drawn from it."""
    ws = sheet.ws
    heads = [L.PARENT, *(L.STATUS_NAMES[s].capitalize() for s, _ in CHART_STATUSES)]
    heads += [L.UNITS_COUNT, L.DONE_RATE]
    sheet.set_widths([34, 11, 11, 11, 11, 13, 13])
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3")
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
        cells.append(looks.number.value(ws, f"=SUM(B{r}:E{r})"))
        cells.append(looks.percent.value(ws, f"=IF(F{r}>0,(B{r}+C{r}+D{r})/F{r},0)"))
        sheet.append(cells, fit=(0,))
    last = sheet.row
    r = last + 1
    total: list[Any] = [looks.total.text(ws, L.GRAND_TOTAL)]
    if groups:
        total += [looks.total_number.value(ws, f"=SUM({c}{first}:{c}{last})") for c in "BCDEF"]
    else:
        total += [looks.total_number.value(ws, 0) for _ in "BCDEF"]
    total.append(looks.total_percent.value(ws, f"=IF(F{r}>0,(B{r}+C{r}+D{r})/F{r},0)"))
    sheet.append(total)
    if groups:
        gap = 1
        if sheet.row + gap + _chart_rows(len(groups)) > PAGE_ROWS:
            # Below a long table the chart starts a page of its own: drawn across a page break
            # it would be cut, and the repeated header row would print over it.
            ws.row_breaks.append(Break(id=sheet.row))
            gap = 0
        ws.add_chart(_chart(ws, first, last), f"A{sheet.row + gap + 1}")
    ws.print_area = f"A1:G{sheet.row + 1 + _chart_rows(len(groups))}"


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
    data = Reference(ws, min_col=2, max_col=5, min_row=first - 1, max_row=last)
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
