"""The key figures of each activity kind: the numbers the summary sheet adds up per unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from exports import labels as L
from models import ActivityKind
from models.export_data import form_quantities


@dataclass(frozen=True)
class Kind:
    id: int
    code: str
    name: str
    fields: list[dict[str, Any]]
    active: bool

    def field(self, key: str) -> dict[str, Any] | None:
        return next((f for f in self.fields if f.get("key") == key), None)


@dataclass(frozen=True)
class Figure:
    label: str
    field: str | None = None  # None: counts the reports
    only: tuple[str, str] | None = None  # (form field, form): the quantity of that form only

    def of(self, data: dict[str, Any]) -> int:
        if self.only is not None:
            return form_quantities(data, self.only[0], self.field).get(self.only[1], 0)
        if self.field is None:
            return 1
        value = data.get(self.field)
        if isinstance(value, dict):  # several forms, each with its quantity: all of them
            return sum(form_quantities(data, self.field, None).values())
        # A hand-edited or legacy row may hold anything; only whole numbers count.
        return value if isinstance(value, int) and not isinstance(value, bool) else 0


async def load_kinds() -> list[Kind]:
    return [
        Kind(k.id, k.code, k.name, list(k.fields_spec or []), k.active)
        for k in await ActivityKind.all()
    ]


def _seed_figures(kind: Kind) -> list[Figure] | None:
    """The columns the board's summary form has for the three kinds of the directive."""
    if kind.code == "phat_thanh":
        return [Figure(L.SESSIONS, "sessions"), Figure(L.BROADCAST_MINUTES, "minutes")]
    if kind.code == "co_dong":
        forms = kind.field("forms")
        if forms is not None and forms.get("type") == "forms":
            return [Figure(str(o), "forms", ("forms", str(o))) for o in forms.get("options", [])]
        form = kind.field("form")
        # Slogans, banners, panels, posters: one column per form, from the kind's own options.
        options = [str(o) for o in (form or {}).get("options", [])]
        return [Figure(o, "quantity", ("form", o)) for o in options] or None
    if kind.code == "hoi_hop":
        return [Figure(L.MEETINGS), Figure(L.ATTENDEES, "attendees")]
    return None


def figures_for(kind: Kind) -> list[Figure]:
    seeded = _seed_figures(kind)
    if seeded and all(f.field is None or kind.field(f.field) for f in seeded):
        return seeded
    sums = [f for f in kind.fields if f.get("sum") and f.get("type") in ("int", "forms")]
    if not sums:
        return [Figure(L.REPORT_COUNT)]
    return [Figure(field_label(f), f["key"]) for f in sums]


def field_label(f: dict[str, Any]) -> str:
    """A field's label as a column heading: with its unit when the label does not say it
    ("Tổng thời lượng (phút)", but "Số buổi phát" as it is)."""
    label = str(f.get("label") or f.get("key", ""))
    unit = str(f.get("unit") or "")
    if f.get("type") == "int" and unit and unit.lower() not in label.lower():
        return f"{label} ({unit})"
    return label
