"""Directives from an Excel sheet (or the command line's arguments): every row read and checked
first, nothing written if any is wrong, each bad row named in Vietnamese.

Sheet "HuongDan": Số hiệu | Ngày ban hành | Mã đơn vị ban hành | Trích yếu | Tóm tắt | Chủ đề |
                  Từ ngày | Đến ngày | Tệp
Chủ đề: catalogue names (or new names), separated by ";". Tệp: a PDF or DOCX path, optional,
relative to the workbook's folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from tortoise.transactions import in_transaction

from handlers import directive_actions as A
from handlers import directive_input as I
from handlers import texts_directives as D
from handlers.parsing import fold
from models import Directive, Topic, Unit
from models.directives import SUMMARY_MAX

SHEET = "HuongDan"
HEADERS = [
    "Số hiệu",
    "Ngày ban hành",
    "Mã đơn vị ban hành",
    "Trích yếu",
    "Tóm tắt",
    "Chủ đề",
    "Từ ngày",
    "Đến ngày",
    "Tệp",
]


@dataclass
class DirectiveRow:
    """One directive as typed: strings (or the dates Excel already made)."""

    number: str
    issued: Any
    unit_code: str
    title: str
    summary: str
    topics: str
    start: Any
    end: Any
    file: str = ""


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    created: list[tuple[str, int]] = field(default_factory=list)  # (number, people reached)

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> str:
        if self.errors:
            return "Không nhập gì vì có lỗi:\n" + "\n".join(self.errors)
        lines = [f"Đã nhập {len(self.created)} hướng dẫn:"]
        lines += [f"  {n}: xếp lịch gửi tới {k} người" for n, k in self.created]
        return "\n".join(lines)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return I._day(str(value or ""))


def read_sheet(path: Path) -> tuple[list[DirectiveRow], Path]:
    """The sheet's rows, and its folder (where relative file names point)."""
    wb = load_workbook(path, read_only=True, data_only=True)
    if SHEET not in wb.sheetnames:
        raise I.DirectiveError(f"Tệp không có trang {SHEET}.")
    rows = list(wb[SHEET].iter_rows(values_only=True))
    if not rows:
        return [], path.resolve().parent
    heads = [fold(str(h or "")) for h in rows[0]]
    where = {fold(h): heads.index(fold(h)) for h in HEADERS if fold(h) in heads}
    missing = [h for h in HEADERS[:8] if fold(h) not in where]
    if missing:
        raise I.DirectiveError(f"Trang {SHEET} thiếu cột: {', '.join(missing)}.")

    def cell(row: tuple[Any, ...], name: str) -> Any:
        i = where.get(fold(name))
        value = row[i] if i is not None and i < len(row) else None
        return value.strip() if isinstance(value, str) else value

    out = []
    for row in rows[1:]:
        if not any(v not in (None, "") for v in row):
            continue
        text = {h: str(cell(row, h) or "") for h in HEADERS}
        out.append(
            DirectiveRow(
                number=text["Số hiệu"],
                issued=cell(row, "Ngày ban hành"),
                unit_code=text["Mã đơn vị ban hành"],
                title=text["Trích yếu"],
                summary=text["Tóm tắt"],
                topics=text["Chủ đề"],
                start=cell(row, "Từ ngày"),
                end=cell(row, "Đến ngày"),
                file=text["Tệp"],
            )
        )
    return out, path.resolve().parent


def read_file(text: str, base: Path) -> tuple[bytes, str]:
    """A directive's file named in a sheet or on the command line: a PDF or DOCX."""
    path = Path(text.strip()).expanduser()
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        raise I.DirectiveError(f"không thấy tệp {text[:80]}.")
    content = path.read_bytes()
    if I.file_kind(content, path.name) is None:
        raise I.DirectiveError(D.FILE_KIND)
    return content, path.name


async def check_row(
    row: DirectiveRow, today: date, base: Path, media_dir: Path, taken: set[str]
) -> tuple[Unit, A.Draft, bytes | None, str]:
    """The row as a draft (and its file's bytes), or DirectiveError naming what is wrong."""
    number = row.number.strip().upper()
    if not number or len(number) > I.NUMBER_MAX:
        raise I.DirectiveError(D.BAD_NUMBER)
    if number in taken or await Directive.exists(number=number):
        raise I.DirectiveError(D.NUMBER_TAKEN.format(number=number))
    unit = await Unit.get_or_none(code=row.unit_code.strip())
    if unit is None:
        raise I.DirectiveError(f"không có đơn vị mã “{row.unit_code[:32]}”.")
    try:
        issued, start, end = _as_date(row.issued), _as_date(row.start), _as_date(row.end)
    except ValueError:
        raise I.DirectiveError(D.BAD_WINDOW) from None
    if end < start:
        raise I.DirectiveError(D.WINDOW_ORDER)
    catalogue = [(t.code, t.name) for t in await Topic.filter(active=True)]
    codes, new = I.split_topics(row.topics, catalogue)
    if not codes and not new:
        raise I.DirectiveError(D.NO_TOPICS)
    content, name = read_file(row.file, base) if row.file.strip() else (None, "")
    draft = A.Draft(
        number=number,
        issued_on=issued,
        title=I.clean(row.title, I.TITLE_MAX),
        summary=I.clean(row.summary, SUMMARY_MAX) if row.summary.strip() else "",
        starts_on=start,
        ends_on=end,
        topics=codes,
        new_topics=new,
    )
    return unit, draft, content, name


async def add_directives(
    rows: list[DirectiveRow], now: datetime, today: date, base: Path, media_dir: Path
) -> ImportResult:
    """Check every row, then create them all in one transaction and queue their delivery."""
    result = ImportResult()
    checked = []
    taken: set[str] = set()
    for i, row in enumerate(rows, 2):
        try:
            checked.append(await check_row(row, today, base, media_dir, taken))
            taken.add(checked[-1][1].number)
        except I.DirectiveError as e:
            result.errors.append(f"{SHEET} dòng {i}: {e.message}")
    if result.errors:
        return result
    async with in_transaction():
        made = []
        for unit, draft, content, name in checked:
            if content is not None:
                media = await I.store_file(content, name, media_dir)
                draft.media_id, draft.file_name = media.id, Path(media.path).name
            made.append(await A.create_directive(unit, None, draft))
        for d in made:
            result.created.append((d.number, await A.deliver_directive(d, now)))
    return result
