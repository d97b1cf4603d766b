"""What an export adds up while the activities stream past: the key figures per unit and kind
(and per month for a review), counts per topic and form, a few photos per commune; and the
values the narrative report is drafted from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from exports import labels as L
from exports.breakdown import Breakdown, Comparison, FormCount, TopicCount
from exports.figures import Figure, Kind, figures_for
from exports.lines import Column, Group, Heading, Letterhead, UnitLine
from models.export_data import activity_rows, form_quantities

PHOTOS_PER_GROUP = 3  # representative photos per commune in the narrative's photo appendix


@dataclass(frozen=True)
class Photo:
    sha256: str
    unit: str
    day: date
    kind: str


@dataclass
class ReportData:
    """Everything the narrative report is drafted from, gathered by the workbook's one pass."""

    letterhead: Letterhead
    heading: Heading
    kinds: list[Kind]  # the kinds shown, in order
    columns: list[Column]
    figures: dict[int, list[Figure]]  # kind id -> its figures (columns of the summary)
    groups: list[Group]
    units_of_kind: dict[int, int]  # kind id -> units with at least one report of it
    best: dict[int, tuple[str, str, int]]  # kind id -> (unit, which figure, value), the highest
    comparisons: list[Comparison]
    breakdown: Breakdown
    topic_names: dict[str, str]
    photos: dict[str, list[Photo]] = field(default_factory=dict)  # group name -> photos

    @property
    def lines(self) -> list[UnitLine]:
        return [u for g in self.groups for u in g.units]

    def totals(self) -> list[int]:
        sums = [0] * len(self.columns)
        for line in self.lines:
            for i, v in enumerate(line.figures):
                sums[i] += v
        return sums


class Figures:
    """Key figures added up per unit and kind while the activities stream past, and for a review
    per month too."""

    def __init__(self, kinds: list[Kind], by_month: bool) -> None:
        self.of_kind: dict[int, list[Figure]] = {k.id: figures_for(k) for k in kinds}
        self.totals: dict[int, dict[int, list[int]]] = {}
        self.by_month = by_month
        self.months: dict[tuple[int, int], dict[int, list[int]]] = {}

    def add(self, unit_id: int, kind_id: int, day: date, data: dict[str, Any]) -> None:
        figures = self.of_kind.get(kind_id)
        if not figures:
            return
        per_kind = self.totals.setdefault(unit_id, {})
        acc = per_kind.get(kind_id)
        if acc is None:
            acc = per_kind[kind_id] = [0] * len(figures)
        values = [figure.of(data) for figure in figures]
        for i, v in enumerate(values):
            acc[i] += v
        if self.by_month:
            month = self.months.setdefault((day.year, day.month), {})
            macc = month.setdefault(kind_id, [0] * len(figures))
            for i, v in enumerate(values):
                macc[i] += v

    def row(self, per_kind: dict[int, list[int]], kinds: list[Kind]) -> list[int]:
        out: list[int] = []
        for k in kinds:
            out += per_kind.get(k.id) or [0] * len(self.of_kind[k.id])
        return out


class Counts:
    """Per topic and per form, and a few photos per group for the narrative."""

    def __init__(self, kinds: list[Kind], photos: bool) -> None:
        self.breakdown = Breakdown()
        self.forms: dict[int, tuple[str, str | None]] = {}  # kind id -> (form key, quantity key)
        for k in kinds:
            # A "hình thức" field (several forms, a quantity each), or one chosen form.
            form = next((f for f in k.fields if f.get("type") == "forms"), None) or k.field("form")
            if form is None:
                continue
            quantity = "quantity" if k.field("quantity") else None
            self.forms[k.id] = (str(form["key"]), quantity)
            for option in form.get("options") or []:
                self.breakdown.forms[(k.name, str(option))] = FormCount()
        self.names = {k.id: k.name for k in kinds}
        self.photo_keys = {k.id: [f["key"] for f in k.fields if f.get("type") == "photos"]
                           for k in kinds}  # fmt: skip
        self.want_photos = photos
        self.photos: dict[int | None, list[Photo]] = {}

    def add(self, kind_id: int, data: dict[str, Any]) -> None:
        topics = data.get("topics")
        if isinstance(topics, list):
            sessions, minutes = data.get("sessions"), data.get("minutes")
            for code in topics:
                if not isinstance(code, str):
                    continue
                count = self.breakdown.topics.get(code)
                if count is None:
                    count = self.breakdown.topics[code] = TopicCount()
                count.activities += 1
                if type(sessions) is int:
                    count.sessions += sessions
                if type(minutes) is int:
                    count.minutes += minutes
        form = self.forms.get(kind_id)
        if form is not None:
            for label, n in form_quantities(data, *form).items():
                key = (self.names[kind_id], label)
                count_f = self.breakdown.forms.get(key)
                if count_f is None:
                    count_f = self.breakdown.forms[key] = FormCount()
                count_f.activities += 1
                count_f.quantity += n

    def photo(self, group: int | None, unit: str, day: date, kind_id: int, data: dict) -> None:
        taken = self.photos.setdefault(group, [])
        if len(taken) >= PHOTOS_PER_GROUP or any(p.unit == unit for p in taken):
            return
        for key in self.photo_keys.get(kind_id, ()):
            shas = data.get(key)
            if isinstance(shas, list) and shas and isinstance(shas[0], str):
                taken.append(Photo(shas[0], unit, day, self.names[kind_id]))
                return


async def comparison(
    span: tuple[date, date, str], unit_ids: list[int], figures: Figures, kinds: list[Kind]
) -> Comparison:
    """The summary's figures over another span (the previous period, the year before)."""
    other = Figures(kinds, by_month=False)
    async for row in activity_rows(unit_ids, start=span[0], end=span[1]):
        other.add(0, row.kind_id, row.activity_date, row.data)
    return Comparison(span[2], figures.row(other.totals.get(0, {}), kinds))


def units_of_kind(figures: Figures, kinds: list[Kind]) -> dict[int, int]:
    out = {k.id: 0 for k in kinds}
    for per_kind in figures.totals.values():
        for kind_id in per_kind:
            if kind_id in out:
                out[kind_id] += 1
    return out


def best_units(
    figures: Figures, kinds: list[Kind], units: dict[int, tuple[str, str]]
) -> dict[int, tuple[str, str, int]]:
    """Per kind, the unit with the highest figure that measures work (sessions, attendees; the
    sum of the forms' quantities), rather than a count of reports: (unit, what, value)."""
    out: dict[int, tuple[str, str, int]] = {}
    for kind in kinds:
        of_kind = figures.of_kind[kind.id]
        if all(f.only for f in of_kind):
            pick, what = None, L.FORM_COUNT
        else:
            pick = next((i for i, f in enumerate(of_kind) if f.field), 0)
            what = of_kind[pick].label
        for unit_id, per_kind in figures.totals.items():
            values = per_kind.get(kind.id)
            if not values:
                continue
            value = sum(values) if pick is None else values[pick]
            if value > 0 and (kind.id not in out or value > out[kind.id][2]):
                out[kind.id] = (units.get(unit_id, ("", ""))[1], what.lower(), value)
    return out
