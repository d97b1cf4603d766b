"""A cell secretary reports each kind of activity, by typing and by buttons."""

from __future__ import annotations

from datetime import date

from factories import Chat, World, report_state
from handlers import texts as T
from handlers.engine import Engine
from models import Activity, AuditEntry, Period


async def test_broadcast_report_typed_without_diacritics(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("phat thanh")
    assert "Phát thanh ngày nào?" in chat.text
    await chat.send("hom qua")
    await chat.send("3 buổi")
    await chat.send("khoang 90 phut")
    await chat.send("1, 3")
    await chat.send("Cụm loa bản Một")
    assert "Kiểm tra báo cáo Phát thanh loa" in chat.text
    assert "• Số buổi phát: 3 buổi" in chat.text
    await chat.send("luu")
    assert "Đã lưu BC-" in chat.text
    activity = await Activity.get().select_related("kind", "period", "unit", "reporter")
    assert activity.kind.code == "phat_thanh"
    assert activity.activity_date == date(2026, 11, 19)
    assert activity.data["sessions"] == 3 and activity.data["minutes"] == 90
    assert activity.data["topics"] == ["nq_dh13", "nq_21"]
    assert activity.data["place"] == "Cụm loa bản Một"
    assert activity.unit.id == world.cells[0].id and activity.reporter.id == world.reporter.id
    assert (activity.period.start, activity.period.deadline) == (
        date(2026, 11, 1),
        date(2026, 12, 5),
    )
    assert activity.receipt in chat.text
    assert await AuditEntry.filter(entity="activity", action="create").count() == 1
    assert await report_state(world.reporter.phone) == ("menu", "main", {})
    assert await Period.all().count() == 1


async def test_confirming_twice_saves_once(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    await chat.press("Cổ động")
    await chat.press("Hôm nay")
    await chat.press("Băng rôn")
    await chat.send("5 cai")
    await chat.press("Xong")
    await chat.send("Nhà văn hóa")
    await chat.press("Chủ đề khác")
    await chat.press("Giải Búa liềm")
    await chat.press("Xong")
    summary = chat.last
    await chat.press("Lưu", summary)
    assert "Đã lưu BC-" in chat.text
    await chat.press("Lưu", summary)
    assert "Nút này đã cũ" in chat.text
    assert await Activity.all().count() == 1


async def test_a_place_is_typed_or_sent_as_a_pin(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("phat thanh")
    await chat.pin(21.0, 105.8)  # the date is asked: a pin is answered and changes nothing
    assert T.LOCATION_NOT_NOW in chat.text and "Phát thanh ngày nào?" in chat.text
    await chat.send("hom nay")
    await chat.send("2")
    await chat.send("30")
    await chat.send("1")
    assert T.PLACE_HINT in chat.text
    for latitude, longitude in ((95.0, 105.8), (21.0, 181.0), (0.0, 0.0), (float("nan"), 1.0)):
        await chat.pin(latitude, longitude)
        assert T.BAD_LOCATION in chat.text and T.PLACE_HINT in chat.text
    await chat.pin(21.3891234, 103.0123456)
    assert T.PLACE_RECEIVED in chat.text and "Kiểm tra báo cáo" in chat.text
    assert "• Nơi phát: 📍 21.38912, 103.01235" in chat.text
    await chat.pin(21.0, 105.8)  # at the summary: the place is the new pin
    assert T.PLACE_RECEIVED in chat.text and "chọn Lưu" in chat.text
    assert (await report_state(world.reporter.phone))[2]["place"] == {
        "lat": 21.0,
        "lon": 105.8,
    }
    # Changed to a typed place from the summary: the pin is gone.
    await chat.press("Sửa")
    await chat.press("Nơi phát")
    await chat.send("Cụm loa bản Hai")
    assert "• Nơi phát: Cụm loa bản Hai" in chat.text
    await chat.send("luu")
    activity = await Activity.get()
    assert activity.data["place"] == "Cụm loa bản Hai"
