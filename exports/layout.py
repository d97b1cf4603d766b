"""Looks and print setup shared by the report's sheets: Times New Roman as official papers use,
thin borders, A4 landscape fitted to the page width with the header rows repeated."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from exports import labels as L
from exports.safety import text_cell

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
GREY = PatternFill("solid", fgColor="E7E6E6")
LIGHT = PatternFill("solid", fgColor="F2F2F2")
NUMBER = "#,##0"


def font(size: float = 11, **kw: Any) -> Font:
    return Font(name=FONT, size=size, **kw)


class Look:
    """A cell style resolved once and stamped on many cells. Setting font, border and alignment
    cell by cell looks each up in the workbook's style tables, which would dominate the time of a
    100,000-row export."""

    def __init__(self, ws: WriteOnlyWorksheet, **style: Any) -> None:
        probe = WriteOnlyCell(ws)
        for name, value in style.items():
            setattr(probe, name, value)
        self._style = probe._style

    def _stamp(self, cell: WriteOnlyCell) -> WriteOnlyCell:
        # Shared, not copied: writing a cell only reads its style.
        cell._style = self._style
        return cell

    def text(self, ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
        """Any text, ours or a user's: it never becomes a formula."""
        return self._stamp(text_cell(ws, value))

    def value(self, ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
        """A number, a date or a formula we wrote ourselves."""
        # Styled before the value is set: a date then finds its format already there.
        cell = self._stamp(WriteOnlyCell(ws))
        cell.value = value
        return cell


class Looks:
    """The styles of one workbook, made once (style ids belong to the workbook). Every cell is
    Times New Roman, no smaller than 9 points as printed (see print_setup's scale), top-aligned
    and padded so that a number never touches the next cell."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        center = Alignment(horizontal="center", vertical="top", wrap_text=True)
        middle = Alignment(horizontal="center", vertical="center", wrap_text=True)
        left = Alignment(horizontal="left", vertical="top", wrap_text=True, indent=1)
        right = Alignment(horizontal="right", vertical="top", indent=1)
        plain_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        self.superior = Look(ws, font=font(12), alignment=center)
        self.letterhead = Look(ws, font=font(12, bold=True), alignment=center)
        self.party = Look(ws, font=font(12, bold=True, underline="single"), alignment=center)
        self.plain_center = Look(ws, font=font(12), alignment=center)
        self.dateline = Look(ws, font=font(12, italic=True), alignment=center)
        self.title = Look(ws, font=font(14, bold=True), alignment=center)
        self.subtitle = Look(ws, font=font(12, bold=True), alignment=center)
        self.note = Look(ws, font=font(12, italic=True), alignment=center)
        self.head = Look(ws, font=font(11, bold=True), alignment=middle, border=BOX, fill=GREY)
        self.head_top = Look(
            ws,
            font=font(11, bold=True),
            alignment=middle,
            fill=GREY,
            border=Border(left=THIN, right=THIN, top=THIN),
        )
        self.head_bottom = Look(
            ws,
            font=font(11, bold=True),
            alignment=middle,
            fill=GREY,
            border=Border(left=THIN, right=THIN, bottom=THIN),
        )
        self.text = Look(ws, font=font(), alignment=left, border=BOX)
        self.text_center = Look(ws, font=font(), alignment=center, border=BOX)
        self.number = Look(ws, font=font(), alignment=right, border=BOX, number_format=NUMBER)
        self.date = Look(ws, font=font(), alignment=center, border=BOX, number_format=L.DATE_FORMAT)
        self.datetime = Look(
            ws, font=font(), alignment=center, border=BOX, number_format=L.DATETIME_FORMAT
        )
        self.group = Look(ws, font=font(bold=True), alignment=left, border=BOX, fill=LIGHT)
        self.group_center = Look(ws, font=font(bold=True), alignment=center, border=BOX, fill=LIGHT)
        self.group_number = Look(
            ws, font=font(bold=True), alignment=right, border=BOX, fill=LIGHT, number_format=NUMBER
        )
        self.total = Look(ws, font=font(bold=True), alignment=center, border=BOX, fill=GREY)
        self.total_number = Look(
            ws, font=font(bold=True), alignment=right, border=BOX, fill=GREY, number_format=NUMBER
        )
        self.missing = Look(ws, font=font(bold=True, color="C00000"), alignment=center, border=BOX)
        self.late = Look(ws, font=font(italic=True), alignment=center, border=BOX)
        self.percent = Look(ws, font=font(), alignment=right, border=BOX, number_format="0%")
        self.total_percent = Look(
            ws, font=font(bold=True), alignment=right, border=BOX, fill=GREY, number_format="0%"
        )
        self.change = Look(ws, font=font(italic=True), alignment=right, border=BOX,
                           number_format='+0%;-0%;0%')  # fmt: skip
        self.sign_bold = Look(ws, font=font(12, bold=True), alignment=center)
        self.sign_name = Look(ws, font=font(13, bold=True), alignment=center)
        self.recipients_head = Look(
            ws, font=font(12, bold=True, italic=True, underline="single"), alignment=plain_left
        )
        self.recipients = Look(ws, font=font(10), alignment=plain_left)
        self.legend = Look(ws, font=font(10, italic=True), alignment=plain_left)
        # Detail sheets hold one row per report, up to a hundred thousand: each look is stamped
        # on many cells, and a text or number that repeats reuses its cell.
        self.d_title = Look(ws, font=font(13, bold=True), alignment=center)
        self.d_note = Look(ws, font=font(italic=True), alignment=center)
        self.d_head = Look(ws, font=font(bold=True), alignment=middle, border=BOX, fill=GREY)
        self.d_text = Look(ws, font=font(), alignment=plain_left, border=BOX)
        self.d_number = Look(ws, font=font(), alignment=right, border=BOX)
        self.d_date = Look(ws, font=font(), alignment=center, border=BOX,
                           number_format=L.DATE_FORMAT)  # fmt: skip
        self.d_datetime = Look(ws, font=font(), alignment=center, border=BOX,
                               number_format=L.DATETIME_FORMAT)  # fmt: skip
        self.d_empty = Look(ws, font=font(italic=True), alignment=center, border=BOX)


def col(n: int) -> str:
    return get_column_letter(n)


def merge(ws: WriteOnlyWorksheet, row: int, first: int, last: int) -> None:
    if last > first:
        ws.merged_cells.add(f"{col(first)}{row}:{col(last)}{row}")


PRINT_WIDTH = 842 - 0.35 * 2 * 72  # points across a landscape A4 page, within the margins
PRINT_HEIGHT = 595 - (0.5 + 0.6) * 72  # points down it, within the top and bottom margins


def column_points(widths: Sequence[float]) -> float:
    """Printed width of columns at 100 %: a width unit is 7 pixels plus 5 of padding, at 96 dpi."""
    return sum((w * 7 + 5) * 0.75 for w in widths)


def print_scale(widths: Sequence[float]) -> int:
    """The zoom that fits the columns across the page: set, not left to "fit to width", so that
    the printed size of the text is known (at least 9 points: the sheets keep 11-point text at
    82 % or more) and so is where each page ends."""
    return max(10, min(100, int(PRINT_WIDTH / column_points(widths) * 100)))


def print_setup(ws: WriteOnlyWorksheet, title_rows: str, widths: Sequence[float]) -> int:
    """A4 landscape at the scale that fits `widths` across, as many pages long as needed, the
    table's header repeated on every page, page numbers in the footer, no gridlines (cells carry
    their borders). Call before the first row. Returns the scale."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    scale = print_scale(widths)
    ws.page_setup.scale = scale
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.35
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.2
    ws.page_margins.footer = 0.25
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = L.FOOTER
    ws.oddFooter.center.font = f"{FONT},Regular"
    ws.oddFooter.center.size = 12  # scaled with the page: 9 points or more as printed
    return scale


def times_new_roman(wb: Any) -> None:
    """The workbook's default font (of cells without a style of their own, and of the column
    width unit) set to Times New Roman 11, as party documents are typed."""
    default = Font(name=FONT, size=11)
    wb._fonts = type(wb._fonts)([default])
    wb._named_styles["Normal"].font = default


LINE_HEIGHT = 15.0  # points per line of 11-point text
CHARS_PER_WIDTH = 1.2  # Times New Roman letters per unit of column width (a Calibri "0")


def chars_per_line(width: float) -> int:
    return max(1, int(width * CHARS_PER_WIDTH) - 2)  # less the cell's padding and indent


def lines_for(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` wide, word by word."""
    per_line = chars_per_line(width)
    if len(text) <= per_line and "\n" not in text:
        return 1
    total = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            size = len(word)
            if used and used + 1 + size > per_line:
                lines, used = lines + 1, 0
            used += (1 if used else 0) + size
            while used > per_line:  # a word longer than the line breaks anywhere
                lines, used = lines + 1, used - per_line
        total += lines
    return total


class Sheet:
    """A write-only sheet that knows which row it is on (formulas point at rows) and its column
    widths (rows of wrapped text are made tall enough: neither a write-only sheet nor LibreOffice
    sizes them on opening)."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.row = 0
        self.widths: list[float] = []
        self.heights: list[float] | None = None  # kept when pages are to be laid out

    def track_heights(self) -> None:
        self.heights = []

    def set_widths(self, widths: Sequence[float]) -> None:
        """Before the first row: write-only sheets write their columns with the first row."""
        self.widths = list(widths)
        for i, width in enumerate(widths, 1):
            self.ws.column_dimensions[col(i)].width = width

    def append(self, cells: list[Any], height: float | None = None, fit: Sequence[int] = ()) -> int:
        """Append a row; `fit`: indexes of the wrapping text cells the height must make room for."""
        self.row += 1
        if fit and height is None:
            lines = 1
            for i in fit:
                value, width = getattr(cells[i], "value", None), self.widths[i]
                if type(value) is str and (len(value) > width or "\n" in value):
                    lines = max(lines, lines_for(value, width))
            if lines > 1:
                height = LINE_HEIGHT * lines + 4
        if self.heights is not None:
            height = height if height is not None else LINE_HEIGHT + 2
            self.heights.append(height)
        if height is None:
            self.ws.append(cells)
        else:
            # The writer only copies the row's XML attributes from this mapping: a plain dict
            # does, at a fraction of the cost of a RowDimension, on sheets where most rows wrap.
            self.ws.row_dimensions[self.row] = {"ht": str(height), "customHeight": "1"}
            self.ws.append(cells)
            # The row is written by now; a kept entry per row would grow with the sheet.
            del self.ws.row_dimensions[self.row]
        return self.row
