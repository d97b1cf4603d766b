"""An admin adds a kind of activity in Excel, without code, and reporters use it at once."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from exports.catalog import write_catalog
from factories import Chat, World
from handlers.catalog_io import catalog_rows, import_catalog
from handlers.engine import Engine
from models import Activity, ActivityKind, Topic


async def test_admin_adds_a_kind_in_excel_and_reporters_use_it(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    path = tmp_path / "danh-muc.xlsx"
    write_catalog(path, await catalog_rows())
    wb = load_workbook(path)
    wb["LoaiHoatDong"].append(["tin_bai", "Tin, bài", 5, "có"])
    questions = wb["CauHoi"]
    questions.append(["tin_bai", "date", "Ngày đăng", "Tin, bài đăng ngày nào?", "ngày", "có"])
    questions.append(
        [
            "tin_bai",
            "count",
            "Số tin, bài",
            "Bao nhiêu tin, bài?",
            "số",
            "có",
            1,
            50,
            "bài",
            "",
            "có",
        ]
    )
    questions.append(
        [
            "tin_bai",
            "where",
            "Nơi đăng",
            "Đăng ở đâu?",
            "chọn",
            "có",
            None,
            None,
            "",
            "Bản tin xã; Trang mạng xã hội của xã; Loa",
        ]
    )
    questions.append(["tin_bai", "topics", "Chủ đề", "Viết về chủ đề nào?", "chủ đề", "có"])
    questions.append(["tin_bai", "photos", "Ảnh", "Ảnh chụp bài đăng.", "ảnh", "không"])
    wb["ChuDe"].append(["chuyen_doi_so", "Chuyển đổi số", 20, "có"])
    for row in wb["ChuDe"].iter_rows(min_row=2):
        if row[0].value == "bua_liem":
            row[3].value = "không"
    wb.save(path)

    result = await import_catalog(path)
    assert result.ok, result.report()
    assert "Đã cập nhật 4 loại hoạt động và 12 chủ đề" in result.report()
    assert not (await Topic.get(code="bua_liem")).active
    # The round trip keeps each type: "nơi" (a typed place or a pin) came back as written.
    broadcast = await ActivityKind.get(code="phat_thanh")
    assert {f["key"]: f["type"] for f in broadcast.fields_spec}["place"] == "place"
    engine.catalog.invalidate()  # other processes pick it up within the cache's 30 seconds

    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    assert "Tin, bài" in chat.labels()
    await chat.send("tin bai")
    assert "Tin, bài đăng ngày nào?" in chat.text
    await chat.send("hom nay")
    await chat.send("3 bài")
    await chat.send("ban tin xa")
    assert "Giải Búa liềm vàng" not in chat.text  # retired topic no longer offered
    await chat.send("Chuyển đổi số")
    await chat.send("bo qua")
    await chat.send("luu")
    assert "(Tin, bài, tháng 11/2026)" in chat.text
    a = await Activity.get().select_related("kind")
    assert a.kind.code == "tin_bai"
    assert a.data == {
        "date": "2026-11-20",
        "count": 3,
        "where": "Bản tin xã",
        "topics": ["chuyen_doi_so"],
        "photos": [],
    }


async def test_a_wrong_catalogue_changes_nothing(db: str, tmp_path: Path) -> None:
    path = tmp_path / "sai.xlsx"
    rows = await catalog_rows()
    rows["LoaiHoatDong"].append(["Tin Bai", "", "x", "có lẽ"])
    rows["CauHoi"].append(["Tin Bai", "date", "Ngày", "", "ngày mai", "", "", "", "", "", ""])
    rows["CauHoi"].append(["khong_co", "n", "Số", "", "số", "có", 5, 2, "", "", ""])
    rows["CauHoi"].append(
        ["phat_thanh", "form2", "Hình thức", "", "chọn", "có", "", "", "", "Chỉ một", ""]
    )
    write_catalog(path, rows)
    before = [(k.code, k.fields_spec) for k in await ActivityKind.all()]
    result = await import_catalog(path)
    report = result.report()
    assert not result.ok
    for expected in [
        "CauHoi dòng 20: kiểu “ngày mai” không rõ",
        "CauHoi dòng 21: cần 0 ≤ tối thiểu ≤ tối đa",
        "CauHoi dòng 22: câu “chọn” cần ít nhất 2 lựa chọn",
        "LoaiHoatDong dòng 5: mã loại chỉ gồm chữ thường",
        "LoaiHoatDong dòng 5: tên loại trống",
        "LoaiHoatDong dòng 5: cột Thứ tự phải là số nguyên",
        "LoaiHoatDong dòng 5: cột Đang dùng phải là “có” hoặc “không”",
        "LoaiHoatDong dòng 5: loại “Tin Bai” cần đúng một câu kiểu “ngày”",
        "CauHoi: mã loại “khong_co” không có trong trang LoaiHoatDong",
    ]:
        assert expected in report, (expected, report)
    assert [(k.code, k.fields_spec) for k in await ActivityKind.all()] == before
