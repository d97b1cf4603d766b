"""One sheet per activity kind: every report as it was given, one row each, with who sent it, when
it arrived, when it was last edited and the photos it carries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from exports import labels as L
from exports.figures import Kind, field_label
from exports.layout import (
    LINE_HEIGHT,
    Looks,
    Sheet,
    chars_per_line,
    col,
    lines_for,
    merge,
    print_setup,
)
from exports.lines import Heading
from models.export_data import ActivityRow
from models.periods import VN_TZ

HEAD_ROW = 3
# Narrow enough that a kind's sheet prints at 82 % or more (11-point text at 9 or more).
WIDTHS = {"int": 7, "date": 10, "choice": 12, "topics": 22, "text": 14, "place": 14}
MEMO_SIZE = 5000  # texts remembered per column: enough for names and topics, bounded for notes


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\ ."""
    base = re.sub(r"[\[\]:*?/\\]", " ", name).strip(" '") or "Sheet"
    title, n = base[:31], 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def local(dt: datetime) -> datetime:
    """Vietnam's wall-clock time without a zone: what Excel can hold and what the board reads."""
    return dt.astimezone(VN_TZ).replace(tzinfo=None)


class DetailSheet:
    """Rows stay plain values as far as they can: a text that fits on its line is written as a
    plain string, and only a longer one becomes a wrapping cell that makes its row taller."""

    def __init__(
        self,
        sheet: Sheet,
        looks: Looks,
        kind: Kind,
        heading: Heading,
        topics: dict[str, str],
        units: dict[int, tuple[str, str]],  # unit id -> (parent name, unit name)
    ) -> None:
        self.sheet, self.ws, self.looks = sheet, sheet.ws, looks
        self.topics, self.units = topics, units
        self.count = 0
        self._lines = 1
        self._dates: dict[date, Any] = {}
        self._topics: dict[tuple[Any, ...], str] = {}
        date_field = next(
            (f for f in kind.fields if f.get("type") == "date" and f.get("key") == "date"), None
        )
        date_label = date_field["label"] if date_field else L.ACTIVITY_DATE
        self.photo_keys = [f["key"] for f in kind.fields if f.get("type") == "photos"]
        self.fields = [f for f in kind.fields if f is not date_field and f.get("type") != "photos"]
        heads = [L.STT, L.RECEIPT, L.PARENT, L.UNIT, date_label]
        heads += [field_label(f) for f in self.fields]
        heads += [L.REPORTER, L.RECEIVED, L.EDITED, L.VERSION]
        widths = [5, 10, 13, 15, 10]
        widths += [WIDTHS.get(f.get("type", ""), 14) for f in self.fields]
        widths += [13, 15, 15, 5]  # "dd/mm/yyyy hh:mm" needs 15
        if self.photo_keys:
            heads.append(L.PHOTOS)
            widths.append(5)
        self.ncols = len(heads)
        self.per_line = [chars_per_line(w) for w in widths]
        self._memo: list[dict[str, tuple[Any, int, bool]]] = [{} for _ in widths]
        self._numbers: dict[int, Any] = {}
        self._blank = looks.d_text.text(sheet.ws, None)  # an empty cell with its border
        self.writers = [self._writer(5 + i, f) for i, f in enumerate(self.fields)]
        self.reporter_col = 5 + len(self.fields)

        ws = self.ws
        sheet.set_widths(widths)
        ws.freeze_panes = f"E{HEAD_ROW + 1}"
        print_setup(ws, f"{HEAD_ROW}:{HEAD_ROW}", widths)
        title = L.DETAIL_TITLE.format(kind=kind.name.upper(), label=heading.label)
        sheet.append([looks.d_title.text(ws, title)], 24)
        merge(ws, 1, 1, self.ncols)
        sheet.append([looks.d_note.text(ws, heading.scope_line)], 18)
        merge(ws, 2, 1, self.ncols)
        # Bold headings are wider than body text: measure them in a narrower column.
        head_lines = max(lines_for(h, w * 0.85) for h, w in zip(heads, widths, strict=True))
        sheet.append([looks.d_head.text(ws, h) for h in heads], LINE_HEIGHT * head_lines + 4)

    def _text(self, col: int, value: Any) -> Any:
        if value is None or value == "" or value == [] or value == {}:
            return self._blank
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        elif isinstance(value, dict):  # the forms of one report: "Băng rôn: 3; Khẩu hiệu: 2"
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        elif not isinstance(value, str):
            value = str(value)
        memo = self._memo[col]
        known = memo.get(value)
        if known is None:
            known = self._new_text(col, value)
            if known[2]:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                memo[value] = known
        cell, lines, _ = known
        if lines > self._lines:
            self._lines = lines
        return cell

    def _new_text(self, col: int, value: str) -> tuple[Any, int, bool]:
        """(what to write, lines it takes, whether it may be written again in later rows).
        Names, topics and choices repeat from row to row; a styled cell serves every row that
        shows the same text, since each row is written out as soon as it is appended."""
        if len(value) <= self.per_line[col] and "\n" not in value:
            lines = 1
        else:
            lines = lines_for(value, self.sheet.widths[col])
        return self.looks.d_text.text(self.ws, value), lines, True

    def _number(self, value: int) -> Any:
        cell = self._numbers.get(value)
        if cell is None:
            cell = self.looks.d_number.value(self.ws, value)
            if len(self._numbers) < MEMO_SIZE:
                self._numbers[value] = cell
        return cell

    def _date(self, day: date) -> Any:
        cell = self._dates.get(day)
        if cell is None:
            cell = self._dates[day] = self.looks.d_date.value(self.ws, day)
        return cell

    def _writer(self, col: int, f: dict[str, Any]) -> Callable[[Any], Any]:
        kind = f.get("type")
        if kind == "int":
            return lambda v: self._number(v) if type(v) is int else self._text(col, v)
        if kind == "date":

            def as_date(value: Any) -> Any:
                try:
                    return self._date(date.fromisoformat(value))
                except (TypeError, ValueError):
                    return self._text(col, value)

            return as_date
        if kind == "topics":
            names, known = self.topics, self._topics

            def topics(value: Any) -> Any:
                if not isinstance(value, list):
                    return self._text(col, value)
                try:
                    key = tuple(value)
                    joined = known.get(key)
                except TypeError:  # a hand-edited row with something unhashable in it
                    key, joined = None, None
                if joined is None:
                    joined = "; ".join(
                        str(names.get(c, c)) if isinstance(c, str) else str(c) for c in value
                    )
                    if key is not None:
                        known[key] = joined
                return self._text(col, joined)

            return topics
        if kind == "place":  # a typed place, or a pin sent from the phone

            def place(value: Any) -> Any:
                if isinstance(value, dict) and "lat" in value and "lon" in value:
                    value = L.PIN.format(lat=value["lat"], lon=value["lon"])
                return self._text(col, value)

            return place
        return lambda v: self._text(col, v)

    def add(self, row: ActivityRow) -> None:
        ws, looks = self.ws, self.looks
        self.count += 1
        self._lines = 1
        parent, unit = self.units.get(row.unit_id, ("", ""))
        data = row.data
        cells: list[Any] = [
            self._number(self.count),
            looks.d_text.text(ws, f"BC-{row.id:06d}"),  # as Activity.receipt writes it
            self._text(2, parent),
            self._text(3, unit),
            self._date(row.activity_date),
        ]
        cells += [
            write(data.get(f["key"])) for f, write in zip(self.fields, self.writers, strict=True)
        ]
        cells += [
            self._text(self.reporter_col, row.reporter),
            looks.d_datetime.value(ws, local(row.created_at)),
            looks.d_datetime.value(ws, local(row.edited_at)) if row.edited_at else self._blank,
            self._number(row.version),
        ]
        if self.photo_keys:
            photos = sum(len(v) for k in self.photo_keys if isinstance(v := data.get(k), list))
            cells.append(self._number(photos))
        height = LINE_HEIGHT * self._lines + 2 if self._lines > 1 else None
        self.sheet.append(cells, height)

    def close(self) -> None:
        if self.count:
            self.ws.auto_filter.ref = f"A{HEAD_ROW}:{col(self.ncols)}{self.sheet.row}"
        else:
            self.sheet.append([self.looks.d_empty.text(self.ws, L.NO_REPORTS)], LINE_HEIGHT + 4)
            merge(self.ws, self.sheet.row, 1, self.ncols)
