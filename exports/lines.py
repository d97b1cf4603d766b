"""The plain values the sheets are written from, gathered once from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from exports import labels as L
from models.queries import Status


@dataclass(frozen=True)
class Letterhead:
    """The issuing board as the settings name it (BOARD_NAME, BOARD_PLACE)."""

    board: str = "BAN TUYÊN GIÁO"
    place: str = ""


@dataclass(frozen=True)
class Heading:
    """What the sheets say about themselves: the scope, the period or range, the day made."""

    label: str  # "tháng 11/2026", or "01/03/2026 - 15/03/2026" for a range
    scope: str  # the subtree root's name, or "tất cả các đơn vị"
    made_on: date
    deadline: date | None  # None for a date range: no period, no deadline, no status

    @property
    def scope_line(self) -> str:
        return L.SCOPE_LINE.format(unit=self.scope)

    @property
    def period_line(self) -> str:
        if self.deadline is None:
            return L.RANGE_LINE.format(label=self.label)
        return L.PERIOD_LINE.format(label=self.label, deadline=L.dd_mm_yyyy(self.deadline))


@dataclass
class UnitLine:
    id: int
    name: str
    parent_id: int | None
    status: Status | None  # None for a date range
    reported_at: datetime | None
    figures: list[int] = field(default_factory=list)  # one per summary column, in order
    review: str = ""  # for a period: whether all the unit's reports are approved

    @property
    def reported(self) -> bool:
        return self.status is not None and self.status != Status.MISSING


@dataclass
class Group:
    """Reporting units under one parent, as the summary groups them."""

    parent_id: int | None
    name: str
    units: list[UnitLine] = field(default_factory=list)
    closed: bool = False  # the parent (a commune) has closed the period's figures

    def count(self, status: Status) -> int:
        return sum(1 for u in self.units if u.status == status)

    @property
    def done(self) -> int:
        return sum(1 for u in self.units if u.reported)


@dataclass(frozen=True)
class Column:
    """A key-figure column of the summary: which kind, which figure."""

    kind: str
    label: str
