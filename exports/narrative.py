"""The narrative report (.docx) in the party format (Hướng dẫn 36-HD/VPTW), drafted from the
figures of the workbook: I. results per kind, II. shortcomings, III. a "phương hướng" paragraph
the board rewrites; then the table as its appendix and a few photos per commune."""

from __future__ import annotations

import asyncio
import io
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from exports import narrative_text as N
from exports.labels import PARTY, place_and_date
from models.export_data import media_paths
from models.queries import Status

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import _Cell

    from exports.tally import Photo, ReportData

log = logging.getLogger(__name__)

FONT = "Times New Roman"
THUMB_PX = 480  # longest side of a photo in the appendix: sharp at 7.5 cm, a few dozen KB
MAX_PHOTOS = 60  # the whole photo appendix stays well under Zalo OA's 5 MB for a file
LIST_NAMES = 15  # units named in a sentence before "và N đơn vị khác"


async def write_narrative(path: Path, data: ReportData, media_dir: Path | None) -> Path:
    """Write the .docx at `path` (atomically) and return it."""
    thumbs: dict[str, bytes] = {}
    photos = [p for group in data.photos.values() for p in group][:MAX_PHOTOS]
    if photos and media_dir is not None:
        stored = await media_paths(p.sha256 for p in photos)
        thumbs = await asyncio.to_thread(_thumbnails, stored, media_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    await asyncio.to_thread(_build, part, data, thumbs)
    os.replace(part, path)
    return path


def _thumbnails(stored: dict[str, str], media_dir: Path) -> dict[str, bytes]:
    from PIL import Image, ImageOps

    out: dict[str, bytes] = {}
    for sha, relative in stored.items():
        try:
            with Image.open(media_dir / relative) as opened:
                img = ImageOps.exif_transpose(opened)  # a phone's portrait photo stands upright
                img.thumbnail((THUMB_PX, THUMB_PX))
                buf = io.BytesIO()
                img.convert("RGB").save(buf, "JPEG", quality=72, optimize=True)
                out[sha] = buf.getvalue()
        except (OSError, ValueError) as e:  # a missing or unreadable file: leave it out
            log.warning("photo %s left out of the report: %s", sha[:12], e)
    return out


# -- document helpers --------------------------------------------------------------------


def _font(run: Any, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # Word reads the East Asian font slot for Vietnamese in some set-ups: name it there too.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _para(
    where: Any,
    text: str = "",
    size: float = 14,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
) -> Any:
    p = where.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        run = p.add_run(text)
        _font(run, size, bold, italic)
        run.font.underline = underline
    return p


def _cell_para(cell: _Cell, text: str, size: float, **kw: Any) -> Any:
    """The cell's first paragraph holds the first text; later texts add paragraphs."""
    first = cell.paragraphs[0]
    if not first.runs and not first.text:
        p = first
        p.alignment = kw.pop("align", WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
        if text:
            run = p.add_run(text)
            _font(run, size, kw.get("bold", False), kw.get("italic", False))
            run.font.underline = kw.get("underline", False)
        return p
    kw.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    return _para(cell, text, size, **kw)


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        e.set(qn("w:val"), "nil")
        borders.append(e)
    table._tbl.tblPr.append(borders)


def _tight(table: Any, indent_cm: float) -> None:
    tbl_pr = table._tbl.tblPr
    ind = OxmlElement("w:tblInd")
    ind.set(qn("w:w"), str(int(indent_cm * 567)))  # twentieths of a point per centimetre
    ind.set(qn("w:type"), "dxa")
    tbl_pr.append(ind)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        e = OxmlElement(f"w:{side}")
        e.set(qn("w:w"), "0")
        e.set(qn("w:type"), "dxa")
        margins.append(e)
    tbl_pr.append(margins)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    e = OxmlElement("w:tblHeader")
    e.set(qn("w:val"), "true")
    tr_pr.append(e)


def _keep_row(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    e = OxmlElement("w:cantSplit")
    e.set(qn("w:val"), "true")
    tr_pr.append(e)


def _widths(table: Any, widths: list[float]) -> None:
    """Widths on the grid (what LibreOffice reads) and on every cell (what Word reads)."""
    table.autofit = False
    for column, w in zip(table.columns, widths, strict=False):
        column.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = Cm(w)


# -- the document ------------------------------------------------------------------------


def _build(path: Path, data: ReportData, thumbs: dict[str, bytes]) -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    _page_numbers(section)

    _letterhead(doc, data)
    _para(doc, N.TITLE, 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _para(doc, N.SUBJECT.format(label=data.heading.label), 14, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _para(doc, "-----", 14, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)

    _para(doc, N.INTRO.format(body=data.letterhead.name or N.WE, label=data.heading.label, scope=data.heading.scope),
          indent=True, after=6)  # fmt: skip
    _results(doc, data)
    _shortcomings(doc, data)
    _para(doc, N.H_DIRECTION, bold=True, before=6, after=3)
    for text in N.DIRECTION:
        last = _para(doc, text, indent=True, after=3)
    last.paragraph_format.keep_with_next = True  # the signature never stands alone on a page
    _para(doc, "", 8).paragraph_format.keep_with_next = True
    _signature(doc, data)
    _appendix(doc, data)
    if thumbs:
        _photo_appendix(doc, data, thumbs)
    doc.save(str(path))


def _page_numbers(section: Any) -> None:
    """The page number centred at the top, from the second page on (as party documents do)."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            e = OxmlElement("w:fldChar")
            e.set(qn("w:fldCharType"), kind)
        else:
            e = OxmlElement("w:instrText")
            e.set(qn("xml:space"), "preserve")
            e.text = text
        run._r.append(e)


def _letterhead(doc: DocumentObject, data: ReportData) -> None:
    head = data.letterhead
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.4, 8.7])
    # A little into the wide left margin, without cell padding, as letterheads are set: the
    # issuing body and the place and date each stay on one line.
    _tight(table, indent_cm=-0.6)
    left, right = table.rows[0].cells
    if head.superior:
        _cell_para(left, head.superior, 14)
    _cell_para(left, head.body, 14, bold=True)
    _cell_para(left, "*", 14)
    _cell_para(left, N.NUMBER_LINE.format(symbol=head.symbol), 14)
    _cell_para(right, PARTY, 14, bold=True, underline=True)
    _cell_para(right, "", 14)
    _cell_para(right, place_and_date(head.place, data.heading.made_on), 14, italic=True)


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "0"
    value = round(part * 100 / whole, 1)
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:LIST_NAMES])
    if len(names) > LIST_NAMES:
        shown += N.AND_MORE.format(n=len(names) - LIST_NAMES)
    return shown


def _results(doc: DocumentObject, data: ReportData) -> None:
    lines = data.lines
    total = len(lines)
    _para(doc, N.H_RESULTS, bold=True, before=6, after=3)
    heading = data.heading
    if heading.review is not None and heading.periods:
        full = sum(1 for u in lines if u.reported)
        text = N.REVIEW_DONE.format(full=full, total=total, pct=_pct(full, total))
    elif heading.deadline is not None:
        count = {s: sum(1 for u in lines if u.status == s) for s in Status}
        done = sum(1 for u in lines if u.reported)
        parts = [
            text.format(n=count[status])
            for status, text in ((Status.ON_TIME, N.ON_TIME), (Status.LATE, N.LATE),
                                 (Status.NIL, N.NIL))
            if count[status]
        ]  # fmt: skip
        text = N.PERIOD_DONE.format(done=done, total=total, pct=_pct(done, total))
        text += (N.AMONG + ", ".join(parts) + ".") if parts else "."
        if count[Status.NOT_DUE]:
            text += N.NOT_DUE_YET.format(n=count[Status.NOT_DUE])
    else:
        text = N.RANGE_DONE.format(total=total)
    _para(doc, text, indent=True, after=3)

    totals = data.totals()
    c = 0
    for n, kind in enumerate(data.kinds, 1):
        figures = data.figures[kind.id]
        values = totals[c : c + len(figures)]
        c += len(figures)
        units = data.units_of_kind.get(kind.id, 0)
        parts = [f"{f.label.lower()}: {_number(v)}" for f, v in zip(figures, values, strict=True)]
        text = N.KIND_LINE.format(n=n, kind=kind.name, units=units, total=total,
                                  pct=_pct(units, total), figures="; ".join(parts))  # fmt: skip
        best = data.best.get(kind.id)
        if best is not None:
            text += N.KIND_BEST.format(unit=best[0], what=best[1], value=_number(best[2]))
        _para(doc, text, indent=True, after=3)

    topics = sorted(data.breakdown.topics.items(), key=lambda kv: -kv[1].activities)[:3]
    if topics:
        named = "; ".join(
            N.TOPIC_ITEM.format(topic=data.topic_names.get(code, code), n=count.activities)
            for code, count in topics
        )
        _para(doc, N.TOPICS_LINE.format(topics=named), indent=True, after=3)
    for comparison in data.comparisons:
        parts = []
        for column, now, then in zip(data.columns, totals, comparison.totals, strict=True):
            if then > 0:
                change = round((now - then) * 100 / then)
                word = N.UP if change >= 0 else N.DOWN
                parts.append(f"{column.label.lower()} {word} {abs(change)}%")
        if parts:
            text = N.COMPARED.format(label=comparison.label, parts="; ".join(parts[:4]))
            _para(doc, text, indent=True, after=3)


def _shortcomings(doc: DocumentObject, data: ReportData) -> None:
    _para(doc, N.H_SHORTCOMINGS, bold=True, before=6, after=3)
    missing = [u.name for u in data.lines if u.missing]
    late = [u.name for u in data.lines if u.status == Status.LATE or Status.LATE in u.statuses]
    if missing:
        _para(doc, N.MISSING_LINE.format(n=len(missing), names=_names(missing)), indent=True,
              after=3)  # fmt: skip
    if late:
        _para(doc, N.LATE_LINE.format(n=len(late), names=_names(late)), indent=True, after=3)
    if not missing and not late and data.heading.deadline is not None:
        _para(doc, N.ALL_ON_TIME, indent=True, after=3)
    _para(doc, N.SHORTCOMING_NOTE, indent=True, after=3)


def _signature(doc: DocumentObject, data: ReportData) -> None:
    head = data.letterhead
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    _keep_row(table.rows[0])
    left, right = table.rows[0].cells
    _cell_para(left, N.RECIPIENTS, 12, bold=True, italic=True, underline=True,
               align=WD_ALIGN_PARAGRAPH.LEFT)  # fmt: skip
    for r in head.recipients:
        _cell_para(left, f"- {r}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if head.authority:
        _cell_para(right, head.authority, 14, bold=True)
    if head.title:
        _cell_para(right, head.title, 14, bold=True)
    for _ in range(4):
        _cell_para(right, "", 14)
    _cell_para(right, head.signer, 14, bold=True)


def _landscape(doc: DocumentObject) -> None:
    from docx.enum.section import WD_SECTION

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin, section.bottom_margin = Cm(1.5), Cm(1.5)
    section.left_margin, section.right_margin = Cm(2), Cm(1.5)


def _appendix(doc: DocumentObject, data: ReportData) -> None:
    """The table: one row per commune (one per cell when the report is a commune's own)."""
    _landscape(doc)
    head = data.letterhead
    year = data.heading.made_on.year
    _para(doc, N.APPENDIX, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, N.APPENDIX_SUBJECT.format(label=data.heading.label), 13, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)  # fmt: skip
    _para(doc, N.APPENDIX_OF.format(symbol=head.symbol, year=year, body=head.name or N.WE),
          12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)  # fmt: skip
    by_unit = len(data.groups) == 1
    rows: list[tuple[str, str, list[int], str]] = []
    if by_unit:
        for i, u in enumerate(data.groups[0].units, 1):
            rows.append((str(i), u.name, u.figures, N.DONE_MARK if u.reported else ""))
    else:
        for i, g in enumerate(data.groups, 1):
            sums = [sum(col) for col in zip(*(u.figures for u in g.units), strict=True)]
            rows.append((str(i), g.name, sums or [0] * len(data.columns),
                         f"{g.done}/{len(g.units)}"))  # fmt: skip
    ncols = 2 + len(data.columns) + 1
    table = doc.add_table(rows=2, cols=ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    figure_width = min(2.2, 16.4 / max(1, len(data.columns)))  # 26.2 cm across the page
    _widths(table, [1.4, 6.0, *[figure_width] * len(data.columns), 2.4])
    top, names = table.rows
    _repeat_header(top)
    _repeat_header(names)
    unit_head = N.UNIT if by_unit else N.PARENT
    for cell, text in ((top.cells[0], N.STT), (top.cells[1], unit_head),
                       (top.cells[-1], N.REPORTED if by_unit else N.UNITS_DONE)):  # fmt: skip
        _cell_para(cell, text, 11, bold=True)
    top.cells[0].merge(names.cells[0])
    top.cells[1].merge(names.cells[1])
    top.cells[-1].merge(names.cells[-1])
    c = 2
    for kind in data.kinds:
        width = len(data.figures[kind.id])
        cell = top.cells[c]
        if width > 1:
            cell = cell.merge(top.cells[c + width - 1])
        _cell_para(cell, kind.name, 11, bold=True)
        for f in data.figures[kind.id]:
            _cell_para(names.cells[c], f.label, 10, bold=True)
            c += 1
    totals = data.totals()
    for stt, name, values, done in [*rows, ("", N.TOTAL, totals, "")]:
        row = table.add_row()
        _keep_row(row)
        bold = stt == ""
        _cell_para(row.cells[0], stt, 11, bold=bold)
        _cell_para(row.cells[1], name, 11, bold=bold, align=WD_ALIGN_PARAGRAPH.LEFT)
        for i, v in enumerate(values):
            _cell_para(row.cells[2 + i], _number(v), 11, bold=bold, align=WD_ALIGN_PARAGRAPH.RIGHT)
        _cell_para(row.cells[-1], done, 11, bold=bold)
    _para(doc, N.APPENDIX_NOTE, 11, italic=True, before=6)


def _photo_appendix(doc: DocumentObject, data: ReportData, thumbs: dict[str, bytes]) -> None:
    _para(doc, "", 12).add_run().add_break(WD_BREAK.PAGE)
    _para(doc, N.PHOTOS, 14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, N.APPENDIX_SUBJECT.format(label=data.heading.label), 13, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER, after=8)  # fmt: skip
    shown = 0
    for group, photos in data.photos.items():
        with_image = [p for p in photos if p.sha256 in thumbs]
        if not with_image or shown >= MAX_PHOTOS:
            continue
        _para(doc, group, 13, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, before=6, after=3)
        table = doc.add_table(rows=1, cols=3)
        _no_borders(table)
        _keep_row(table.rows[0])
        for cell, photo in zip(table.rows[0].cells, with_image, strict=False):
            _photo_cell(cell, photo, thumbs[photo.sha256])
            shown += 1


def _photo_cell(cell: _Cell, photo: Photo, thumb: bytes) -> None:
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(thumb), width=Cm(7.5))
    caption = N.PHOTO_CAPTION.format(unit=photo.unit, date=photo.day.strftime("%d/%m/%Y"),
                                     kind=photo.kind)  # fmt: skip
    _para(cell, caption, 11, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
