"""Roster import from .xlsx: a units sheet and a people sheet, validated row by row, written all or
nothing, with new invite codes for whoever has no chat linked yet.

Sheet "DonVi" (units):       Mã đơn vị | Tên đơn vị | Mã đơn vị cấp trên | Cấp | Báo cáo
Sheet "NguoiDung" (people):  Họ và tên | Số điện thoại | Vai trò | Mã đơn vị

Headers are matched without diacritics or case; column order is free. "Báo cáo" is có/không
(empty: units without children report). "Vai trò" is báo cáo viên, theo dõi or quản trị (empty:
báo cáo viên). Rows already in the database (same unit code, same phone) are updated."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from tortoise.transactions import in_transaction

from handlers.parsing import fold, normalize_phone
from handlers.registration import issue_invite
from models import Identity, Member, Role, Unit
from models.periods import ReportRules
from models.tree import child_path

UNIT_SHEET, PEOPLE_SHEET = "DonVi", "NguoiDung"
UNIT_COLUMNS = {
    "ma don vi": "code",
    "ten don vi": "name",
    "ma don vi cap tren": "parent",
    "cap": "level",
    "bao cao": "reports",
    "dia ban": "locality",
}
PEOPLE_COLUMNS = {
    "ho va ten": "name",
    "so dien thoai": "phone",
    "vai tro": "role",
    "ma don vi": "unit",
}
ROLES = {
    "bao cao vien": Role.REPORTER,
    "bao cao": Role.REPORTER,
    "": Role.REPORTER,
    "theo doi": Role.SUPERVISOR,
    "giam sat": Role.SUPERVISOR,
    "quan tri": Role.ADMIN,
    "admin": Role.ADMIN,
}
YES = {"co", "x", "1", "yes", "c"}
NO = {"khong", "0", "no", "k"}
CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,32}$")
MAX_ROWS = 20000


@dataclass(frozen=True)
class InviteRow:
    name: str
    phone: str
    unit: str
    code: str
    expires_at: datetime


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0
    members_created: int = 0
    members_updated: int = 0
    invites: list[InviteRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def report(self) -> str:
        if self.errors:
            head = f"Không nhập được: có {len(self.errors)} lỗi, chưa có gì thay đổi."
            return "\n".join([head, *(f"  - {e}" for e in self.errors[:200])])
        return (
            f"Đã nhập: {self.units_created} đơn vị mới, {self.units_updated} đơn vị cập nhật; "
            f"{self.members_created} người mới, {self.members_updated} người cập nhật; "
            f"{len(self.invites)} mã mời mới."
        )


@dataclass
class UnitRow:
    line: int
    code: str
    name: str
    parent: str
    level: str
    reports: bool | None
    locality: str = ""


@dataclass
class PersonRow:
    line: int
    name: str
    phone: str
    role: Role
    unit: str


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _rows(
    wb: Any, sheet: str, columns: dict[str, str], errors: list[str]
) -> list[tuple[int, dict[str, str]]]:
    if sheet not in wb.sheetnames:
        errors.append(f"Thiếu trang “{sheet}”.")
        return []
    rows = wb[sheet].iter_rows(values_only=True)
    header = next(rows, None) or ()
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = columns.get(fold(_text(h)).rstrip(" *:"))
        if key:
            index[key] = i
    required = [
        k for k in columns.values() if k not in ("level", "reports", "role", "parent", "locality")
    ]
    missing = [name for name, key in columns.items() if key in required and key not in index]
    if missing:
        errors.append(f"Trang “{sheet}” thiếu cột: {', '.join(missing)}.")
        return []
    out = []
    for line, row in enumerate(rows, start=2):
        values: dict[str, Any] = {
            k: _text(row[i]) if i < len(row) else "" for k, i in index.items()
        }
        if any(values.values()):
            out.append((line, values))
        if len(out) > MAX_ROWS:
            errors.append(f"Trang “{sheet}” có quá {MAX_ROWS} dòng.")
            break
    return out


def _read(path: Path, result: ImportResult) -> tuple[list[UnitRow], list[PersonRow]]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        result.errors.append(f"Không mở được tệp {path.name}: cần tệp Excel .xlsx.")
        return [], []
    errors = result.errors
    units: list[UnitRow] = []
    for line, v in _rows(wb, UNIT_SHEET, UNIT_COLUMNS, errors):
        where = f"{UNIT_SHEET} dòng {line}"
        reports_text = fold(v.get("reports", ""))
        reports = True if reports_text in YES else False if reports_text in NO else None
        if reports_text and reports is None:
            errors.append(f"{where}: cột Báo cáo phải là “có” hoặc “không”.")
        if not CODE_RE.match(v["code"]):
            errors.append(f"{where}: mã đơn vị “{v['code'][:40]}” trống hoặc có ký tự lạ.")
        if not v["name"] or len(v["name"]) > 200:
            errors.append(f"{where}: tên đơn vị trống hoặc dài quá 200 ký tự.")
        units.append(
            UnitRow(
                line,
                v["code"],
                v["name"],
                v.get("parent", ""),
                v.get("level", "")[:60],
                reports,
                v.get("locality", "")[:200],
            )
        )
    people: list[PersonRow] = []
    for line, v in _rows(wb, PEOPLE_SHEET, PEOPLE_COLUMNS, errors):
        where = f"{PEOPLE_SHEET} dòng {line}"
        phone = normalize_phone(v["phone"])
        role = ROLES.get(fold(v.get("role", "")))
        if not v["name"] or len(v["name"]) > 120:
            errors.append(f"{where}: họ tên trống hoặc dài quá 120 ký tự.")
        if phone is None:
            errors.append(f"{where}: số điện thoại “{v['phone'][:20]}” không hợp lệ.")
        if role is None:
            errors.append(
                f"{where}: vai trò “{v['role'][:30]}” không rõ "
                "(báo cáo viên, theo dõi hoặc quản trị)."
            )
        people.append(PersonRow(line, v["name"], phone or "", role or Role.REPORTER, v["unit"]))
    wb.close()
    return units, people


async def _check(units: list[UnitRow], people: list[PersonRow], result: ImportResult) -> None:
    errors = result.errors
    seen: dict[str, int] = {}
    for u in units:
        if u.code in seen:
            errors.append(f"{UNIT_SHEET} dòng {u.line}: mã “{u.code}” trùng dòng {seen[u.code]}.")
        seen.setdefault(u.code, u.line)
    known = set(seen) | set(await Unit.all().values_list("code", flat=True))
    parents = {u.code: u.parent for u in units}
    for u in units:
        if u.parent and u.parent not in known:
            errors.append(f"{UNIT_SHEET} dòng {u.line}: đơn vị cấp trên “{u.parent}” không có.")
        # Walk up inside the file to find a loop (A under B under A).
        p, steps = u.parent, 0
        while p in parents and steps <= len(parents):
            if p == u.code:
                errors.append(f"{UNIT_SHEET} dòng {u.line}: đơn vị “{u.code}” nằm dưới chính nó.")
                break
            p, steps = parents[p], steps + 1
    phones: dict[str, int] = {}
    for m in people:
        if m.phone and m.phone in phones:
            errors.append(
                f"{PEOPLE_SHEET} dòng {m.line}: số {m.phone} trùng dòng {phones[m.phone]}."
            )
        phones.setdefault(m.phone, m.line)
        if m.unit not in known:
            errors.append(f"{PEOPLE_SHEET} dòng {m.line}: mã đơn vị “{m.unit[:40]}” không có.")


def _ordered(units: list[UnitRow]) -> list[UnitRow]:
    """Parents before children."""
    by_code = {u.code: u for u in units}
    done: set[str] = set()
    out: list[UnitRow] = []

    def visit(u: UnitRow) -> None:
        if u.code in done:
            return
        done.add(u.code)
        if u.parent in by_code:
            visit(by_code[u.parent])
        out.append(u)

    for u in units:
        visit(u)
    return out


async def _write(
    units: list[UnitRow],
    people: list[PersonRow],
    rules: ReportRules,
    now: datetime,
    result: ImportResult,
) -> None:
    has_children = {u.parent for u in units if u.parent}
    for row in _ordered(units):
        parent = await Unit.get_or_none(code=row.parent) if row.parent else None
        reports = row.reports if row.reports is not None else row.code not in has_children
        unit = await Unit.get_or_none(code=row.code)
        values: dict[str, Any] = {
            "name": row.name,
            "level": row.level,
            "parent": parent,
            "reports": reports,
            "locality": row.locality,
            "depth": parent.depth + 1 if parent else 0,
            "active": True,
        }
        if unit is None:
            unit = await Unit.create(code=row.code, **values)
            result.units_created += 1
        else:
            old_path = unit.path
            await unit.update_from_dict(values).save()
            result.units_updated += 1
            if old_path != child_path(parent, unit.id):
                await _move_subtree(old_path, child_path(parent, unit.id))
        unit.path = child_path(parent, unit.id)
        await unit.save(update_fields=["path"])
    for row_p in people:
        unit = await Unit.get(code=row_p.unit)
        member = await Member.get_or_none(phone=row_p.phone)
        if member is None:
            member = await Member.create(
                name=row_p.name, phone=row_p.phone, role=row_p.role, unit=unit
            )
            result.members_created += 1
        else:
            await member.update_from_dict(
                {"name": row_p.name, "role": row_p.role, "unit": unit, "active": True}
            ).save()
            result.members_updated += 1
        if not await Identity.exists(member=member):
            invite = await issue_invite(member, now, rules.invite_ttl_days)
            result.invites.append(
                InviteRow(member.name, row_p.phone, unit.name, invite.code, invite.expires_at)
            )


async def _move_subtree(old: str, new: str) -> None:
    """A unit moved under another parent: rewrite the paths below it."""
    for unit in await Unit.filter(path__startswith=old).exclude(path=old):
        unit.path = new + unit.path[len(old) :]
        unit.depth = unit.path.count("/") - 2
        await unit.save(update_fields=["path", "depth"])


async def import_roster(path: Path, rules: ReportRules, now: datetime) -> ImportResult:
    result = ImportResult()
    units, people = _read(path, result)
    await _check(units, people, result)  # every error at once, so one round of fixes is enough
    if result.errors:
        return result
    async with in_transaction():
        await _write(units, people, rules, now, result)
    return result
