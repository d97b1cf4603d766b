"""The report workbook of a period (or a date range) for a unit subtree.

Sheets: "Tổng hợp" (the official summary), one detail sheet per activity kind, and for a period
"Chưa báo cáo" and "Biểu đồ". Activities are read a page of units at a time and streamed into the
detail sheets while the summary's figures add up; the summary is written last, though it is the
first sheet, since write-only sheets each stream to their own file."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from exports import labels as L
from exports.details import DetailSheet, sheet_title
from exports.figures import Figure, Kind, figures_for, load_kinds
from exports.layout import Looks, Sheet
from exports.lines import Column, Group, Heading, Letterhead, UnitLine
from exports.missing import write_chart, write_missing
from exports.summary import write_summary
from models import Period, Topic, Unit
from models.export_data import (
    activity_rows,
    reminders_sent,
    reporter_contacts,
    reporting_units,
    unit_names,
)
from models.queries import Status, tree_order, unit_statuses
from models.review import UnitReview, closed_units, unit_reviews


@dataclass(frozen=True)
class ReportScope:
    start: date
    end: date
    period: Period | None  # None: a date range, summed by activity date
    root: Unit | None  # None: every unit
    label: str  # the period or range as people say it ("tháng 11/2026")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    units: int
    activities: int
    missing: int


async def _unit_lines(scope: ReportScope) -> list[UnitLine]:
    if scope.period is not None:
        statuses = await unit_statuses(scope.period, scope.root)  # already in tree order
        reviews = await unit_reviews(scope.period.id, scope.root)
        return [
            UnitLine(
                s.unit_id,
                s.name,
                s.parent_id,
                s.status,
                s.reported_at,
                review=_review(reviews.get(s.unit_id)),
            )
            for s in statuses
        ]
    # A range may span several periods, or part of one: no single period's status describes it.
    units = await reporting_units(scope.root)
    units.sort(key=lambda u: tree_order(u.path))
    return [UnitLine(u.id, u.name, u.parent_id, None, None) for u in units]


def _review(review: UnitReview | None) -> str:
    if review is None:
        return ""
    return L.ALL_APPROVED if review.all_approved else L.NOT_APPROVED


def _groups(
    lines: list[UnitLine], parents: dict[int, str], closed: Collection[int] = ()
) -> list[Group]:
    groups: dict[int | None, Group] = {}
    for line in lines:
        group = groups.get(line.parent_id)
        if group is None:
            name = parents.get(line.parent_id, L.NO_PARENT) if line.parent_id else L.NO_PARENT
            group = groups[line.parent_id] = Group(
                line.parent_id, name, closed=line.parent_id in closed
            )
        group.units.append(line)
    return list(groups.values())


class _Figures:
    """Key figures added up per unit and kind while the activities stream past."""

    def __init__(self, kinds: list[Kind]) -> None:
        self.of_kind: dict[int, list[Figure]] = {k.id: figures_for(k) for k in kinds}
        self.totals: dict[int, dict[int, list[int]]] = {}

    def add(self, unit_id: int, kind_id: int, data: dict[str, object]) -> None:
        figures = self.of_kind.get(kind_id)
        if not figures:
            return
        per_kind = self.totals.setdefault(unit_id, {})
        acc = per_kind.get(kind_id)
        if acc is None:
            acc = per_kind[kind_id] = [0] * len(figures)
        for i, figure in enumerate(figures):
            acc[i] += figure.of(data)

    def row(self, unit_id: int, kinds: list[Kind]) -> list[int]:
        per_kind = self.totals.get(unit_id, {})
        out: list[int] = []
        for k in kinds:
            out += per_kind.get(k.id) or [0] * len(self.of_kind[k.id])
        return out


async def write_report(
    path: Path, scope: ReportScope, letterhead: Letterhead, today: date
) -> ExportResult:
    kinds = await load_kinds()
    topics = {code: name for code, name in await Topic.all().values_list("code", "name")}
    lines = await _unit_lines(scope)
    parents = await unit_names(line.parent_id for line in lines if line.parent_id)
    closed = await closed_units(scope.period.id) if scope.period else {}
    groups = _groups(lines, parents, closed)
    heading = Heading(
        label=scope.label,
        scope=scope.root.name if scope.root else L.ALL_UNITS,
        made_on=today,
        deadline=scope.period.deadline if scope.period else None,
    )
    units = {line.id: (group.name, line.name) for group in groups for line in group.units}

    wb = Workbook(write_only=True)
    summary = Sheet(wb.create_sheet(L.SUMMARY_SHEET))
    looks = Looks(summary.ws)
    taken = {t.lower() for t in (L.SUMMARY_SHEET, L.MISSING_SHEET, L.CHART_SHEET)}
    details: dict[int, DetailSheet] = {}

    def detail(kind: Kind) -> DetailSheet:
        sheet = details.get(kind.id)
        if sheet is None:
            ws = wb.create_sheet(sheet_title(kind.name, taken))
            sheet = details[kind.id] = DetailSheet(Sheet(ws), looks, kind, heading, topics, units)
        return sheet

    kinds_by_id = {k.id: k for k in kinds}
    for kind in kinds:
        if kind.active and kind.fields:
            detail(kind)
    figures = _Figures(kinds)
    count = 0
    async for row in activity_rows(
        list(units),
        period_id=scope.period.id if scope.period else None,
        start=scope.start,
        end=scope.end,
    ):
        of_row = kinds_by_id.get(row.kind_id)
        if of_row is None:
            continue
        detail(of_row).add(row)
        figures.add(row.unit_id, row.kind_id, row.data)
        count += 1
        if count % 500 == 0:
            await asyncio.sleep(0)  # a big export must not hold up the chat turns for seconds

    # A retired kind still shows where this scope has reports of it.
    shown = [k for k in kinds if k.id in details]
    columns = [Column(k.name, f.label) for k in shown for f in figures.of_kind[k.id]]
    for line in lines:
        line.figures = figures.row(line.id, shown)
    write_summary(summary, looks, letterhead, heading, columns, groups)
    for sheet in details.values():
        sheet.close()
    if scope.period is not None:
        contacts = await reporter_contacts(scope.root)
        reminders = await reminders_sent(scope.period.id, scope.root)
        missing_sheet = Sheet(wb.create_sheet(L.MISSING_SHEET))
        write_missing(missing_sheet, looks, heading, groups, contacts, reminders)
        write_chart(Sheet(wb.create_sheet(L.CHART_SHEET)), looks, heading, groups)

    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    # Zipping the sheets takes a while on a big export; keep the event loop (the chat) free.
    await asyncio.to_thread(wb.save, part)
    os.replace(part, path)
    missing = sum(1 for line in lines if line.status == Status.MISSING)
    return ExportResult(path, len(lines), count, missing)
