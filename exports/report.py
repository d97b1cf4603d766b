"""The report workbook of a period, a review (quarter, half-year, year) or a date range for a
unit subtree, and beside it, when asked, the narrative report (.docx).

Sheets: "Tổng hợp" (the official summary), one detail sheet per activity kind, counts per topic
and form; for a period "Chưa báo cáo" and "Biểu đồ"; for a review the statuses period by period
and the figures month by month with comparisons. Activities are read a page of units at a time
and streamed into the detail sheets while the figures add up; the summary is written last,
though it is the first sheet, since write-only sheets each stream to their own file."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from exports import labels as L
from exports.breakdown import (
    Comparison,
    write_months,
    write_periods,
    write_topics,
)
from exports.details import DetailSheet, sheet_title
from exports.figures import Kind, load_kinds
from exports.layout import Looks, Sheet, times_new_roman
from exports.lines import Column, Group, Heading, Letterhead, UnitLine
from exports.missing import write_chart, write_contacts, write_missing
from exports.summary import write_summary
from exports.tally import Counts, Figures, ReportData, best_units, comparison, units_of_kind
from models import Period, Topic, Unit
from models.export_data import (
    activity_rows,
    reminders_sent,
    reporter_contacts,
    reporting_units,
    unit_names,
)
from models.periods import ReportRules, Span, period_for, periods_within
from models.queries import Status, tree_order, unit_statuses
from models.review import UnitReview, closed_units, unit_reviews


@dataclass(frozen=True)
class Review:
    """A quarter, half-year or year: its reporting periods (each gives every unit a status) and
    the spans it is compared with."""

    periods: tuple[Period, ...]
    period_names: tuple[str, ...]  # "T10/2026", as the columns show them
    before: tuple[date, date, str] | None = None  # (first day, last day, label)
    year_before: tuple[date, date, str] | None = None


@dataclass(frozen=True)
class ReportScope:
    start: date
    end: date
    period: Period | None  # None: a date range or a review, summed by activity date
    root: Unit | None  # None: every unit
    label: str  # the period or range as people say it ("tháng 11/2026", "quý IV/2026")
    review: Review | None = None  # a quarter, half-year or year


@dataclass(frozen=True)
class ExportResult:
    path: Path
    units: int
    activities: int
    missing: int
    docx: Path | None = None


async def _unit_lines(scope: ReportScope, today: date) -> list[UnitLine]:
    if scope.period is not None:
        statuses = await unit_statuses(scope.period, scope.root, today)  # in tree order
        reviews = await unit_reviews(scope.period.id, scope.root)
        return [
            UnitLine(
                s.unit_id,
                s.name,
                s.parent_id,
                s.status,
                s.reported_at,
                nil=s.activities == 0 and s.nil_at is not None,
                review=_review(reviews.get(s.unit_id)),
            )
            for s in statuses
        ]
    # A range may span several periods, or part of one: no single period's status describes it.
    units = await reporting_units(scope.root)
    units.sort(key=lambda u: tree_order(u.path))
    lines = [UnitLine(u.id, u.name, u.parent_id, None, None) for u in units]
    if scope.review is not None:
        per_period = []
        for period in scope.review.periods:
            statuses = await unit_statuses(period, scope.root, today)
            per_period.append({s.unit_id: s.status for s in statuses})
        for line in lines:
            line.statuses = [p.get(line.id, Status.MISSING) for p in per_period]
    return lines


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


async def write_report(
    path: Path,
    scope: ReportScope,
    letterhead: Letterhead,
    today: date,
    *,
    internal: bool = False,
    docx: Path | None = None,
    media_dir: Path | None = None,
) -> ExportResult:
    """The workbook at `path`; with `docx`, the narrative report there too. `internal` adds the
    sheet with the missing units' phone numbers, which must not leave the board."""
    kinds = await load_kinds()
    topics = {code: name for code, name in await Topic.all().values_list("code", "name")}
    lines = await _unit_lines(scope, today)
    parents = await unit_names(line.parent_id for line in lines if line.parent_id)
    closed = await closed_units(scope.period.id) if scope.period else {}
    groups = _groups(lines, parents, closed)
    review = scope.review
    heading = Heading(
        label=scope.label,
        scope=scope.root.name if scope.root else L.ALL_UNITS,
        made_on=today,
        deadline=scope.period.deadline if scope.period else None,
        review=(scope.start, scope.end) if review else None,
        periods=review.period_names if review else (),
    )
    units = {line.id: (group.name, line.name) for group in groups for line in group.units}
    group_of = {line.id: group.parent_id for group in groups for line in group.units}

    wb = Workbook(write_only=True)
    times_new_roman(wb)
    summary = Sheet(wb.create_sheet(L.SUMMARY_SHEET))
    looks = Looks(summary.ws)
    fixed = (L.SUMMARY_SHEET, L.MISSING_SHEET, L.CHART_SHEET, L.PERIODS_SHEET, L.MONTHS_SHEET,
             L.TOPICS_SHEET, L.CONTACTS_SHEET)  # fmt: skip
    taken = {t.lower() for t in fixed}
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
    figures = Figures(kinds, by_month=review is not None)
    counts = Counts(kinds, photos=docx is not None)
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
        figures.add(row.unit_id, row.kind_id, row.activity_date, row.data)
        counts.add(row.kind_id, row.data)
        if counts.want_photos:
            counts.photo(group_of.get(row.unit_id), units[row.unit_id][1], row.activity_date,
                         row.kind_id, row.data)  # fmt: skip
        count += 1
        if count % 500 == 0:
            await asyncio.sleep(0)  # a big export must not hold up the chat turns for seconds

    # A retired kind still shows where this scope has reports of it.
    shown = [k for k in kinds if k.id in details]
    columns = [Column(k.name, f.label) for k in shown for f in figures.of_kind[k.id]]
    for line in lines:
        line.figures = figures.row(figures.totals.get(line.id, {}), shown)
    write_summary(summary, looks, letterhead, heading, columns, groups)
    for sheet in details.values():
        sheet.close()
    write_topics(Sheet(wb.create_sheet(L.TOPICS_SHEET)), looks, heading, topics, counts.breakdown)
    contacts: dict[int, list[tuple[str, str]]] = {}
    if scope.period is not None or review is not None:
        contacts = await reporter_contacts(scope.root)
    if scope.period is not None:
        reminders = await reminders_sent(scope.period.id, scope.root)
        missing_sheet = Sheet(wb.create_sheet(L.MISSING_SHEET))
        write_missing(missing_sheet, looks, heading, groups, contacts, reminders)
        write_chart(Sheet(wb.create_sheet(L.CHART_SHEET)), looks, heading, groups)
    comparisons: list[Comparison] = []
    if review is not None:
        if review.periods:
            write_missing(Sheet(wb.create_sheet(L.MISSING_SHEET)), looks, heading, groups,
                          contacts, {})  # fmt: skip
            write_periods(Sheet(wb.create_sheet(L.PERIODS_SHEET)), looks, heading, groups)
        unit_ids = list(units)
        for span in (review.before, review.year_before):
            if span is not None:
                comparisons.append(await comparison(span, unit_ids, figures, shown))
        months = _months(scope.start, scope.end)
        counts.breakdown.months = {
            m: figures.row(per_kind, shown) for m, per_kind in figures.months.items()
        }
        done = _done_per_month(review, lines)
        write_months(Sheet(wb.create_sheet(L.MONTHS_SHEET)), looks, heading, columns, months,
                     counts.breakdown, done, comparisons)  # fmt: skip
    if internal and (scope.period is not None or review is not None):
        write_contacts(Sheet(wb.create_sheet(L.CONTACTS_SHEET)), looks, heading, groups, contacts)

    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    # Zipping the sheets takes a while on a big export; keep the event loop (the chat) free.
    await asyncio.to_thread(wb.save, part)
    os.replace(part, path)
    missing = sum(1 for line in lines if line.missing)
    docx_path = None
    if docx is not None:
        from exports.narrative import write_narrative  # python-docx only when asked for

        data = ReportData(
            letterhead=letterhead,
            heading=heading,
            kinds=shown,
            columns=columns,
            figures={k.id: figures.of_kind[k.id] for k in shown},
            groups=groups,
            units_of_kind=units_of_kind(figures, shown),
            best=best_units(figures, shown, units),
            comparisons=comparisons,
            breakdown=counts.breakdown,
            topic_names=topics,
            photos={
                (parents.get(g, L.NO_PARENT) if g else L.NO_PARENT): p
                for g, p in counts.photos.items()
                if p
            },
        )
        docx_path = await write_narrative(docx, data, media_dir)
    return ExportResult(path, len(lines), count, missing, docx_path)


async def review_scope(
    span: Span, root: Unit | None, rules: ReportRules, label_of: Callable[[date, date], str]
) -> ReportScope:
    """The scope of a quarter, half-year or year, built from the reporting periods inside it
    whatever their length (`PERIOD_MONTHS`), compared with the span before and a year before."""
    periods = [await period_for(b.start, rules) for b in periods_within(span, rules)]
    before, year_before = span.before(), span.year_before()
    review = Review(
        periods=tuple(periods),
        period_names=tuple(L.short_period(p.start, p.end) for p in periods),
        before=(before.start, before.end, label_of(before.start, before.end)),
        year_before=(year_before.start, year_before.end,
                     label_of(year_before.start, year_before.end)),
    )  # fmt: skip
    return ReportScope(span.start, span.end, None, root, label_of(span.start, span.end), review)


def _months(start: date, end: date) -> list[tuple[int, int]]:
    out, (y, m) = [], (start.year, start.month)
    while (y, m) <= (end.year, end.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _done_per_month(review: Review, lines: list[UnitLine]) -> dict[tuple[int, int], str]:
    """Units that reported in each monthly period of the review: "7/8"."""
    out: dict[tuple[int, int], str] = {}
    for i, period in enumerate(review.periods):
        if period.start.month != period.end.month or period.start.year != period.end.year:
            continue  # a longer period has no month of its own
        statuses = [u.statuses[i] for u in lines]
        done = sum(1 for s in statuses if s not in (Status.MISSING, Status.NOT_DUE))
        text = f"{done}/{len(lines)}"
        if Status.NOT_DUE in statuses:
            text += L.NOT_DUE_NOTE
        out[(period.start.year, period.start.month)] = text
    return out
