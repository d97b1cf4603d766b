"""Sheets that break the figures down: a review's statuses period by period, its figures month by
month against the previous period and the same period a year before, and every scope's counts
per directive topic and per form."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from exports import labels as L
from exports.layout import Looks, Sheet, col, merge, print_setup
from exports.lines import Column, Group, Heading
from models.queries import Status


@dataclass
class TopicCount:
    activities: int = 0
    sessions: int = 0
    minutes: int = 0


@dataclass
class FormCount:
    activities: int = 0
    quantity: int = 0


@dataclass
class Breakdown:
    """Counts gathered while the activities stream past."""

    topics: dict[str, TopicCount] = field(default_factory=dict)
    forms: dict[tuple[str, str], FormCount] = field(default_factory=dict)  # (kind, form)
    months: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # per summary column


@dataclass(frozen=True)
class Comparison:
    label: str  # "quý III/2026"
    totals: list[int]  # per summary column


def write_periods(sheet: Sheet, looks: Looks, heading: Heading, groups: list[Group]) -> None:
    """One row per unit, one column per reporting period of the review: its status as a letter."""
    ws = sheet.ws
    n = len(heading.periods)
    widths = [5, 36, *[max(6.0, min(10.0, 90 / max(n, 1))) for _ in range(n)]]
    sheet.set_widths(widths)
    ws.freeze_panes = "C4"
    print_setup(ws, "3:3", widths)
    ncols = len(widths)
    sheet.append([looks.title.text(ws, L.PERIODS_TITLE.format(label=heading.label.upper()))], 24)
    merge(ws, 1, 1, ncols)
    sheet.append([looks.note.text(ws, f"{heading.scope_line}. {L.STATUS_LEGEND}")], 32)
    merge(ws, 2, 1, ncols)
    heads = [L.STT, L.UNIT, *heading.periods]
    sheet.append([looks.head.text(ws, h) for h in heads], 22)
    for group in groups:
        sheet.append([None, looks.group.text(ws, group.name), *[None] * n], fit=(1,))
        for i, unit in enumerate(group.units, 1):
            cells: list[Any] = [looks.text_center.value(ws, i), looks.text.text(ws, unit.name)]
            for status in unit.statuses:
                look = looks.missing if status == Status.MISSING else looks.text_center
                cells.append(look.text(ws, L.STATUS_SHORT[status]))
            sheet.append(cells, fit=(1,))


def write_months(
    sheet: Sheet,
    looks: Looks,
    heading: Heading,
    columns: list[Column],
    months: list[tuple[int, int]],
    breakdown: Breakdown,
    units_done: dict[tuple[int, int], str],
    comparisons: list[Comparison],
) -> None:
    """Figures month by month, their total for the review, and rows comparing it with the
    previous period and the same period a year before (the change as a formula)."""
    ws = sheet.ws
    n_fig = len(columns)
    widths = [34, *[10] * n_fig, 15]
    sheet.set_widths(widths)
    ws.freeze_panes = "B5"
    print_setup(ws, "3:4", widths)
    ncols = len(widths)
    sheet.append([looks.title.text(ws, L.MONTHS_TITLE.format(label=heading.label.upper()))], 24)
    merge(ws, 1, 1, ncols)
    sheet.append([looks.note.text(ws, f"{heading.period_line}. {heading.scope_line}")], 32)
    merge(ws, 2, 1, ncols)
    top: list[Any] = [looks.head_top.text(ws, L.MONTHS_HEAD)]
    c = 2
    for kind, run in groupby(columns, key=lambda column: column.kind):
        width = len(list(run))
        top.append(looks.head.text(ws, kind))
        top += [looks.head.text(ws, None) for _ in range(width - 1)]
        merge(ws, 3, c, c + width - 1)
        c += width
    top.append(looks.head_top.text(ws, L.UNITS_DONE))
    sheet.append(top, 34)
    bottom = [looks.head_bottom.text(ws, None)]
    bottom += [looks.head.text(ws, column.label) for column in columns]
    bottom.append(looks.head_bottom.text(ws, None))
    sheet.append(bottom, 48)
    first = sheet.row + 1
    for year, month in months:
        values = breakdown.months.get((year, month)) or [0] * n_fig
        cells: list[Any] = [looks.text.text(ws, L.MONTH.format(month=month, year=year))]
        cells += [looks.number.value(ws, v) for v in values]
        cells.append(looks.text_center.text(ws, units_done.get((year, month))))
        sheet.append(cells)
    last = sheet.row
    total_row = last + 1
    total: list[Any] = [looks.total.text(ws, L.THIS_TOTAL.format(label=heading.label))]
    for i in range(n_fig):
        letter = col(2 + i)
        formula = f"=SUM({letter}{first}:{letter}{last})" if months else 0
        total.append(looks.total_number.value(ws, formula))
    total.append(looks.total.text(ws, None))
    sheet.append(total, 20)
    for comparison, what in zip(comparisons, (L.WHAT_BEFORE, L.WHAT_YEAR_BEFORE), strict=False):
        name = L.BEFORE if what == L.WHAT_BEFORE else L.YEAR_BEFORE
        row = sheet.row + 1
        cells = [looks.text.text(ws, name.format(label=comparison.label))]
        cells += [looks.number.value(ws, v) for v in comparison.totals]
        cells.append(looks.text.text(ws, None))
        sheet.append(cells, fit=(0,))
        change: list[Any] = [looks.text.text(ws, L.CHANGE.format(what=what))]
        for i in range(n_fig):
            letter = col(2 + i)
            this, then = f"{letter}{total_row}", f"{letter}{row}"
            change.append(looks.change.value(ws, f'=IF({then}>0,{this}/{then}-1,"")'))
        change.append(looks.text.text(ws, None))
        sheet.append(change, fit=(0,))


def write_topics(
    sheet: Sheet,
    looks: Looks,
    heading: Heading,
    topic_names: dict[str, str],
    breakdown: Breakdown,
) -> None:
    """Activities, broadcast sessions and minutes per directive topic; then reports and
    quantities per form (banners, slogans...; cell meetings, village meetings...)."""
    ws = sheet.ws
    widths = [5, 60, 13, 13, 13]
    sheet.set_widths(widths)
    ws.freeze_panes = "A4"
    print_setup(ws, "3:3", widths)
    sheet.append([looks.title.text(ws, L.TOPICS_TITLE.format(label=heading.label.upper()))], 24)
    merge(ws, 1, 1, 5)
    sheet.append([looks.note.text(ws, f"{heading.period_line}. {heading.scope_line}")], 32)
    merge(ws, 2, 1, 5)
    heads = [L.STT, L.TOPIC, L.ACTIVITIES, L.TOPIC_SESSIONS, L.TOPIC_MINUTES]
    sheet.append([looks.head.text(ws, h) for h in heads], 34)
    order = list(topic_names) + [c for c in breakdown.topics if c not in topic_names]
    n = 0
    for code in order:
        count = breakdown.topics.get(code)
        if count is None:
            continue
        n += 1
        sheet.append(
            [
                looks.text_center.value(ws, n),
                looks.text.text(ws, topic_names.get(code, code)),
                looks.number.value(ws, count.activities),
                looks.number.value(ws, count.sessions),
                looks.number.value(ws, count.minutes),
            ],
            fit=(1,),
        )
    if not n:
        sheet.append([None, looks.d_empty.text(ws, L.NO_REPORTS), None, None, None])
    sheet.append([])
    sheet.append([looks.subtitle.text(ws, L.FORMS_TITLE)], 20)
    merge(ws, sheet.row, 1, 5)
    form_heads = [L.STT, L.FORM, L.REPORT_COUNT, L.FORM_COUNT]
    sheet.append([looks.head.text(ws, h) for h in form_heads], 22)
    n = 0
    for kind, forms in groupby(breakdown.forms.items(), key=lambda kv: kv[0][0]):
        blank = looks.group_center.text(ws, None)
        sheet.append([blank, looks.group.text(ws, kind), blank, blank], fit=(1,))
        for (_, form), per_form in forms:
            n += 1
            sheet.append(
                [
                    looks.text_center.value(ws, n),
                    looks.text.text(ws, form),
                    looks.number.value(ws, per_form.activities),
                    looks.number.value(ws, per_form.quantity),
                ],
                fit=(1,),
            )
    if not breakdown.forms:
        sheet.append([None, looks.d_empty.text(ws, L.NO_REPORTS), None, None])
