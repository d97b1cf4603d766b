"""An admin asks the bot for the Excel sheet in the chat."""

from __future__ import annotations

from factories import Chat, World
from handlers.engine import Engine


async def test_admin_asks_for_the_excel_in_the_chat(engine: Engine, world: World) -> None:
    admin = Chat(engine, world.admin.phone)
    await admin.send("/xuatbaocao 13/2026")
    assert "Chưa hiểu kỳ “13/2026”" in admin.text
    await admin.send("/start")
    await admin.press("Xuất báo cáo Excel")
    notice = admin.replies[0]
    assert notice.text == "Đang tạo báo cáo…" and notice.then is not None
    assert "Chọn việc cần làm" in admin.last.text  # the menu stays usable meanwhile
    ready = await notice.then()
    assert ready[0].file is not None and ready[0].file.exists()
    reporter = Chat(engine, world.reporter.phone)
    await reporter.send("/xuatbaocao")
    assert "dành cho cán bộ theo dõi" in reporter.text
