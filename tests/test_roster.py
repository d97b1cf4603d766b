"""The board imports its roster from Excel: all or nothing, with every bad row named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from exports.invites import write_invites
from exports.roster_template import write_roster_template
from factories import Chat
from handlers.engine import Engine
from handlers.roster import import_roster
from models import InviteCode, Member, Role, Unit
from models.periods import ReportRules


def roster(path: Path, units: list[tuple], people: list[tuple]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "DonVi"
    ws.append(["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Báo cáo"])
    for row in units:
        ws.append(row)
    ws = wb.create_sheet("NguoiDung")
    ws.append(["SO DIEN THOAI", "Họ và tên", "Mã đơn vị", "Vai trò"])  # any order, any case
    for row in people:
        ws.append(row)
    wb.save(path)
    return path


async def test_sample_file_imports_and_codes_let_people_join(
    engine: Engine, db: str, tmp_path: Path
) -> None:
    sample = tmp_path / "mau.xlsx"
    write_roster_template(sample)
    result = await import_roster(sample, ReportRules(), engine.clock())
    assert result.ok, result.report()
    assert (result.units_created, result.members_created) == (4, 4)
    assert "4 đơn vị mới" in result.report()
    cell = await Unit.get(code="X01-PL").select_related("parent")
    assert cell.parent.code == "X01" and cell.reports and cell.depth == 2
    assert not (await Unit.get(code="X01")).reports
    assert (await Member.get(phone="0900000010")).role == Role.SUPERVISOR
    assert len(result.invites) == 4
    codes = tmp_path / "codes.xlsx"
    write_invites(codes, result.invites)
    rows = list(load_workbook(codes).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("STT", "Họ và tên", "Số điện thoại", "Đơn vị", "Mã mời")
    mai = next(r for r in rows if r[1] == "Tòng Thị Mai")
    chat = Chat(engine, "new-phone")
    await chat.send(mai[4])
    assert (
        "Chào Tòng Thị Mai! Bạn đã được ghi nhận là người báo cáo của Chi bộ bản Phiêng Lọng"
        in chat.text
    )


async def test_bad_rows_are_all_reported_and_nothing_is_written(db: str, tmp_path: Path) -> None:
    path = roster(
        tmp_path / "bad.xlsx",
        [
            ("A", "Tỉnh ủy", "", "", ""),
            ("B", "Xã B", "A", "", "có"),
            ("B", "Xã B lặp", "A", "", ""),
            ("C", "", "ZZ", "", "có lẽ"),
            ("D d", "Chi bộ D", "A", "", ""),
        ],
        [
            ("0900000201", "Người Một", "B", "báo cáo viên"),
            ("12345", "Người Hai", "B", ""),
            ("0900000201", "Người Ba", "Q", "trưởng thôn"),
            ("0900000203", "", "A", "quản trị"),
        ],
    )
    result = await import_roster(path, ReportRules(), datetime.now(UTC))
    report = result.report()
    assert not result.ok
    assert "chưa có gì thay đổi" in report
    for expected in [
        "DonVi dòng 4: mã “B” trùng dòng 3",
        "DonVi dòng 5: tên đơn vị trống",
        "DonVi dòng 5: cột Báo cáo phải là “có” hoặc “không”",
        "DonVi dòng 5: đơn vị cấp trên “ZZ” không có",
        "DonVi dòng 6: mã đơn vị “D d” trống hoặc có ký tự lạ",
        "NguoiDung dòng 3: số điện thoại “12345” không hợp lệ",
        "NguoiDung dòng 4: vai trò “trưởng thôn” không rõ",
        "NguoiDung dòng 4: số 0900000201 trùng dòng 2",
        "NguoiDung dòng 4: mã đơn vị “Q” không có",
        "NguoiDung dòng 5: họ tên trống",
    ]:
        assert expected in report, expected
    assert await Unit.all().count() == 0 and await Member.all().count() == 0


async def test_reimport_updates_and_moves_units(db: str, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    first = roster(
        tmp_path / "r1.xlsx",
        [
            ("P", "Tỉnh", "", "", ""),
            ("X", "Xã X", "P", "", ""),
            ("Y", "Xã Y", "P", "", ""),
            ("C", "Chi bộ C", "X", "", ""),
        ],
        [("0900000301", "Người C", "C", "")],
    )
    assert (await import_roster(first, ReportRules(), now)).ok
    moved = roster(
        tmp_path / "r2.xlsx",
        [("C", "Chi bộ C mới", "Y", "Chi bộ", "")],
        [(900000301, "Người C sửa tên", "C", "theo dõi")],
    )  # Excel ate the 0
    result = await import_roster(moved, ReportRules(), now)
    assert result.ok, result.report()
    assert (result.units_updated, result.members_updated, result.members_created) == (1, 1, 0)
    c = await Unit.get(code="C")
    y = await Unit.get(code="Y")
    assert c.path == f"{y.path}{c.id}/" and c.name == "Chi bộ C mới"
    m = await Member.get(phone="0900000301")
    assert m.name == "Người C sửa tên" and m.role == Role.SUPERVISOR
    # Still not linked to a chat: a fresh code, the old one no longer works.
    assert await InviteCode.filter(member=m, expires_at__gt=now).count() == 1


async def test_not_an_excel_file(db: str, tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    result = await import_roster(path, ReportRules(), datetime.now(UTC))
    assert "Không mở được tệp x.xlsx" in result.report()
