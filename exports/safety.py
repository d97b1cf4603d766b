"""No user text ever becomes a formula in a workbook we write.

openpyxl reads any string starting with "=" as a formula; a cell whose type is forced to string is
written as plain text whatever it starts with (=, +, -, @, tab, carriage return).

Nor does any stored string stop a workbook: characters XML cannot carry (control characters, lone
surrogates, U+FFFE/U+FFFF) are dropped from text as it is written. The chat cleans text before
it is stored; this covers what came in by other ways (an import, an older version)."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def writable(value: str) -> str:
    return UNWRITABLE.sub("", value) if UNWRITABLE.search(value) else value


def text_cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A cell for a value that came from a user: text stays text."""
    if isinstance(value, str):
        value = writable(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def text_value(ws: WriteOnlyWorksheet, value: str) -> str | WriteOnlyCell:
    """User text for a row of plain values: the string itself when it cannot start a formula
    (openpyxl then writes it as a string, exactly as text_cell would), else a text cell. A cell
    object per string costs a third more time on a 100,000-row sheet."""
    value = writable(value)
    if value.startswith(FORMULA_STARTS):
        return text_cell(ws, value)
    return value
