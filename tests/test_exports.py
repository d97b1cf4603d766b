"""The board's Excel report: what it says, what it adds up, and that no typed text runs as a
formula when the sheet is opened."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from exports.lines import Letterhead
from exports.report import ExportResult, ReportScope, write_report
from exports.summary import grand_total
from factories import World, add_unit
from handlers import texts as T
from handlers.catalog import CatalogCache
from handlers.exporting import export_command
from handlers.messages import Incoming
from handlers.turn import Turn
from models import (
    Activity,
    ActivityKind,
    Identity,
    Member,
    NilReport,
    Outbox,
    OutboxStatus,
    Period,
    Unit,
)
from models.periods import VN_TZ, ReportRules, period_for, vn_today

RULES = ReportRules(period_months=1, deadline_day=5, lock_days=10)  # as the fixtures use
LETTERHEAD = Letterhead(
    body="BAN TUYÊN GIÁO VÀ DÂN VẬN",
    superior="TỈNH ỦY THỬ NGHIỆM",
    symbol="BTGDVTU",
    place="Mường Thử",
    authority="K/T TRƯỞNG BAN",
    title="PHÓ TRƯỞNG BAN",
    signer="Nguyễn Văn Ký",
    recipients=("Thường trực Tỉnh ủy (để báo cáo)", "Lưu VP"),
)
TODAY = date(2026, 11, 20)
HYPERLINK = '=HYPERLINK("http://x","y")'
PIN = {"lat": 22.356781, "lon": 103.823457}  # a place sent as a location pin
AT_SUM = "@SUM(1+1)"
SUMMARY_HEAD = 9  # the row of the summary's column labels
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def vn(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ).astimezone(UTC)


async def report(
    unit: Unit,
    reporter: Member,
    kind: str,
    day: date,
    received: date,
    **values: Any,
) -> Activity:
    """An activity as the chat would have saved it, received on `received` (Vietnam time)."""
    period = await period_for(day, RULES)
    activity = await Activity.create(
        unit=unit,
        kind=await ActivityKind.get(code=kind),
        period=period,
        reporter=reporter,
        activity_date=day,
        data={"date": day.isoformat(), "topics": ["nq_dh13"], "photos": [], **values},
    )
    await Activity.filter(id=activity.id).update(created_at=vn(received), updated_at=vn(received))
    return activity


async def october_with_every_status(world: World) -> tuple[Period, Unit]:
    """October 2026, deadline 05/11: Bản Một on time, Bản Hai late, Bản Ba nil, Bản Bốn silent.
    Also a deleted report and a September one, which October must not count."""
    one, two, three = world.cells
    four = await add_unit("C4", "Chi bộ bản Bốn", world.other_commune)
    secretary = await Member.create(name="Hoàng Văn Bốn", phone="0900000105", unit=four)
    await report(one, world.reporter, "phat_thanh", date(2026, 10, 3), date(2026, 10, 10),
                 sessions=3, minutes=90, place="Cụm loa bản Một", note=HYPERLINK,
                 photos=["ab" * 32])  # fmt: skip
    await report(one, world.reporter, "co_dong", date(2026, 10, 12), date(2026, 11, 3),
                 forms={"Băng rôn": 4}, place=PIN)  # fmt: skip
    await report(two, world.other_reporter, "phat_thanh", date(2026, 10, 20), date(2026, 11, 7),
                 sessions=2, minutes=45, place="-Đầu bản", note=AT_SUM)  # fmt: skip
    await report(two, world.other_reporter, "hoi_hop", date(2026, 10, 25), date(2026, 11, 7),
                 form="Họp thôn/bản", attendees=30, minutes=60)  # fmt: skip
    await report(two, world.other_reporter, "co_dong", date(2026, 10, 26), date(2026, 11, 7),
                 forms={"Khẩu hiệu": 6}, place="+ Ngã ba")  # fmt: skip
    deleted = await report(one, world.reporter, "phat_thanh", date(2026, 10, 5),
                           date(2026, 10, 6), sessions=100, minutes=1000, place="x")  # fmt: skip
    await Activity.filter(id=deleted.id).update(deleted_at=vn(date(2026, 10, 7)))
    await report(one, world.reporter, "phat_thanh", date(2026, 9, 28), date(2026, 9, 29),
                 sessions=50, minutes=500, place="x")  # fmt: skip
    period = await period_for(date(2026, 10, 1), RULES)
    nil = await NilReport.create(unit=three, period=period, reporter=world.reporter)
    await NilReport.filter(id=nil.id).update(created_at=vn(date(2026, 11, 2)))
    # Bản Bốn was reminded twice for October; a third reminder is still waiting to go out, and
    # September's does not count.
    september = await period_for(date(2026, 9, 1), RULES)
    for key, status in (
        (f"remind:{period.id}:before:{secretary.id}", OutboxStatus.SENT),
        (f"remind:{period.id}:due:{secretary.id}", OutboxStatus.SENT),
        (f"remind:{period.id}:overdue:{secretary.id}", OutboxStatus.PENDING),
        (f"remind:{september.id}:due:{secretary.id}", OutboxStatus.SENT),
    ):
        await Outbox.create(
            key=key,
            member=secretary,
            category="reminder",
            text="Nhắc báo cáo",
            status=status,
            not_before=vn(date(2026, 11, 3)),
        )
    return period, four


async def export(
    tmp_path: Path, period: Period | None, root: Unit | None = None, **range_: date
) -> ExportResult:
    start = range_.get("start", period.start if period else TODAY)
    end = range_.get("end", period.end if period else TODAY)
    label = T.period_label(start, end)
    scope = ReportScope(start, end, period, root, label)
    return await write_report(tmp_path / "baocao.xlsx", scope, LETTERHEAD, TODAY)


def rows(ws: Worksheet) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def row_named(ws: Worksheet, name: str) -> list[Any]:
    """The summary row whose unit (column B) is `name`."""
    found = [r for r in rows(ws) if len(r) > 1 and r[1] == name]
    assert found, f"no row {name!r} in {ws.title}"
    return found[0]


def soffice() -> str:
    path = shutil.which("soffice")
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is required in CI to check the computed workbook")
    pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")


def computed_by_libreoffice(xlsx: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet as LibreOffice computes and shows it, one CSV per sheet."""
    binary = soffice()
    profile = out / "lo-profile"  # a fresh profile: no lock shared with another run
    proc = subprocess.run(
        [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            *("--convert-to", CSV_FILTER, "--outdir", str(out), str(xlsx)),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    sheets = {
        f.stem.removeprefix(f"{xlsx.stem}-"): list(csv.reader(f.open(encoding="utf-8")))
        for f in out.glob(f"{xlsx.stem}-*.csv")
    }
    # soffice exits 0 even when it converted nothing: the files are the proof.
    assert sheets, f"LibreOffice wrote no CSV (rc {proc.returncode}): {proc.stderr}"
    return sheets


async def test_a_period_with_every_status_as_libreoffice_computes_it(
    db: str, world: World, tmp_path: Path
) -> None:
    period, _ = await october_with_every_status(world)
    result = await export(tmp_path, period)
    assert (result.units, result.activities, result.missing) == (4, 5, 1)

    sheets = computed_by_libreoffice(result.path, tmp_path / "lo")
    assert set(sheets) == {
        "Tổng hợp",
        "Phát thanh loa",
        "Cổ động trực quan",
        "Hội họp, sinh hoạt",
        "Chủ đề, hình thức",
        "Chưa báo cáo",
        "Biểu đồ",
    }
    summary = {r[1]: r for r in sheets["Tổng hợp"] if len(r) > 1}
    # Units, the commune subtotals and the grand total (SUM formulas, computed by LibreOffice):
    # broadcast sessions and minutes, slogans, banners, panels, posters, meetings, attendees.
    assert summary["Chi bộ bản Một"][2:] == [
        "3", "90", "0", "4", "0", "0", "0", "0", "đúng hạn, đã duyệt", "10/10/2026"
    ]  # fmt: skip
    # Reports from before the review count as approved (no review row).
    assert summary["Chi bộ bản Hai"][2:] == [
        "2", "45", "6", "0", "0", "0", "1", "30", "muộn, đã duyệt", "07/11/2026"
    ]  # fmt: skip
    assert summary["Chi bộ bản Ba"][-2:] == ["không phát sinh", "02/11/2026"]
    assert summary["Chi bộ bản Bốn"][-2:] == ["chưa báo cáo", ""]
    assert summary["Đảng ủy xã Mường Thử"][2:] == [
        "5", "135", "6", "4", "0", "0", "1", "30", "Đã báo cáo 2/2", ""
    ]  # fmt: skip
    assert summary["Đảng ủy xã Nà Giả"][2:10] == ["0"] * 8
    assert summary["TỔNG CỘNG"][2:] == [
        "5", "135", "6", "4", "0", "0", "1", "30", "Đã báo cáo 3/4", ""
    ]  # fmt: skip
    text = "\n".join(",".join(r) for r in sheets["Tổng hợp"])
    for words in (
        "TỈNH ỦY THỬ NGHIỆM",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Mường Thử, ngày 20 tháng 11 năm 2026",
        "Số      -BC/BTGDVTU",
        "BÁO CÁO",
        "Kết quả công tác tuyên truyền tháng 10/2026",
        "Kỳ báo cáo: tháng 10/2026 (hạn báo cáo 05/11/2026)",
        "K/T TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Nguyễn Văn Ký",
        "Nơi nhận:",
        "- Thường trực Tỉnh ủy (để báo cáo)",
    ):
        assert words in text

    # What a reporter typed comes out as the text they typed, never as a computed formula.
    notes = {r[3]: r for r in sheets["Phát thanh loa"][3:]}
    assert notes["Chi bộ bản Một"][9] == HYPERLINK
    assert notes["Chi bộ bản Hai"][9] == AT_SUM
    assert notes["Chi bộ bản Hai"][8] == "-Đầu bản"
    assert notes["Chi bộ bản Một"][4] == "03/10/2026"
    assert notes["Chi bộ bản Một"][-1] == "1"  # photos counted; the narrative shows them
    # A place sent as a pin reads as coordinates; a typed one as typed.
    places = [r[6] for r in sheets["Cổ động trực quan"][3:]]
    assert places == ["Vị trí 22.35678, 103.82346", "+ Ngã ba"]
    # Several forms in one report, each with its quantity.
    assert [r[5] for r in sheets["Cổ động trực quan"][3:]] == ["Băng rôn: 4", "Khẩu hiệu: 6"]

    missing = sheets["Chưa báo cáo"]
    # No phone numbers on a sheet that leaves the board.
    assert missing[3] == ["1", "Đảng ủy xã Nà Giả", "Chi bộ bản Bốn", "Hoàng Văn Bốn", "2"]
    assert "0900000105" not in str(sheets)
    assert len(missing) == 4
    rates = {r[0]: r for r in sheets["Biểu đồ"][3:]}
    assert rates["Đảng ủy xã Mường Thử"][1:] == ["1", "1", "0", "0", "0", "2", "100%"]
    assert rates["Đảng ủy xã Nà Giả"][1:] == ["0", "0", "1", "1", "0", "2", "50%"]
    assert rates["TỔNG CỘNG"][1:] == ["1", "1", "1", "1", "0", "4", "75%"]


async def test_the_summary_is_an_official_printable_sheet(
    db: str, world: World, tmp_path: Path
) -> None:
    period, _ = await october_with_every_status(world)
    result = await export(tmp_path, period)
    wb = load_workbook(result.path)
    assert wb.sheetnames[0] == "Tổng hợp" and wb.sheetnames[-2:] == ["Chưa báo cáo", "Biểu đồ"]
    ws = wb["Tổng hợp"]
    assert ws["A1"].value == "TỈNH ỦY THỬ NGHIỆM" and not ws["A1"].font.bold
    assert ws["A2"].value == "BAN TUYÊN GIÁO VÀ DÂN VẬN" and ws["A2"].font.bold
    assert ws["A3"].value == "*" and ws["A4"].value == "Số      -BC/BTGDVTU"
    assert ws["H1"].value == "ĐẢNG CỘNG SẢN VIỆT NAM" and ws["H1"].font.underline == "single"
    assert ws["H2"].value == "Mường Thử, ngày 20 tháng 11 năm 2026" and ws["H2"].font.italic
    assert "A1:B1" in ws.merged_cells and "H1:L1" in ws.merged_cells
    assert (ws["A5"].value, ws["A6"].value) == (
        "BÁO CÁO",
        "Kết quả công tác tuyên truyền tháng 10/2026",
    )
    assert ws["C8"].value == "Phát thanh loa" and "C8:D8" in ws.merged_cells
    assert [c.value for c in ws[SUMMARY_HEAD]] == [
        "STT", "Đơn vị", "Số buổi phát", "Thời lượng (phút)", "Khẩu hiệu", "Băng rôn", "Panô",
        "Áp phích", "Số cuộc", "Số người dự", "Tình trạng", "Ngày báo cáo",
    ]  # fmt: skip
    commune = row_named(ws, "Đảng ủy xã Mường Thử")
    assert commune[0] == "I" and commune[2] == "=SUM(C11:C12)"
    assert row_named(ws, "Đảng ủy xã Nà Giả")[2] == "=SUM(C14:C15)"
    assert row_named(ws, "TỔNG CỘNG")[2] == "=SUM(C10,C13)"
    assert ws["L11"].number_format == "dd/mm/yyyy" and ws["L11"].value == datetime(2026, 10, 10)

    assert ws.freeze_panes == "C10"
    assert ws.auto_filter.ref == "A9:L15"
    assert ws.print_title_rows == "$8:$9"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    for name in wb.sheetnames:
        sheet = wb[name]
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.freeze_panes, name
        # Set, not fitted: 11-point text prints at 9 points or more.
        assert int(sheet.page_setup.scale) >= 82, name
        assert not sheet.print_options.gridLines, name
    assert wb["Chưa báo cáo"]["E3"].value == "Số lần đã nhắc"
    with zipfile.ZipFile(result.path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())


async def test_each_kind_sheet_shows_every_field_and_its_history(
    db: str, world: World, tmp_path: Path
) -> None:
    period, _ = await october_with_every_status(world)
    edited = await Activity.get(unit=world.cells[1], kind__code="hoi_hop")
    await Activity.filter(id=edited.id).update(version=2, updated_at=vn(date(2026, 11, 8), 14))
    ws = load_workbook((await export(tmp_path, period)).path)["Hội họp, sinh hoạt"]
    assert [c.value for c in ws[3]] == [
        "STT", "Mã báo cáo", "Đơn vị cấp trên", "Đơn vị", "Ngày họp", "Hình thức",
        "Số người dự", "Thời lượng (phút)", "Chủ đề", "Người báo cáo", "Nhận lúc", "Sửa lúc",
        "Lần sửa", "Số ảnh",
    ]  # fmt: skip
    assert rows(ws)[3] == [
        1, edited.receipt, "Đảng ủy xã Mường Thử", "Chi bộ bản Hai", datetime(2026, 10, 25),
        "Họp thôn/bản", 30, 60, "Nghị quyết Đại hội XIII của Đảng", "Tòng Thị Giả",
        datetime(2026, 11, 7, 9), datetime(2026, 11, 8, 14), 2, 0,
    ]  # fmt: skip
    assert ws["A4"].font.name == "Times New Roman" and ws["G4"].border.left.style == "thin"
    assert ws["K4"].number_format == "dd/mm/yyyy hh:mm"
    assert ws.auto_filter.ref == "A3:N4"


async def test_typed_formulas_are_stored_as_text(db: str, world: World, tmp_path: Path) -> None:
    period, _ = await october_with_every_status(world)
    path = (await export(tmp_path, period)).path
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    xml = "".join(sheets)
    assert "<f>HYPERLINK" not in xml and "<f>@SUM" not in xml
    assert f"<t>{HYPERLINK}</t>" in xml and f"<t>{AT_SUM}</t>" in xml


async def test_an_empty_period_lists_every_unit_as_not_reported(
    db: str, world: World, tmp_path: Path
) -> None:
    period = await period_for(date(2026, 10, 1), RULES)
    result = await export(tmp_path, period)
    assert (result.units, result.activities, result.missing) == (3, 0, 3)
    wb = load_workbook(result.path)
    summary = wb["Tổng hợp"]
    assert row_named(summary, "Chi bộ bản Một")[2:] == [0] * 8 + ["chưa báo cáo", None]
    assert row_named(summary, "TỔNG CỘNG")[2] == "=SUM(C10,C13)"
    assert [r[2] for r in rows(wb["Chưa báo cáo"])[3:]] == [
        "Chi bộ bản Một",
        "Chi bộ bản Hai",
        "Chi bộ bản Ba",
    ]
    assert rows(wb["Phát thanh loa"])[3][0] == "Không có báo cáo"


async def test_a_commune_gets_only_its_own_cells(db: str, world: World, tmp_path: Path) -> None:
    period, _ = await october_with_every_status(world)
    result = await export(tmp_path, period, root=world.commune)
    assert (result.units, result.activities, result.missing) == (2, 5, 0)
    wb = load_workbook(result.path)
    summary = wb["Tổng hợp"]
    names = [r[1] for r in rows(summary)[SUMMARY_HEAD:]]
    assert names[:4] == ["Đảng ủy xã Mường Thử", "Chi bộ bản Một", "Chi bộ bản Hai", "TỔNG CỘNG"]
    assert summary["A7"].value.endswith("Đơn vị: Đảng ủy xã Mường Thử")
    assert rows(wb["Chưa báo cáo"])[3][0] == "Tất cả đơn vị đã báo cáo."

    only_three = await export(tmp_path, period, root=world.cells[2])
    assert only_three.units == 1 and only_three.activities == 0
    lone = load_workbook(only_three.path)["Tổng hợp"]
    assert row_named(lone, "Chi bộ bản Ba")[-2] == "không phát sinh"


async def test_a_date_range_sums_by_activity_date_without_statuses(
    db: str, world: World, tmp_path: Path
) -> None:
    await october_with_every_status(world)
    result = await export(tmp_path, None, start=date(2026, 9, 25), end=date(2026, 10, 15))
    assert result.activities == 3  # 28/09 and 03/10 broadcasts, 12/10 banners; not 20/10 onwards
    wb = load_workbook(result.path)
    assert wb.sheetnames == [
        "Tổng hợp",
        "Phát thanh loa",
        "Cổ động trực quan",
        "Hội họp, sinh hoạt",
        "Chủ đề, hình thức",
    ]
    summary = wb["Tổng hợp"]
    assert summary["A7"].value == (
        "Thời gian: 25/09/2026 - 15/10/2026 (cộng theo ngày diễn ra hoạt động). "
        "Đơn vị: tất cả các đơn vị"
    )
    assert row_named(summary, "Chi bộ bản Một")[2:] == [53, 590, 0, 4, 0, 0, 0, 0]
    assert summary.max_column == 10


def test_the_grand_total_stays_a_valid_formula_however_many_groups() -> None:
    assert grand_total("C", [10, 13], 10, 15) == "=SUM(C10,C13)"
    many = grand_total("C", list(range(10, 10 + 300)), 10, 400)
    assert many.startswith("=SUM(SUM(C10,") and many.count("SUM(") == 3
    huge = grand_total("C", list(range(10, 10 + 3000)), 10, 9000)
    assert huge == '=SUMIF($A$10:$A$9000,">0",C10:C9000)'
    assert grand_total("C", [], 10, 9) == "=0"


async def turn_of(member: Member, now: datetime, media_dir: Path) -> Turn:
    identity = await Identity.get(member=member).select_related("member__unit")
    return Turn(
        inc=Incoming("console", identity.external_id, text="/xuatbaocao"),
        identity=identity,
        member=identity.member,
        unit=identity.member.unit,
        now=now,
        today=vn_today(now),
        catalog=await CatalogCache().get(),
        rules=RULES,
        media_dir=media_dir,
        flow="menu",
        step="main",
        state={},
        version=1,
    )


async def test_a_supervisor_gets_the_workbook_of_their_commune(
    db: str, world: World, clock: Callable[[], datetime], tmp_path: Path
) -> None:
    await october_with_every_status(world)
    turn = await turn_of(world.supervisor, clock(), tmp_path / "media")
    await export_command(turn, "10/2026")
    assert [r.text for r in turn.replies] == ["Đang tạo báo cáo…"] and not turn.notes
    assert turn.replies[0].then is not None
    done, draft = await turn.replies[0].then()
    assert done.text == (
        "Báo cáo tháng 10/2026 của Đảng ủy xã Mường Thử: 2 đơn vị, 5 hoạt động, "
        "0 đơn vị chưa báo cáo."
    )
    assert done.file is not None and done.file.parent == tmp_path / "media" / "exports"
    summary = load_workbook(done.file)["Tổng hợp"]
    assert summary["A7"].value.endswith("Đơn vị: Đảng ủy xã Mường Thử")
    # The commune signs its own: its party committee's heading, not the province board's.
    assert (summary["A1"].value, summary["A2"].value) == (
        "ĐẢNG BỘ TỈNH THỬ NGHIỆM",
        "ĐẢNG ỦY XÃ MƯỜNG THỬ",
    )
    assert draft.text.startswith("Dự thảo báo cáo (Word)")
    assert draft.file is not None and draft.file.suffix == ".docx" and draft.file.exists()


async def test_without_a_month_the_admin_gets_the_period_that_matters_now(
    db: str, world: World, tmp_path: Path
) -> None:
    turn = await turn_of(world.admin, vn(date(2026, 11, 10)), tmp_path / "media")
    await export_command(turn, "")  # 10/11: October is still open for late reports
    done, _ = await turn.replies[0].then()  # type: ignore[misc]
    assert done.text.startswith("Báo cáo tháng 10/2026 của Tỉnh ủy Thử Nghiệm: 3 đơn vị")

    turn = await turn_of(world.admin, vn(date(2026, 11, 20)), tmp_path / "media")
    await export_command(turn, "")  # 20/11: October locked on 15/11, November is the one
    done, _ = await turn.replies[0].then()  # type: ignore[misc]
    assert done.text.startswith("Báo cáo tháng 11/2026 của Tỉnh ủy Thử Nghiệm: 3 đơn vị")


@pytest.mark.parametrize(
    ("arg", "said"),
    [
        ("13/2026", "Chưa hiểu kỳ “13/2026”"),
        ("hôm qua", "Chưa hiểu kỳ “hôm qua”"),
        ("12/2026", "Tháng 12/2026 chưa tới"),
    ],
)
async def test_a_bad_month_is_explained_and_nothing_is_built(
    db: str, world: World, clock: Callable[[], datetime], tmp_path: Path, arg: str, said: str
) -> None:
    turn = await turn_of(world.admin, clock(), tmp_path / "media")
    await export_command(turn, arg)
    assert turn.replies == [] and len(turn.notes) == 1 and said in turn.notes[0]


async def test_a_reporter_may_not_export(
    db: str, world: World, clock: Callable[[], datetime], tmp_path: Path
) -> None:
    turn = await turn_of(world.reporter, clock(), tmp_path / "media")
    await export_command(turn, "10/2026")
    assert turn.replies == [] and turn.notes == [T.NOT_ALLOWED]
