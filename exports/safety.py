"""No user text ever becomes a formula in a workbook we write.

openpyxl reads any string starting with "=" as a formula; a cell whose type is forced to string is
written as plain text whatever it starts with (=, +, -, @, tab, carriage return)."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(ws: WriteOnlyWorksheet, value: Any, **style: Any) -> WriteOnlyCell:
    """A cell for a value that came from a user: text stays text."""
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell
