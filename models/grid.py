"""The completeness grid: every unit of a subtree × the periods of a year, in six statements
for the whole year, run at once (units, each group's counts, activities grouped by unit and
period, nil reports, unit-months with a report not yet approved, closed periods)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from tortoise import connections

from models.entities import Period, Unit
from models.periods import PeriodBounds, ReportRules, bounds_for, end_of_day_utc
from models.queries import _dt, fetch, fetch_rows, subtree_prefix, tree_order
from models.review import ReviewState


class Cell(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NIL = "nil"
    MISSING = "missing"
    NOT_DUE = "not_due"  # not reported, and the deadline has not passed yet


CELLS = list(Cell)  # a cell's index in this list is its code in a row's counts
ON_TIME, LATE, NIL, MISSING, NOT_DUE = range(len(CELLS))
K = len(CELLS)


@dataclass(frozen=True)
class Tally:
    """A group's counts for one period: its reporting units (whole subtree) by status."""

    on_time: int
    late: int
    nil: int
    missing: int
    not_due: int

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.nil + self.missing + self.not_due

    @property
    def due(self) -> int:
        return self.total - self.not_due

    @property
    def reported(self) -> int:
        return self.on_time + self.late + self.nil

    @property
    def rate(self) -> int | None:
        """Per cent of the due units that reported; None while nothing is due."""
        due = self.due
        return round(100 * self.reported / due) if due else None


@dataclass
class GridRow:
    unit_id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    reports: bool
    codes: list[int]  # a reporting unit's status per period, as indexes of CELLS
    counts: list[int]  # its subtree's units by period and status: counts[period * K + code]
    children: int = 0
    # Periods (indexes) whose live reports are all approved (a reporting unit shown), and
    # periods whose figures this unit has closed ("chốt số liệu").
    approved: set[int] = field(default_factory=set)
    closed: set[int] = field(default_factory=set)

    @property
    def cells(self) -> list[Cell]:
        return [CELLS[c] for c in self.codes]

    def tally(self, period: int) -> Tally:
        return Tally(*self.counts[period * K : (period + 1) * K])

    @property
    def tallies(self) -> list[Tally]:
        return [self.tally(i) for i in range(len(self.counts) // K)]


@dataclass
class Grid:
    year: int
    periods: list[PeriodBounds]
    rows: list[GridRow]
    today: date


def year_bounds(year: int, rules: ReportRules) -> list[PeriodBounds]:
    out = [bounds_for(date(year, 1, 1), rules)]
    while out[-1].end.year == year and out[-1].end < date(year, 12, 31):
        out.append(bounds_for(date.fromordinal(out[-1].end.toordinal() + 1), rules))
    return out


def _key(start: Any) -> str:
    return str(start)[:10]


# Reported on time: before the end of the deadline day in Vietnam (UTC+7 all year, no DST).
_ON_TIME = {
    "postgres": "a.created_at < (p.deadline + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'",
    "sqlite": "datetime(a.created_at) < datetime(p.deadline, '+1 day', '-7 hours')",
}


def _counts_sql(dialect: str, marks: str) -> str:
    """Reporting units by parent, period and status (0 on time, 1 late, 2 nil), counted by the
    database: the page's groups need these, not 36,000 rows."""
    subtree = "u.path LIKE ? AND u.reports = ? AND u.active = ?"
    return f"""
        SELECT x.parent_id, x.period_id, x.code, COUNT(*)
        FROM (
            SELECT u.parent_id, a.unit_id, a.period_id,
                   MIN(CASE WHEN {_ON_TIME[dialect]} THEN 0 ELSE 1 END) AS code
            FROM activities a JOIN periods p ON p.id = a.period_id
            JOIN units u ON u.id = a.unit_id
            WHERE a.period_id IN ({marks}) AND a.deleted_at IS NULL AND {subtree}
            GROUP BY u.parent_id, a.unit_id, a.period_id
            UNION ALL
            SELECT u.parent_id, n.unit_id, n.period_id, 2
            FROM nil_reports n JOIN units u ON u.id = n.unit_id
            WHERE n.period_id IN ({marks}) AND {subtree} AND NOT EXISTS (
                SELECT 1 FROM activities a WHERE a.unit_id = n.unit_id
                AND a.period_id = n.period_id AND a.deleted_at IS NULL)
        ) x
        GROUP BY x.parent_id, x.period_id, x.code"""


async def year_grid(
    root: Unit, year: int, rules: ReportRules, today: date, leaf_depth: int | None = None
) -> Grid:
    """Every unit under `root` × the periods of `year`: each group's counts by status (counted
    in the database), and the status of each reporting unit down to `leaf_depth` (None: all)."""
    periods = year_bounds(year, rules)
    index = {p.start.isoformat(): i for i, p in enumerate(periods)}
    prefix = subtree_prefix(root)
    ids = await Period.filter(start__gte=periods[0].start, start__lte=periods[-1].start).values(
        "id", "start"
    )
    column = {r["id"]: index[_key(r["start"])] for r in ids if _key(r["start"]) in index}
    marks = ",".join("?" * len(column)) or "NULL"
    deepest = 32767 if leaf_depth is None else leaf_depth  # depth is a SMALLINT
    dialect = connections.get("default").capabilities.dialect
    # The reads are independent: on PostgreSQL they run at once on the pool's connections.
    units, counted, activities, nils, unapproved, closings = await asyncio.gather(
        fetch(
            "SELECT id, code, name, parent_id, path, depth, reports FROM units "
            "WHERE active = ? AND path LIKE ?",
            [True, prefix],
        ),
        fetch_rows(
            _counts_sql(dialect, marks), [*column, prefix, True, True, *column, prefix, True, True]
        ),
        fetch_rows(
            f"""SELECT a.unit_id, a.period_id, MIN(a.created_at)
            FROM activities a JOIN units u ON u.id = a.unit_id
            WHERE a.period_id IN ({marks}) AND a.deleted_at IS NULL AND u.path LIKE ?
              AND u.depth <= ?
            GROUP BY a.unit_id, a.period_id""",
            [*column, prefix, deepest],
        ),
        fetch_rows(
            f"""SELECT n.unit_id, n.period_id FROM nil_reports n JOIN units u ON u.id = n.unit_id
            WHERE n.period_id IN ({marks}) AND u.path LIKE ? AND u.depth <= ?""",
            [*column, prefix, deepest],
        ),
        # Unit-months with a live report waiting or sent back (no review row: approved).
        fetch_rows(
            f"""SELECT DISTINCT a.unit_id, a.period_id
            FROM activities a JOIN units u ON u.id = a.unit_id
            JOIN reviews r ON r.activity_id = a.id
            WHERE a.period_id IN ({marks}) AND a.deleted_at IS NULL AND r.state <> ?
              AND u.path LIKE ? AND u.depth <= ?""",
            [*column, ReviewState.APPROVED.value, prefix, deepest],
        ),
        fetch_rows(
            f"""SELECT c.unit_id, c.period_id FROM closings c JOIN units u ON u.id = c.unit_id
            WHERE c.period_id IN ({marks}) AND c.closed = ? AND u.path LIKE ? AND u.depth <= ?""",
            [*column, True, prefix, deepest],
        ),
    )
    # In UTC like the driver's values: datetimes of one tzinfo compare without utcoffset() calls.
    deadlines = [end_of_day_utc(p.deadline).astimezone(UTC) for p in periods]
    unreported = [MISSING if today > p.deadline else NOT_DUE for p in periods]
    n = len(periods)
    # Each period's id by index (None: no row yet, so nothing reported in it).
    column_ids: list[int | None] = [None] * n
    for pid, i in column.items():
        column_ids[i] = pid
    # The shown reporting units' codes, from the rows as they come (no dict per row).
    codes_of: dict[int, list[int]] = {}
    for uid, pid, first_at in activities:
        codes = codes_of.get(uid)
        if codes is None:
            codes = codes_of[uid] = list(unreported)
        i = column[pid]
        at = first_at if isinstance(first_at, datetime) else _dt(first_at)  # SQLite: text
        codes[i] = ON_TIME if at is not None and at < deadlines[i] else LATE
    for uid, pid in nils:
        codes = codes_of.get(uid)
        if codes is None:
            codes = codes_of[uid] = list(unreported)
        i = column[pid]
        if codes[i] >= MISSING:  # a report of that period outranks the nil
            codes[i] = NIL

    rows = [
        GridRow(
            unit_id=u["id"],
            code=u["code"],
            name=u["name"],
            parent_id=u["parent_id"],
            path=u["path"],
            depth=u["depth"],
            reports=bool(u["reports"]),
            codes=[],
            counts=[0] * (n * K),
        )
        for u in sorted(units, key=lambda u: tree_order(u["path"]))
    ]
    by_id = {r.unit_id: r for r in rows}
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        if parent is None:
            continue
        parent.children += 1
        if row.reports:  # every reporting child counts as not reported until the counts say
            for i, c in enumerate(unreported):
                parent.counts[i * K + c] += 1
        if row.reports and row.depth <= deepest:
            row.codes = codes_of.get(row.unit_id) or list(unreported)
    for parent_id, pid, code, number in counted:
        parent = by_id.get(parent_id)
        if parent is not None and pid in column:
            i = column[pid]
            parent.counts[i * K + code] += number
            parent.counts[i * K + unreported[i]] -= number
    for row in rows:
        if row.reports and not row.codes and row.depth <= deepest:
            row.codes = codes_of.get(row.unit_id) or list(unreported)  # the root, if it reports
    waiting = {(uid, pid) for uid, pid in unapproved}
    for row in rows:
        if not row.codes:  # a group, or a reporting unit below the levels shown
            continue
        for i, (c, pid) in enumerate(zip(row.codes, column_ids, strict=True)):
            if c in (ON_TIME, LATE) and (row.unit_id, pid) not in waiting:
                row.approved.add(i)
    for uid, pid in closings:
        closed = by_id.get(uid)
        if closed is not None and pid in column:
            closed.closed.add(column[pid])
    for row in sorted((r for r in rows if r.children), key=lambda r: -r.depth):
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        if parent is not None:
            parent.counts = [a + b for a, b in zip(parent.counts, row.counts, strict=True)]
    return Grid(year, periods, rows, today)
