"""The completeness grid: every unit of a subtree × the periods of a year, in three statements
for the whole year (units, activities grouped by unit and period, nil reports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from models.entities import Period, Unit
from models.periods import PeriodBounds, ReportRules, bounds_for, end_of_day_utc
from models.queries import _dt, fetch, subtree_prefix, tree_order


class Cell(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    NIL = "nil"
    MISSING = "missing"
    NOT_DUE = "not_due"  # not reported, and the deadline has not passed yet


REPORTED = (Cell.ON_TIME, Cell.LATE, Cell.NIL)


@dataclass
class Tally:
    """A group's counts for one period: its reporting units by status."""

    counts: dict[Cell, int] = field(default_factory=lambda: dict.fromkeys(Cell, 0))

    @property
    def due(self) -> int:
        return sum(self.counts.values()) - self.counts[Cell.NOT_DUE]

    @property
    def reported(self) -> int:
        return sum(self.counts[c] for c in REPORTED)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

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
    cells: list[Cell | None]  # a reporting unit's status per period
    tallies: list[Tally]  # a group's counts per period (its whole subtree)
    children: int = 0


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


async def year_grid(root: Unit, year: int, rules: ReportRules, today: date) -> Grid:
    periods = year_bounds(year, rules)
    index = {p.start.isoformat(): i for i, p in enumerate(periods)}
    prefix = subtree_prefix(root)
    units = await fetch(
        "SELECT id, code, name, parent_id, path, depth, reports FROM units "
        "WHERE active = ? AND path LIKE ?",
        [True, prefix],
    )
    ids = await Period.filter(start__gte=periods[0].start, start__lte=periods[-1].start).values(
        "id", "start"
    )
    column = {r["id"]: index[_key(r["start"])] for r in ids if _key(r["start"]) in index}
    first: dict[tuple[int, int], datetime] = {}
    nil: set[tuple[int, int]] = set()
    if column:
        marks = ",".join("?" * len(column))
        for r in await fetch(
            f"""SELECT a.unit_id, a.period_id, MIN(a.created_at) AS first_at
            FROM activities a JOIN units u ON u.id = a.unit_id
            WHERE a.period_id IN ({marks}) AND a.deleted_at IS NULL AND u.path LIKE ?
            GROUP BY a.unit_id, a.period_id""",
            [*column, prefix],
        ):
            at = _dt(r["first_at"])
            if at is not None:
                first[(r["unit_id"], column[r["period_id"]])] = at
        for r in await fetch(
            f"""SELECT n.unit_id, n.period_id FROM nil_reports n JOIN units u ON u.id = n.unit_id
            WHERE n.period_id IN ({marks}) AND u.path LIKE ?""",
            [*column, prefix],
        ):
            nil.add((r["unit_id"], column[r["period_id"]]))

    deadlines = [end_of_day_utc(p.deadline) for p in periods]
    due = [today > p.deadline for p in periods]
    n = len(periods)
    rows = [
        GridRow(
            unit_id=u["id"],
            code=u["code"],
            name=u["name"],
            parent_id=u["parent_id"],
            path=u["path"],
            depth=u["depth"],
            reports=bool(u["reports"]),
            cells=[None] * n,
            tallies=[Tally() for _ in range(n)],
        )
        for u in sorted(units, key=lambda u: tree_order(u["path"]))
    ]
    by_id = {r.unit_id: r for r in rows}
    for row in rows:
        parent = by_id.get(row.parent_id) if row.parent_id is not None else None
        if parent is not None:
            parent.children += 1
        if not row.reports:
            continue
        # The tallies of the unit's ancestors inside the subtree (and its own).
        chain = [by_id[int(p)].tallies for p in row.path.strip("/").split("/") if int(p) in by_id]
        uid = row.unit_id
        for i in range(n):
            at = first.get((uid, i))
            if at is not None:
                cell = Cell.ON_TIME if at < deadlines[i] else Cell.LATE
            elif (uid, i) in nil:
                cell = Cell.NIL
            else:
                cell = Cell.MISSING if due[i] else Cell.NOT_DUE
            row.cells[i] = cell
            for tallies in chain:
                tallies[i].counts[cell] += 1
    return Grid(year, periods, rows, today)
