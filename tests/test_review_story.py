"""The review loop end to end, through the real channel adapters and the fake Telegram and Zalo
servers on loopback: a secretary reports on Zalo (numbers), the commune's supervisor reviews on
Telegram (buttons), and the export shows the unit approved and the commune closed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from conftest import RULES
from openpyxl import load_workbook
from review_helpers import picture
from test_telegram import Harness as TelegramHarness
from test_telegram import start_channel as start_telegram
from test_zalo_bot import BOT_A, BOT_B
from test_zalo_bot import Harness as ZaloHarness
from test_zalo_bot import member_user as zalo_member
from test_zalo_bot import start_channel as start_zalo

from bot.sender import OutboxSender
from exports.lines import Letterhead
from exports.report import ReportScope, write_report
from factories import World
from fakes.telegram_server import Call, FakeTelegram, FakeUser
from fakes.zalo_bot_server import FakeZaloBot
from handlers import reviewing
from handlers import texts as T
from handlers.engine import Engine
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan
from models import Activity, AuditEntry
from models.periods import period_for
from models.review import Review, ReviewState

PLAN = ReminderPlan()
SUPERVISOR_TG = 7003


@pytest.fixture
async def tg(engine: Engine) -> AsyncIterator[TelegramHarness]:
    server = FakeTelegram()
    await server.start()
    harness = await start_telegram(engine, server)
    yield harness
    await harness.channel.stop()
    await server.stop()


@pytest.fixture
async def zb(engine: Engine) -> AsyncIterator[ZaloHarness]:
    server = FakeZaloBot(BOT_A, BOT_B)
    await server.start()
    harness = await start_zalo(engine, server)
    yield harness
    await harness.channel.stop()
    await server.stop()


async def test_reported_sent_back_fixed_approved_closed_and_exported(
    engine: Engine, world: World, clock, tg: TelegramHarness, zb: ZaloHarness, tmp_path: Path
) -> None:
    secretary = await zalo_member(zb.server, world)
    await link_identity(world.supervisor, "telegram", str(SUPERVISOR_TG))
    supervisor = FakeUser(tg.server, SUPERVISOR_TG, "Xem")
    sender = OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock)

    async def deliver() -> None:
        await reviewing.notify(clock(), PLAN, gathered=False, digest_hour=16)
        await sender.drain()
        await tg.channel.settled()
        await zb.channel.settled()

    # The secretary reports on Zalo, answering by number.
    said = await zb.say(secretary, "pt hom nay 2 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    assert "1. ✔ Lưu" in said
    said = await zb.say(secretary, "1")
    activity = await Activity.get()
    assert f"Đã lưu {activity.receipt}" in said

    # The supervisor is notified on Telegram, opens the queue and sends it back.
    await deliver()
    notice = tg.server.sent(SUPERVISOR_TG)[-1].text
    assert notice.startswith(f"Báo cáo mới chờ duyệt: {activity.receipt} · Chi bộ bản Một")
    said = await tg.say(supervisor, "/duyet")
    assert "1 báo cáo chờ duyệt" in said
    await tg.press(supervisor, activity.receipt)
    await tg.press(supervisor, "Trả lại")
    said = await tg.say(supervisor, "thiếu ảnh")
    assert f"Đã trả lại {activity.receipt} cho Lò Văn Thử: thiếu ảnh" in said

    # The secretary is told on Zalo, with the fix as number 1, and adds a photo.
    await deliver()
    told = zb.server.sent(secretary.id)[-1].text
    assert f"Báo cáo {activity.receipt} (Phát thanh loa 20/11) bị trả lại: thiếu ảnh." in told
    assert "1. ✎ Sửa báo cáo" in told
    said = await zb.say(secretary, "1")
    assert "Lý do trả lại: thiếu ảnh" in said and "1. ✔ Lưu thay đổi" in said
    said = "\n".join(c.text for c in await zb.send(secretary, secretary.photo(picture(1))))
    assert "Đã nhận 1 ảnh" in said
    said = await zb.say(secretary, "1")
    assert "lần sửa 2" in said and "gửi lại để duyệt" in said

    # The supervisor is told it is fixed, and approves it; a second tap approves nothing more.
    await deliver()
    assert "đã được sửa theo yêu cầu (lần sửa 2)" in tg.server.sent(SUPERVISOR_TG)[-1].text
    await tg.say(supervisor, "/duyet")
    said = await tg.press(supervisor, activity.receipt)
    assert "• Ảnh: 1" in said
    item = supervisor.last_keyboard()
    said = await tg.press(supervisor, "Duyệt")
    assert f"Đã duyệt {activity.receipt}." in said
    assert T.STALE_BUTTON in _texts(await tg.send(supervisor, supervisor.press("Duyệt", item)))
    review = await Review.get(activity_id=activity.id)
    assert (review.state, review.version) == (ReviewState.APPROVED, 2)
    assert await AuditEntry.filter(action="approve").count() == 1

    # The commune closes November.
    said = await tg.press(supervisor, "Chốt số liệu")
    assert "Chốt số liệu tháng 11/2026 của Đảng ủy xã Mường Thử?" in said
    said = await tg.press(supervisor, "Chốt số liệu")
    assert "Đã chốt số liệu tháng 11/2026 của Đảng ủy xã Mường Thử." in said

    # The province's workbook: the unit approved, the commune closed, the other one not.
    period = await period_for(date(2026, 11, 1), RULES)
    scope = ReportScope(period.start, period.end, period, world.province, "tháng 11/2026")
    result = await write_report(
        tmp_path / "baocao.xlsx", scope, Letterhead("BAN TUYÊN GIÁO", "Thử"), date(2026, 11, 20)
    )
    sheet = load_workbook(result.path, read_only=True)["Tổng hợp"]
    rows = {r[1]: r for r in sheet.iter_rows(values_only=True) if len(r) > 1 and r[1]}
    assert rows["Chi bộ bản Một"][-2] == "đúng hạn, đã duyệt"
    assert rows["Chi bộ bản Hai"][-2] == "chưa đến hạn"  # 20/11: before the deadline
    assert rows["Đảng ủy xã Mường Thử"][-1] == "Đã chốt số liệu"
    assert rows["Đảng ủy xã Nà Giả"][-1] is None


def _texts(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.method == "sendMessage")
