"""The plain values the sheets are written from, gathered once from the database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from exports import labels as L
from models.queries import Status


@dataclass(frozen=True)
class Letterhead:
    """Who issues the document, in the party format (Hướng dẫn 36-HD/VPTW): the superior body
    over the issuing body at top left, the number's symbol, the place, and who signs. bot/
    resolves one per issuing unit from the settings (a commune signs its own)."""

    body: str = "BAN TUYÊN GIÁO VÀ DÂN VẬN"  # the issuing body, printed bold
    superior: str = ""  # the body above it ("TỈNH ỦY BẮC VÂN"), printed plain
    symbol: str = "BTGDVTU"  # "Số      -BC/<symbol>"
    place: str = ""
    authority: str = "K/T TRƯỞNG BAN"  # T/M (a collective body) or K/T (a deputy for the head)
    title: str = "PHÓ TRƯỞNG BAN"
    signer: str = ""  # the name under the signature; empty: left for the signer to write
    recipients: tuple[str, ...] = ("Lưu.",)
    name: str = "Ban Tuyên giáo và Dân vận"  # the issuing body as a sentence names it


@dataclass(frozen=True)
class Heading:
    """What the sheets say about themselves: the scope, the period or range, the day made."""

    label: str  # "tháng 11/2026", or "01/03/2026 - 15/03/2026" for a range
    scope: str  # the subtree root's name, or "tất cả các đơn vị"
    made_on: date
    deadline: date | None  # None for a date range: no period, no deadline, no status
    # A review (quarter, half-year, year): its first and last day and the short names of the
    # reporting periods inside it, each with a status per unit.
    review: tuple[date, date] | None = None
    periods: tuple[str, ...] = ()

    @property
    def scope_line(self) -> str:
        return L.SCOPE_LINE.format(unit=self.scope)

    @property
    def period_line(self) -> str:
        if self.review is not None:
            first, last = (L.dd_mm_yyyy(d) for d in self.review)
            return L.MULTI_LINE.format(label=self.label, first=first, last=last)
        if self.deadline is None:
            return L.RANGE_LINE.format(label=self.label)
        return L.PERIOD_LINE.format(label=self.label, deadline=L.dd_mm_yyyy(self.deadline))


@dataclass
class UnitLine:
    id: int
    name: str
    parent_id: int | None
    status: Status | None  # None for a date range or a review
    reported_at: datetime | None
    figures: list[int] = field(default_factory=list)  # one per summary column, in order
    nil: bool = False  # reported "không phát sinh" (a late one has status LATE)
    statuses: list[Status] = field(default_factory=list)  # a review: one per period
    review: str = ""  # for a period: whether all the unit's reports are approved

    @property
    def reported(self) -> bool:
        if self.statuses:
            return Status.MISSING not in self.statuses
        return self.status is not None and self.status not in (Status.MISSING, Status.NOT_DUE)

    @property
    def missing(self) -> bool:
        return self.status == Status.MISSING or Status.MISSING in self.statuses


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
