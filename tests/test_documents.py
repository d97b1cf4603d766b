"""The documents the committee signs, checked as LibreOffice prints them: the party format's
letterhead, number line, title, signer and Nơi nhận, the totals, where the pages break; the
narrative report; quarters; counts per topic and form; what stays inside the board."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image
from printed import printed, squeeze
from test_exports import (
    LETTERHEAD,
    RULES,
    TODAY,
    computed_by_libreoffice,
    october_with_every_status,
    report,
    row_named,
    rows,
    turn_of,
    vn,
)

from bot.config import Settings
from bot.exporter import clean_exports, letterhead_for
from exports.report import ReportScope, review_scope, write_report
from factories import World, add_unit
from handlers import texts as T
from handlers.exporting import export_command, parse_span
from handlers.media import store_photo
from handlers.messages import Photo
from models import Activity
from models.export_data import form_quantities
from models.periods import half_span, period_for, quarter_span, year_span

SIGNER = "Nguyễn Văn Ký"


def jpeg(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), color).save(buf, "JPEG")
    return buf.getvalue()


async def october_export(world: World, tmp_path: Path) -> ReportScope:
    period, _ = await october_with_every_status(world)
    return ReportScope(period.start, period.end, period, None, "tháng 10/2026")


async def test_the_province_summary_prints_as_a_party_document(
    db: str, world: World, tmp_path: Path
) -> None:
    scope = await october_export(world, tmp_path)
    result = await write_report(tmp_path / "bao-cao.xlsx", scope, LETTERHEAD, TODAY)
    pages = printed(result.path, tmp_path / "pdf")
    first = squeeze(pages.pages[0])
    # Top left the superior body over the issuing body, "*", the number line; top right the
    # Party's name and the place and date; then BÁO CÁO over its summary line.
    assert "TỈNH ỦY THỬ NGHIỆM ĐẢNG CỘNG SẢN VIỆT NAM" in first
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN Mường Thử, ngày 20 tháng 11 năm 2026" in first
    assert "\n * \n" in first or "\n *\n" in first
    assert "Số -BC/BTGDVTU" in first
    lines = [line.strip() for line in first.splitlines()]
    title = lines.index("BÁO CÁO")
    assert lines[title + 1] == "Kết quả công tác tuyên truyền tháng 10/2026"
    # The totals as LibreOffice computes and prints them, the signature beside Nơi nhận.
    last = pages.page_with("TỔNG CỘNG")
    end = squeeze(pages.pages[last])
    assert "TỔNG CỘNG 5 135 6 4 0 0 1 30 Đã báo cáo 3/4" in end
    assert "Nơi nhận: K/T TRƯỞNG BAN" in end
    assert "- Thường trực Tỉnh ủy (để báo cáo) PHÓ TRƯỞNG BAN" in end
    assert SIGNER in end and end.index(SIGNER) > end.index("PHÓ TRƯỞNG BAN")
    assert "Chi bộ bản Hai" in end  # never the total alone
    assert "Trang 1/" in pages.pages[0]  # page numbers
    # Nothing prints under 9 points on the summary, nor on a kind's sheet.
    kinds = pages.page_with("PHÁT THANH LOA — tháng 10/2026")
    assert pages.smallest_text(1, kinds + 1) >= 9.0
    assert "Không có báo cáo" not in "".join(pages.pages)


async def test_with_many_units_the_total_and_signature_print_with_the_last_rows(
    db: str, world: World, tmp_path: Path
) -> None:
    """154 units: the grand total and the signature would fall alone on the last page."""
    period = await period_for(date(2026, 10, 1), RULES)
    for c in range(5):
        commune = await add_unit(f"Y{c}", f"Đảng ủy xã Thử {c}", world.province, reports=False)
        for n in range(30):
            await add_unit(f"Y{c}-{n}", f"Chi bộ bản Số {c * 30 + n}", commune)
    scope = ReportScope(period.start, period.end, period, None, "tháng 10/2026")
    result = await write_report(tmp_path / "nhieu.xlsx", scope, LETTERHEAD, TODAY)
    assert result.units == 153
    pages = printed(result.path, tmp_path / "pdf")
    last = pages.page_with("TỔNG CỘNG")
    assert last >= 3  # the summary runs over several pages
    end = squeeze(pages.pages[last])
    assert "Chi bộ bản Số 149" in end and SIGNER in end and "Nơi nhận:" in end
    # The header row repeats on the page the block moved to.
    assert "STT" in end
    for page in pages.pages[: last + 1]:
        assert "Trang" in page


async def test_an_empty_kind_says_so_as_printed(db: str, world: World, tmp_path: Path) -> None:
    period = await period_for(date(2026, 10, 1), RULES)
    scope = ReportScope(period.start, period.end, period, None, "tháng 10/2026")
    result = await write_report(tmp_path / "trong.xlsx", scope, LETTERHEAD, TODAY)
    pages = printed(result.path, tmp_path / "pdf")
    page = squeeze(pages.pages[pages.page_with("CỔ ĐỘNG TRỰC QUAN — tháng 10/2026")])
    assert "Không có báo cáo" in page


async def test_a_communes_export_carries_its_own_heading(
    db: str, world: World, tmp_path: Path
) -> None:
    period, _ = await october_with_every_status(world)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    letterhead = await letterhead_for(world.commune, settings)
    scope = ReportScope(period.start, period.end, period, world.commune, "tháng 10/2026")
    result = await write_report(tmp_path / "xa.xlsx", scope, letterhead, TODAY)
    pages = printed(result.path, tmp_path / "pdf")
    first = squeeze(pages.pages[0])
    assert "ĐẢNG BỘ TỈNH THỬ NGHIỆM ĐẢNG CỘNG SẢN VIỆT NAM" in first
    assert "ĐẢNG ỦY XÃ MƯỜNG THỬ Mường Thử, ngày 20 tháng 11 năm 2026" in first
    assert "Số -BC/ĐU" in first
    end = squeeze(pages.pages[pages.page_with("TỔNG CỘNG")])
    assert "T/M ĐẢNG ỦY" in end and "BÍ THƯ" in end
    assert "- Ban Tuyên giáo và Dân vận Tỉnh ủy Thử Nghiệm" in end and "- Lưu VP" in end
    assert "BAN TUYÊN GIÁO" not in "".join(pages.pages)

    # The whole tree's export is the board's, named from the tree; ISSUERS overrides per unit.
    board = await letterhead_for(world.province, settings)
    assert (board.superior, board.body, board.symbol, board.place) == (
        "TỈNH ỦY THỬ NGHIỆM",
        "BAN TUYÊN GIÁO VÀ DÂN VẬN",
        "BTGDVTU",
        "Thử Nghiệm",
    )
    assert await letterhead_for(None, settings) == board
    named = Settings(  # type: ignore[call-arg]
        _env_file=None,
        issuers={"X1": {"signer": "Quàng Văn Xem", "title": "PHÓ BÍ THƯ", "recipients": ["Lưu"]}},
    )
    own = await letterhead_for(world.commune, named)
    assert (own.signer, own.title, own.recipients) == ("Quàng Văn Xem", "PHÓ BÍ THƯ", ("Lưu",))


async def test_the_narrative_report_prints_in_the_party_format(
    db: str, world: World, tmp_path: Path
) -> None:
    period, _ = await october_with_every_status(world)
    media = tmp_path / "media"
    red, _ = await store_photo(Photo(jpeg((200, 30, 30))), media)
    first = await Activity.get(unit=world.cells[0], kind__code="phat_thanh", period=period,
                               deleted_at=None)  # fmt: skip
    await Activity.filter(id=first.id).update(data={**first.data, "photos": [red.sha256]})
    scope = ReportScope(period.start, period.end, period, None, "tháng 10/2026")
    result = await write_report(
        tmp_path / "bao-cao.xlsx",
        scope,
        LETTERHEAD,
        TODAY,
        docx=tmp_path / "du-thao.docx",
        media_dir=media,
    )
    assert result.docx == tmp_path / "du-thao.docx"
    with zipfile.ZipFile(result.docx) as z:
        images = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(images) == 1 and z.getinfo(images[0]).file_size < 60_000  # a thumbnail
        assert "Times New Roman" in z.read("word/document.xml").decode()
    doc = printed(result.docx, tmp_path / "pdf")
    text = squeeze("\n".join(doc.pages))
    first = squeeze(doc.pages[0])
    assert "TỈNH ỦY THỬ NGHIỆM ĐẢNG CỘNG SẢN VIỆT NAM" in first
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in first and "Số -BC/BTGDVTU" in first
    assert "Mường Thử, ngày 20 tháng 11 năm 2026" in first
    assert "BÁO CÁO\n Kết quả công tác tuyên truyền tháng 10/2026" in first
    flat = " ".join(text.split())
    for words in (
        "I. KẾT QUẢ THỰC HIỆN",
        "Có 3/4 đơn vị đã báo cáo (đạt 75%), trong đó 1 đơn vị báo cáo đúng hạn, 1 đơn vị "
        "báo cáo muộn, 1 đơn vị báo cáo không phát sinh.",
        "1. Phát thanh loa: 2/4 đơn vị có báo cáo (50%); số buổi phát: 5; thời lượng (phút): "
        "135. Đơn vị có kết quả cao nhất: Chi bộ bản Một (số buổi phát: 3).",
        "2. Cổ động trực quan: 2/4 đơn vị có báo cáo (50%); khẩu hiệu: 6; băng rôn: 4;",
        "II. HẠN CHẾ, TỒN TẠI",
        "Còn 1 đơn vị chưa báo cáo: Chi bộ bản Bốn.",
        "1 đơn vị báo cáo muộn: Chi bộ bản Hai.",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THỜI GIAN TỚI",
        "Nơi nhận: K/T TRƯỞNG BAN",
        "- Thường trực Tỉnh ủy (để báo cáo) PHÓ TRƯỞNG BAN",
        SIGNER,
        "PHỤ LỤC",
        "(Kèm theo Báo cáo số -BC/BTGDVTU, ngày / /2026 của Ban Tuyên giáo và Dân vận)",
        "TỔNG CỘNG 5 135 6 4 0 0 1 30",
        "PHỤ LỤC HÌNH ẢNH",
        "Chi bộ bản Một, ngày 03/10/2026 — Phát thanh loa",
    ):
        assert " ".join(words.split()) in flat, words
    # The signature follows the text on its page; the appendix starts a page of its own.
    sign = doc.page_with(SIGNER)
    assert "III. PHƯƠNG HƯỚNG" in doc.pages[sign] or "kỳ tới" in doc.pages[sign]
    assert doc.page_with("PHỤ LỤC") > sign
    assert doc.smallest_text(1, len(doc.pages)) >= 9.0


async def test_a_quarter_is_built_from_its_months(db: str, world: World, tmp_path: Path) -> None:
    await october_with_every_status(world)
    # November: Bản Một reports 4 sessions; July (the quarter before) 10; Q4 2025 nothing.
    await report(world.cells[0], world.reporter, "phat_thanh", date(2026, 11, 2),
                 date(2026, 11, 2), sessions=4, minutes=60, place="x")  # fmt: skip
    await report(world.cells[0], world.reporter, "phat_thanh", date(2026, 7, 2),
                 date(2026, 7, 2), sessions=10, minutes=100, place="x")  # fmt: skip
    scope = await review_scope(quarter_span(4, 2026), None, RULES, T.period_label)
    assert scope.label == "quý IV/2026"
    assert scope.review is not None and scope.review.period_names == (
        "T10/2026", "T11/2026", "T12/2026"
    )  # fmt: skip
    result = await write_report(
        tmp_path / "quy.xlsx", scope, LETTERHEAD, TODAY, docx=tmp_path / "quy.docx"
    )
    assert result.activities == 6 and result.missing == 1
    assert result.docx is not None
    narrative = " ".join(" ".join(printed(result.docx, tmp_path / "pdf").pages).split())
    assert "Kết quả công tác tuyên truyền quý IV/2026" in narrative
    assert "Có 3/4 đơn vị đã báo cáo đủ các kỳ đến hạn (đạt 75%)." in narrative
    assert "PHỤ LỤC HÌNH ẢNH" not in narrative  # no photos, no empty appendix
    assert "So với quý III/2026: số buổi phát giảm 85%; thời lượng (phút) giảm 68%" in narrative
    sheets = computed_by_libreoffice(result.path, tmp_path / "lo")
    summary = {r[1]: r for r in sheets["Tổng hợp"] if len(r) > 1}
    # Periods reported (October only is due: November and December are not yet), late, missing.
    assert summary["Chi bộ bản Một"][2:4] == ["7", "150"]
    assert summary["Chi bộ bản Một"][-3:] == ["2/3", "0", ""]
    assert summary["Chi bộ bản Hai"][-3:] == ["1/3", "1", ""]
    assert summary["Chi bộ bản Bốn"][-3:] == ["0/3", "0", "T10/2026"]
    per_period = {r[1]: r[2:] for r in sheets["Báo cáo từng kỳ"][3:] if len(r) > 2}
    assert per_period["Chi bộ bản Một"] == ["Đ", "Đ", "-"]
    assert per_period["Chi bộ bản Ba"] == ["K", "-", "-"]
    months = {r[0]: r[1:] for r in sheets["Theo tháng, so sánh"][4:]}
    assert months["Tháng 10/2026"][:2] == ["5", "135"] and months["Tháng 10/2026"][-1] == "3/4"
    assert months["Tháng 11/2026"][:2] == ["4", "60"]
    assert months["Tháng 11/2026"][-1] == "1/4 (chưa đến hạn)"
    assert months["Tháng 12/2026"][:2] == ["0", "0"]
    assert months["Cộng quý IV/2026"][:2] == ["9", "195"]
    assert months["Kỳ trước (quý III/2026)"][:2] == ["60", "600"]  # July and 28/09
    assert months["Tăng, giảm so với kỳ trước (%)"][:2] == ["-85%", "-68%"]
    assert months["Cùng kỳ năm trước (quý IV/2025)"][:2] == ["0", "0"]
    assert months["Tăng, giảm so với cùng kỳ (%)"][:2] == ["", ""]
    missing = sheets["Chưa báo cáo"]
    assert missing[3][2:] == ["Chi bộ bản Bốn", "Hoàng Văn Bốn", "T10/2026"]


def test_quarters_halves_and_years_are_read_as_people_type_them() -> None:
    assert parse_span("quý 4/2026") == quarter_span(4, 2026)
    assert parse_span("quy IV 2026") == quarter_span(4, 2026)
    assert parse_span("Q1/2027") == quarter_span(1, 2027)
    assert parse_span("6 tháng 2/2026") == half_span(2, 2026)
    assert parse_span("6 thang dau nam 2026") == half_span(1, 2026)
    assert parse_span("năm 2026") == year_span(2026) == parse_span("2026")
    for bad in ("quý 5/2026", "6 tháng 3/2026", "năm 1999", "hôm qua"):
        assert parse_span(bad) is None, bad


async def test_the_chat_command_takes_a_quarter(db: str, world: World, tmp_path: Path) -> None:
    await october_with_every_status(world)
    turn = await turn_of(world.supervisor, vn(date(2026, 11, 20)), tmp_path / "media")
    await export_command(turn, "quý 4/2026")
    assert turn.replies[0].then is not None
    done, draft = await turn.replies[0].then()
    assert done.text.startswith("Báo cáo quý IV/2026 của Đảng ủy xã Mường Thử: 2 đơn vị")
    wb = load_workbook(done.file)
    assert "Theo tháng, so sánh" in wb.sheetnames and "Liên hệ (nội bộ)" not in wb.sheetnames
    assert draft.file is not None and draft.file.suffix == ".docx"
    assert done.file.name.startswith("baocao_X1_2026-Q4_")
    turn = await turn_of(world.supervisor, vn(date(2026, 11, 20)), tmp_path / "media")
    await export_command(turn, "quý 1/2027")
    assert turn.replies == [] and turn.notes == ["Quý I/2027 chưa tới nên chưa có gì để xuất."]


async def test_forms_are_counted_from_either_shape(db: str, world: World, tmp_path: Path) -> None:
    """One form and its quantity, as reports are stored today, or several forms with a quantity
    each in one report."""
    assert form_quantities({"form": "Băng rôn", "quantity": 4}) == {"Băng rôn": 4}
    assert form_quantities({"form": {"Băng rôn": 3, "Khẩu hiệu": 2, "Panô": 0}}) == {
        "Băng rôn": 3,
        "Khẩu hiệu": 2,
    }
    assert form_quantities({"form": "Họp thôn/bản"}, quantity_key=None) == {"Họp thôn/bản": 1}
    assert form_quantities({"form": "Băng rôn", "quantity": "nhiều"}) == {}
    await october_with_every_status(world)
    await report(world.cells[0], world.reporter, "co_dong", date(2026, 10, 20), date(2026, 10, 21),
                 forms={"Băng rôn": 3, "Khẩu hiệu": 2}, place="Đầu bản")  # fmt: skip
    period = await period_for(date(2026, 10, 1), RULES)
    scope = ReportScope(period.start, period.end, period, None, "tháng 10/2026")
    wb = load_workbook((await write_report(tmp_path / "b.xlsx", scope, LETTERHEAD, TODAY)).path)
    # Slogans, banners, panels, posters of Bản Một: 2 and 4 + 3.
    assert row_named(wb["Tổng hợp"], "Chi bộ bản Một")[4:8] == [2, 7, 0, 0]
    sheet = rows(wb["Chủ đề, hình thức"])
    topics = {r[1]: r[2:] for r in sheet if r[1] and r[0] is not None}
    assert topics["Nghị quyết Đại hội XIII của Đảng"] == [6, 5, 195]
    start = next(i for i, r in enumerate(sheet) if r[0] == "Theo hình thức") + 2
    forms: dict[tuple[str, str], list[int]] = {}
    kind = ""
    for r in sheet[start:]:
        if r[0] is None:
            kind = r[1]  # a kind's row, its forms under it
        else:
            forms[(kind, r[1])] = r[2:4]
    assert forms[("Cổ động trực quan", "Băng rôn")] == [2, 7]
    assert forms[("Cổ động trực quan", "Khẩu hiệu")] == [2, 8]
    assert forms[("Cổ động trực quan", "Panô")] == [0, 0]
    assert forms[("Hội họp, sinh hoạt", "Họp thôn/bản")] == [1, 1]


async def test_before_the_deadline_a_unit_is_not_yet_late(
    db: str, world: World, tmp_path: Path
) -> None:
    period = await period_for(date(2026, 11, 1), RULES)  # deadline 05/12
    await report(world.cells[0], world.reporter, "phat_thanh", date(2026, 11, 3),
                 date(2026, 11, 3), sessions=1, minutes=10, place="x")  # fmt: skip
    scope = ReportScope(period.start, period.end, period, None, "tháng 11/2026")
    result = await write_report(tmp_path / "t11.xlsx", scope, LETTERHEAD, TODAY)
    assert result.missing == 0
    summary = load_workbook(result.path)["Tổng hợp"]
    assert row_named(summary, "Chi bộ bản Hai")[-2] == "chưa đến hạn"
    # A report from before the review counts as approved (no review row).
    assert row_named(summary, "Chi bộ bản Một")[-2] == "đúng hạn, đã duyệt"


async def test_phone_numbers_stay_on_the_internal_sheet(
    db: str, world: World, tmp_path: Path
) -> None:
    period, _ = await october_with_every_status(world)
    scope = ReportScope(period.start, period.end, period, None, "tháng 10/2026")

    def xml(path: Path) -> str:
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))

    public = await write_report(tmp_path / "gui.xlsx", scope, LETTERHEAD, TODAY)
    assert "0900000105" not in xml(public.path)
    inside = await write_report(tmp_path / "noibo.xlsx", scope, LETTERHEAD, TODAY, internal=True)
    contacts = rows(load_workbook(inside.path)["Liên hệ (nội bộ)"])
    assert "KHÔNG GỬI ĐI" in contacts[0][0]
    assert contacts[2] == [1, "Đảng ủy xã Nà Giả", "Chi bộ bản Bốn", "Hoàng Văn Bốn",
                           "0900000105"]  # fmt: skip


def test_old_exports_are_removed_after_the_link_hours(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    old, fresh = folder / "cu.xlsx", folder / "moi.docx"
    old.write_bytes(b"x")
    fresh.write_bytes(b"x")
    keep = timedelta(hours=24)
    os.utime(old, ((now - timedelta(hours=25)).timestamp(),) * 2)
    os.utime(fresh, ((now - timedelta(hours=23)).timestamp(),) * 2)
    assert clean_exports(folder, keep, now) == 1
    assert not old.exists() and fresh.exists()
    assert clean_exports(tmp_path / "none", keep, now) == 0


def test_the_cli_writes_a_quarter_and_its_narrative(tmp_path: Path) -> None:
    """`baocao demo`, then `baocao export --quarter ... --docx --internal`, as a user runs them."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path}/demo.sqlite3",
        "MEDIA_DIR": str(tmp_path / "media"),
    }
    cli = [sys.executable, "-m", "bot.cli"]
    root = Path(__file__).resolve().parent.parent
    subprocess.run([*cli, "demo"], env=env, cwd=tmp_path, check=True, capture_output=True)
    today = datetime.now(UTC) + timedelta(hours=7)
    quarter = (today.month - 1) // 3 + 1
    out = subprocess.run(
        [
            *cli,
            "export",
            "--quarter",
            f"{quarter}/{today.year}",
            "--docx",
            "--internal",
            "-o",
            str(tmp_path / "quy.xlsx"),
        ],
        env={**env, "PYTHONPATH": str(root)},
        cwd=tmp_path,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert out.startswith(f"Đã ghi {tmp_path / 'quy.xlsx'}: quý ")
    assert (tmp_path / "quy.docx").exists()
    wb = load_workbook(tmp_path / "quy.xlsx")
    assert wb["Tổng hợp"]["A1"].value == "TỈNH ỦY BẮC VÂN"
    assert wb["Tổng hợp"]["A2"].value == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    assert "Liên hệ (nội bộ)" in wb.sheetnames
    bad = subprocess.run([*cli, "export", "--quarter", "5/2026", "-o", "x.xlsx"], env=env,
                         cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    assert bad.returncode != 0 and "Kỳ không hợp lệ: 5/2026" in bad.stderr
