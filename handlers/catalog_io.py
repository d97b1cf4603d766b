"""The activity-kind and topic catalogues as an Excel workbook an admin edits: add a kind such as
"Đội thông tin lưu động" or "Tin, bài", change a question, retire a topic — without code.

Sheet "LoaiHoatDong": Mã loại | Tên loại | Thứ tự | Đang dùng | Tên gọi tắt
Sheet "CauHoi":       Mã loại | Mã câu | Nhãn | Câu hỏi | Kiểu | Bắt buộc | Tối thiểu | Tối đa |
                      Đơn vị | Lựa chọn | Cộng tổng
Sheet "ChuDe":        Mã chủ đề | Tên chủ đề | Thứ tự | Đang dùng

Kiểu: ngày, số, chọn, hình thức, chủ đề, chữ, nơi, ảnh ("hình thức": several of the options, each
with its quantity, as in "3 băng rôn, 2 khẩu hiệu"). Tên gọi tắt: the short words a reporter may
type for the kind in a one-line report ("pt; loa"), separated by ";". Each kind has exactly one "ngày" question: the date of the
activity. Lựa chọn: the options of a "chọn" question, separated by ";". Nothing is ever deleted:
"Đang dùng = không" hides a kind or topic from new reports, old reports keep showing it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from tortoise.transactions import in_transaction

from handlers.parsing import fold
from models import ActivityKind, Topic

KIND_SHEET, QUESTION_SHEET, TOPIC_SHEET = "LoaiHoatDong", "CauHoi", "ChuDe"
KIND_HEADERS = ["Mã loại", "Tên loại", "Thứ tự", "Đang dùng", "Tên gọi tắt"]
OPTIONAL_HEADERS = {"Tên gọi tắt"}  # a workbook written before the column existed still loads
QUESTION_HEADERS = [
    "Mã loại",
    "Mã câu",
    "Nhãn",
    "Câu hỏi",
    "Kiểu",
    "Bắt buộc",
    "Tối thiểu",
    "Tối đa",
    "Đơn vị",
    "Lựa chọn",
    "Cộng tổng",
]
TOPIC_HEADERS = ["Mã chủ đề", "Tên chủ đề", "Thứ tự", "Đang dùng"]
TYPES = {
    "ngay": "date",
    "so": "int",
    "chon": "choice",
    "hinh thuc": "forms",
    "chu de": "topics",
    "chu": "text",
    "noi": "place",
    "vi tri": "place",
    "anh": "photos",
}
TYPE_NAMES = {
    v: k
    for k, v in {
        "ngày": "date",
        "số": "int",
        "chọn": "choice",
        "hình thức": "forms",
        "chủ đề": "topics",
        "chữ": "text",
        "nơi": "place",
        "ảnh": "photos",
    }.items()
}
CODE_RE = re.compile(r"^[a-z0-9_]{1,32}$")
YES, NO = {"co", "x", "1", "c", "yes"}, {"khong", "0", "k", "no"}


@dataclass
class CatalogResult:
    errors: list[str] = field(default_factory=list)
    kinds: int = 0
    topics: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> str:
        if self.errors:
            return "\n".join(
                [
                    f"Không nhập được: có {len(self.errors)} lỗi, chưa có gì thay đổi.",
                    *(f"  - {e}" for e in self.errors[:200]),
                ]
            )
        return f"Đã cập nhật {self.kinds} loại hoạt động và {self.topics} chủ đề."


async def catalog_rows() -> dict[str, list[list[Any]]]:
    """The catalogues as sheets of rows (headers first), for exports.catalog to write."""
    kinds = await ActivityKind.all()
    questions: list[list[Any]] = [QUESTION_HEADERS]
    for k in kinds:
        for f in k.fields_spec:
            questions.append(
                [
                    k.code,
                    f["key"],
                    f["label"],
                    f.get("prompt", ""),
                    TYPE_NAMES[f["type"]],
                    "không" if f.get("optional") else "có",
                    f.get("min"),
                    f.get("max"),
                    f.get("unit", ""),
                    "; ".join(f.get("options", [])),
                    "có" if f.get("sum") else "",
                ]
            )
    return {
        KIND_SHEET: [KIND_HEADERS]
        + [
            [k.code, k.name, k.position, "có" if k.active else "không", "; ".join(k.aliases or [])]
            for k in kinds
        ],
        QUESTION_SHEET: questions,
        TOPIC_SHEET: [TOPIC_HEADERS]
        + [[t.code, t.name, t.position, "có" if t.active else "không"] for t in await Topic.all()],
    }


def _cell(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return "" if v is None else str(v).strip()


def _sheet(wb: Any, name: str, headers: list[str], errors: list[str]) -> list[tuple[int, dict]]:
    if name not in wb.sheetnames:
        errors.append(f"Thiếu trang “{name}”.")
        return []
    rows = wb[name].iter_rows(values_only=True)
    header = [fold(_cell(h)) for h in next(rows, ())]
    index = {h: header.index(fold(h)) for h in headers if fold(h) in header}
    missing = [h for h in headers if h not in index and h not in OPTIONAL_HEADERS]
    if missing:
        errors.append(f"Trang “{name}” thiếu cột: {', '.join(missing)}.")
        return []
    out = []
    for line, row in enumerate(rows, start=2):
        values = {
            h: _cell(row[index[h]]) if index.get(h, len(row)) < len(row) else "" for h in headers
        }
        if any(values.values()):
            out.append((line, values))
    return out


def _flag(text: str, default: bool, where: str, column: str, errors: list[str]) -> bool:
    f = fold(text)
    if not f:
        return default
    if f in YES or f in NO:
        return f in YES
    errors.append(f"{where}: cột {column} phải là “có” hoặc “không”.")
    return default


def _int(text: str, where: str, column: str, errors: list[str]) -> int | None:
    if not text:
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    errors.append(f"{where}: cột {column} phải là số nguyên.")
    return None


def _question(line: int, v: dict[str, str], errors: list[str]) -> dict[str, Any]:
    where = f"{QUESTION_SHEET} dòng {line}"
    kind = TYPES.get(fold(v["Kiểu"]))
    if kind is None:
        errors.append(
            f"{where}: kiểu “{v['Kiểu'][:20]}” không rõ "
            "(ngày, số, chọn, hình thức, chủ đề, chữ, nơi, ảnh)."
        )
    if not CODE_RE.match(v["Mã câu"]):
        errors.append(f"{where}: mã câu chỉ gồm chữ thường không dấu, số, dấu gạch dưới.")
    if not v["Nhãn"] or len(v["Nhãn"]) > 60:
        errors.append(f"{where}: nhãn trống hoặc dài quá 60 ký tự.")
    spec: dict[str, Any] = {
        "key": v["Mã câu"],
        "label": v["Nhãn"],
        "type": kind or "text",
        "prompt": v["Câu hỏi"][:300] or v["Nhãn"],
    }
    if not _flag(v["Bắt buộc"], True, where, "Bắt buộc", errors):
        spec["optional"] = True
    if kind in ("int", "forms"):
        low = _int(v["Tối thiểu"], where, "Tối thiểu", errors)
        high = _int(v["Tối đa"], where, "Tối đa", errors)
        spec.update(
            {
                "min": 0 if low is None else low,
                "max": 100000 if high is None else high,
                "unit": v["Đơn vị"][:20],
            }
        )
        if spec["min"] < 0 or spec["min"] > spec["max"]:
            errors.append(f"{where}: cần 0 ≤ tối thiểu ≤ tối đa.")
        if _flag(v["Cộng tổng"], False, where, "Cộng tổng", errors):
            spec["sum"] = True
    if kind in ("choice", "forms"):
        options = [o.strip() for o in v["Lựa chọn"].split(";") if o.strip()]
        if len(options) < 2:
            errors.append(f"{where}: câu “{v['Kiểu']}” cần ít nhất 2 lựa chọn, phân cách bởi dấu ;")
        spec["options"] = options
    if kind in ("text", "place"):
        spec["max_length"] = 1000
    return spec


async def import_catalog(path: Path) -> CatalogResult:
    result = CatalogResult()
    errors = result.errors
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        errors.append(f"Không mở được tệp {path.name}: cần tệp Excel .xlsx.")
        return result
    kinds = _sheet(wb, KIND_SHEET, KIND_HEADERS, errors)
    questions = _sheet(wb, QUESTION_SHEET, QUESTION_HEADERS, errors)
    topics = _sheet(wb, TOPIC_SHEET, TOPIC_HEADERS, errors)
    wb.close()
    fields_of: dict[str, list[dict[str, Any]]] = {}
    for line, v in questions:
        fields_of.setdefault(v["Mã loại"], []).append(_question(line, v, errors))
    kind_rows = []
    for line, v in kinds:
        where = f"{KIND_SHEET} dòng {line}"
        code, specs = v["Mã loại"], fields_of.pop(v["Mã loại"], [])
        if not CODE_RE.match(code):
            errors.append(f"{where}: mã loại chỉ gồm chữ thường không dấu, số, dấu gạch dưới.")
        if not v["Tên loại"] or len(v["Tên loại"]) > 60:
            errors.append(f"{where}: tên loại trống hoặc dài quá 60 ký tự.")
        if sum(1 for s in specs if s["type"] == "date") != 1:
            errors.append(f"{where}: loại “{code}” cần đúng một câu kiểu “ngày” (ngày hoạt động).")
        keys = [s["key"] for s in specs]
        if len(set(keys)) != len(keys):
            errors.append(f"{where}: loại “{code}” có mã câu trùng nhau.")
        active = _flag(v["Đang dùng"], True, where, "Đang dùng", errors)
        position = _int(v["Thứ tự"], where, "Thứ tự", errors) or 0
        aliases = [a.strip()[:30] for a in v["Tên gọi tắt"].split(";") if a.strip()][:10]
        kind_rows.append((code, v["Tên loại"], specs, position, active, aliases))
    for code in fields_of:
        errors.append(f"{QUESTION_SHEET}: mã loại “{code[:32]}” không có trong trang {KIND_SHEET}.")
    topic_rows = []
    for line, v in topics:
        where = f"{TOPIC_SHEET} dòng {line}"
        if not CODE_RE.match(v["Mã chủ đề"]) or not v["Tên chủ đề"]:
            errors.append(f"{where}: mã chủ đề (chữ thường, số, _) và tên chủ đề là bắt buộc.")
        topic_rows.append(
            (
                v["Mã chủ đề"],
                v["Tên chủ đề"][:200],
                _int(v["Thứ tự"], where, "Thứ tự", errors) or 0,
                _flag(v["Đang dùng"], True, where, "Đang dùng", errors),
            )
        )
    if errors:
        return result
    async with in_transaction():
        for code, name, specs, position, active, aliases in kind_rows:
            await ActivityKind.update_or_create(
                code=code,
                defaults={
                    "name": name,
                    "fields_spec": specs,
                    "position": position,
                    "active": active,
                    "aliases": aliases,
                },
            )
            result.kinds += 1
        for code, name, position, active in topic_rows:
            await Topic.update_or_create(
                code=code, defaults={"name": name, "position": position, "active": active}
            )
            result.topics += 1
    return result
