"""The Telegram channel end to end: the real python-telegram-bot client against a fake Bot API
server on loopback, the real engine and database behind it."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.app import serve
from bot.channels import DeliveryStatus
from bot.channels.telegram import SECRET_HEADER, WEBHOOK_PATH, TelegramChannel, TelegramConfig
from bot.channels.telegram_render import (
    TEXT_LIMIT,
    inline_keyboard,
    plan,
    split_text,
    utf16_len,
)
from bot.channels.telegram_send import SendPolicy
from bot.config import Settings
from bot.web import WebServer
from factories import World
from fakes.clock import FakeTime
from fakes.telegram_server import TOKEN, Call, FakeTelegram, FakeUser, Fault
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Choice, Reply
from handlers.registration import issue_invite, link_identity
from models import (
    Activity,
    AuditEntry,
    Identity,
    InviteCode,
    Media,
    NilReport,
    RegistrationAttempt,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"evidence" * 50
JPEG = b"\xff\xd8\xff\xe0" + b"loudspeaker" * 60
SECRET = "s3cret_webhook-Token"


@dataclass
class Harness:
    server: FakeTelegram
    channel: TelegramChannel
    time: FakeTime

    async def send(self, user: FakeUser, update: dict[str, Any]) -> list[Call]:
        """Deliver the update and wait until the bot has handled it; what reached the user."""
        before = len(self.server.calls)
        update_id = await self.server.push(update)
        if self.server.webhook is None:
            await self.server.wait_fetched(update_id)
        await self.channel.settled()
        return [c for c in self.server.calls[before:] if c.chat_id == user.id]

    async def say(self, user: FakeUser, text: str) -> str:
        return _text(await self.send(user, user.text(text)))

    async def press(self, user: FakeUser, label: str) -> str:
        return _text(await self.send(user, user.press(label)))


def _text(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.method in ("sendMessage", "sendDocument"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config(server: FakeTelegram, **overrides: Any) -> TelegramConfig:
    quick = SendPolicy(backoff_base=0.01, backoff_max=0.05)
    base = TelegramConfig(
        token=TOKEN,
        base_url=server.base_url,
        base_file_url=server.base_file_url,
        send=quick,
        poll_timeout=1,
        request_timeout=1.0,
        shutdown_timeout=5,
    )
    return replace(base, **overrides)


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


async def start_channel(engine: Engine, server: FakeTelegram, **overrides: Any) -> Harness:
    fake_time = FakeTime()
    channel = TelegramChannel(
        engine, config(server, **overrides), sleep=fake_time.sleep, clock=fake_time.monotonic
    )
    await channel.start()
    return Harness(server, channel, fake_time)


@pytest.fixture
async def tg(engine: Engine, server: FakeTelegram) -> AsyncIterator[Harness]:
    harness = await start_channel(engine, server)
    yield harness
    await harness.channel.stop()


async def member_user(server: FakeTelegram, world: World, user_id: int = 7001) -> FakeUser:
    await link_identity(world.reporter, "telegram", str(user_id))
    return FakeUser(server, user_id, "Thử")


async def identity(user: FakeUser) -> Identity:
    return await Identity.get(channel="telegram", external_id=str(user.id))


# -- registration ------------------------------------------------------------------------------


async def test_deep_link_registers_and_shows_the_menu(tg: Harness, world: World) -> None:
    invite = await issue_invite(world.other_reporter, tg.channel.engine.clock(), 30)
    user = FakeUser(tg.server, 5001, "Giả")
    calls = await tg.send(user, user.text(f"/start {invite.code}"))
    ident = await identity(user)
    assert ident.member_id == world.other_reporter.id
    assert (await InviteCode.get(id=invite.id)).used_by_id == ident.id
    # The welcome carries the persistent menu keyboard; the menu itself comes with buttons.
    welcome, menu = calls
    assert "Chào Tòng Thị Giả!" in welcome.text
    assert welcome.markup["keyboard"] == [[{"text": T.TG_MENU_BUTTON}, {"text": T.TG_HELP_BUTTON}]]
    assert welcome.markup["is_persistent"] is True
    assert menu.text == T.MAIN_MENU_SHORT
    assert "Phát thanh loa" in menu.labels() and "Không phát sinh" in menu.labels()
    commands = tg.server.called("setMyCommands")[0].params["commands"]
    assert {"command": "xuatbaocao", "description": T.TG_COMMANDS["xuatbaocao"]} in commands


async def test_shared_phone_registers_only_the_senders_own_number(
    tg: Harness, world: World
) -> None:
    user = FakeUser(tg.server, 5002, "Giả")
    hello = await tg.send(user, user.text("/start"))
    assert T.STRANGER_PHONE_HINT in hello[0].text
    button = hello[0].markup["keyboard"][0][0]
    assert button == {"text": T.TG_SHARE_PHONE, "request_contact": True}
    # Someone else's contact card is not a registration.
    other = await tg.send(user, user.contact("+84 900 000 102", user_id=999))
    assert other[0].text == T.TG_CONTACT_NOT_OWN and other[0].markup["keyboard"]
    assert not await Identity.exists(channel="telegram")
    own = await tg.send(user, user.contact("+84 900 000 102"))
    assert "Chào Tòng Thị Giả!" in _text(own)
    assert (await identity(user)).member_id == world.other_reporter.id
    # The share-phone keyboard is replaced by the menu keyboard.
    assert own[0].markup["keyboard"][0][0]["text"] == T.TG_MENU_BUTTON


async def test_a_stranger_learns_how_to_join_and_nothing_else_is_kept(
    tg: Harness, world: World, tmp_path: Path
) -> None:
    user = FakeUser(tg.server, 5003, "Lạ")
    wrong = await tg.send(user, user.text("ZZZZ2345"))
    assert wrong[0].text == T.BAD_INVITE.format(code="ZZZZ2345")
    assert wrong[0].markup["keyboard"][0][0]["request_contact"] is True
    photo = await tg.send(user, user.photo(JPEG))
    assert T.STRANGER in photo[0].text
    assert not tg.server.called("getFile")  # a stranger's photo is not even fetched
    unknown_phone = await tg.send(user, user.contact("0987654321"))
    assert unknown_phone[0].text == T.PHONE_NOT_FOUND
    assert not await Identity.exists(channel="telegram")
    attempts = await RegistrationAttempt.filter(external_id="5003").values_list("ok", flat=True)
    assert attempts == [False, False]
    assert await Media.all().count() == 0


# -- reports -----------------------------------------------------------------------------------


async def test_broadcast_report_by_buttons_with_a_photo(
    tg: Harness, world: World, tmp_path: Path
) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    assert "Phát thanh ngày nào?" in await tg.press(user, "Phát thanh loa")
    await tg.press(user, "Hôm nay")
    await tg.say(user, "3")
    await tg.say(user, "90")
    assert "Nội dung tuyên truyền" in await tg.press(user, "Nghị quyết Đại hội")
    await tg.press(user, "Xong")
    # The persistent keyboard in the middle of a report is a command, never an answer.
    assert "đang làm dở" in await tg.say(user, T.TG_MENU_BUTTON)
    assert "Kiểm tra báo cáo Phát thanh loa" in await tg.say(user, "Cụm loa bản Một")
    # The photo goes with the summary: no step of its own.
    assert "Đã nhận 1 ảnh" in _text(await tg.send(user, user.photo(JPEG)))
    calls = await tg.send(user, user.press("Lưu"))
    saved = _text(calls)
    assert "Đã lưu BC-" in saved

    activity = await Activity.get().select_related("kind", "unit")
    assert activity.kind.code == "phat_thanh" and activity.channel == "telegram"
    assert activity.unit.id == world.cells[0].id
    assert activity.data["sessions"] == 3 and activity.data["minutes"] == 90
    assert activity.data["topics"] == ["nq_dh13"]
    assert activity.data["place"] == "Cụm loa bản Một" and activity.data["note"] is None
    sha = hashlib.sha256(JPEG).hexdigest()  # the largest size, not the thumbnail
    assert activity.data["photos"] == [sha]
    media = await Media.get(sha256=sha)
    assert (tg.channel.engine.media_dir / media.path).read_bytes() == JPEG
    # Each press was answered, and its reply starts with the choice (a press shows nothing).
    assert len(tg.server.called("answerCallbackQuery")) == 5
    assert calls[0].text.startswith(T.TG_PRESSED.format(label=T.SAVE) + "\n\nĐã lưu BC-")
    assert not tg.server.called("editMessageText")
    # After the save the menu keyboard rides on the receipt, the menu on its own message.
    assert calls[0].markup["keyboard"][0][0]["text"] == T.TG_MENU_BUTTON
    assert calls[1].text == T.MAIN_MENU_SHORT and calls[1].inline


async def test_poster_report_with_a_pin_and_a_photo_sent_as_file(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    await tg.press(user, "Cổ động trực quan")
    await tg.press(user, "Hôm qua")
    # A pin before the step that asks for it changes nothing.
    assert T.LOCATION_NOT_NOW in _text(await tg.send(user, user.location(22.35, 103.82)))
    assert "Bao nhiêu băng rôn?" in await tg.press(user, "Băng rôn")
    assert "Đã ghi: 5 băng rôn" in await tg.say(user, "5")
    await tg.press(user, "Khẩu hiệu")
    await tg.say(user, "2 cái")
    assert T.PLACE_HINT in await tg.press(user, "Xong")
    pinned = _text(await tg.send(user, user.location(22.356781234, 103.823456789)))
    assert T.PLACE_RECEIVED in pinned and "Nội dung tuyên truyền" in pinned
    await tg.press(user, "Chủ đề khác")  # the rest of the catalogue, five at a time
    await tg.press(user, "Búa liềm")
    await tg.press(user, "Xong")
    received = await tg.send(user, user.document(PNG, "image/png", "bang-ron.png"))
    assert "Đã nhận 1 ảnh" in _text(received)
    assert "Đã lưu BC-" in await tg.press(user, "Lưu")
    activity = await Activity.get().select_related("kind")
    assert activity.kind.code == "co_dong"
    assert activity.data["forms"] == {"Băng rôn": 5, "Khẩu hiệu": 2}
    assert activity.data["place"] == {"lat": 22.356781, "lon": 103.823457}
    assert str(activity.activity_date) == "2026-11-19"
    media = await Media.get()
    assert media.mime == "image/png" and media.path.endswith(".png")
    assert media.sha256 == hashlib.sha256(PNG).hexdigest()


async def test_meeting_report_and_a_repeated_photo(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    await tg.press(user, "Hội họp")
    await tg.press(user, "Hôm nay")
    await tg.press(user, "Sinh hoạt chi bộ")
    await tg.say(user, "25")
    await tg.say(user, "60")
    await tg.press(user, "Chủ đề khác")
    await tg.press(user, "Học tập và làm theo")
    await tg.press(user, "Xong")
    await tg.send(user, user.photo(JPEG))
    again = _text(await tg.send(user, user.photo(JPEG)))
    assert T.PHOTO_DUPLICATE in again
    await tg.press(user, "Lưu")
    activity = await Activity.get().select_related("kind")
    assert activity.kind.code == "hoi_hop"
    assert activity.data["attendees"] == 25 and activity.data["topics"] == ["hcm"]
    assert len(activity.data["photos"]) == 1 and await Media.all().count() == 1


async def test_nil_report(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    assert "không có hoạt động tuyên truyền nào" in await tg.press(user, "Không phát sinh")
    assert "không phát sinh hoạt động" in await tg.press(user, "Xác nhận")
    nil = await NilReport.get().select_related("unit", "period")
    assert nil.unit.id == world.cells[0].id and str(nil.period.start) == "2026-11-01"


async def test_back_and_cancel(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    await tg.press(user, "Phát thanh loa")
    await tg.press(user, "Hôm nay")
    await tg.say(user, "3")
    assert "Phát bao nhiêu buổi" in await tg.press(user, "Quay lại")
    assert T.CANCELLED in await tg.press(user, "Hủy")
    assert await Activity.all().count() == 0
    ident = await identity(user)
    assert (ident.flow, ident.step) == ("menu", "main")


async def test_edit_a_saved_report(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    await save_a_broadcast_report(tg, user)
    await tg.press(user, "Báo cáo của tôi")
    assert "Chọn việc với báo cáo này" in await tg.press(user, "BC-")
    await tg.press(user, "Sửa")
    await tg.press(user, "Số buổi phát")
    await tg.say(user, "5")
    assert "lần sửa 2" in await tg.press(user, "Lưu thay đổi")
    activity = await Activity.get()
    assert activity.version == 2 and activity.data["sessions"] == 5
    assert await AuditEntry.filter(entity="activity", action="edit").count() == 1


async def save_a_broadcast_report(tg: Harness, user: FakeUser) -> None:
    await tg.press(user, "Phát thanh loa")
    await tg.press(user, "Hôm nay")
    await tg.say(user, "3")
    await tg.say(user, "90")
    await tg.press(user, "Nghị quyết Đại hội")
    await tg.press(user, "Xong")
    await tg.say(user, "Loa trung tâm")
    assert "Đã lưu BC-" in await tg.press(user, "Lưu")


async def test_a_stale_button_changes_nothing(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    await tg.press(user, "Phát thanh loa")
    old_date_question = user.last_keyboard().copy()
    await tg.press(user, "Hôm nay")
    await tg.say(user, "3")
    before = await identity(user)
    text = _text(await tg.send(user, user.press("Hôm qua", old_date_question)))
    assert text.startswith(T.STALE_BUTTON) and "Tổng thời lượng" in text
    after = await identity(user)
    assert (after.step, after.state["key"], after.state["values"]) == (
        before.step,
        before.state["key"],
        before.state["values"],
    )
    assert after.state["values"]["date"] == "2026-11-20"
    assert len(tg.server.called("answerCallbackQuery")) == 3  # the stale press answered too
    # The stale message loses its buttons without a "chosen" line.
    closed = tg.server.sent(user.id, "editMessageReplyMarkup")[-1]
    assert closed.params["message_id"] == old_date_question["message_id"]


# -- robustness --------------------------------------------------------------------------------


async def test_a_repeated_message_or_press_is_handled_once(
    engine: Engine, server: FakeTelegram, world: World
) -> None:
    tg = await start_channel(engine, server)
    user = await member_user(server, world)
    await tg.say(user, "/start")
    await tg.press(user, "Phát thanh loa")
    press = user.press("Hôm nay")
    await tg.send(user, press)
    typed = user.text("3")
    await tg.send(user, typed)
    # The same message and the same press again, as after a restart that had not confirmed them
    # (a new process: nothing in memory, only the database knows).
    await tg.channel.stop()
    tg = await start_channel(engine, server)
    again = await tg.send(user, {k: v for k, v in typed.items() if k != "update_id"})
    again += await tg.send(user, {k: v for k, v in press.items() if k != "update_id"})
    assert again == []
    ident = await identity(user)
    assert ident.state["key"] == "minutes" and ident.state["values"]["sessions"] == 3
    assert sum(m.startswith("cb:") for m in ident.recent_messages) == 2
    await tg.channel.stop()


async def test_flood_control_and_server_errors_are_retried(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    tg.server.fail("sendMessage", Fault(429, retry_after=7))
    assert T.MAIN_MENU in await tg.say(user, "/start")
    assert 7.0 in tg.time.waits
    tg.server.fail("sendMessage", Fault(502), Fault(500), Fault(0, delay=1.5))
    assert T.MAIN_MENU in await tg.say(user, "menu")
    assert len(tg.server.sent(user.id, "sendMessage")) == 2  # each menu arrived exactly once


async def test_pacing_per_chat_and_overall(engine: Engine, server: FakeTelegram) -> None:
    policy = SendPolicy(overall_per_second=4, overall_burst=1, chat_per_second=1, chat_burst=1)
    tg = await start_channel(engine, server, send=policy)
    try:
        sent = await tg.channel.deliver("9001", "", [Reply("một"), Reply("hai"), Reply("ba")])
        assert sent.status == DeliveryStatus.SENT
        assert tg.time.waits == [1.0, 1.0]  # one chat: a message a second
        tg.time.waits.clear()
        tg.time.now += 10
        await asyncio.gather(
            *(tg.channel.deliver(f"910{i}", "", [Reply("xin chào")]) for i in range(4))
        )
        # Four chats, one message each: they go a quarter of a second apart, not a second.
        assert tg.time.waits == [0.25, 0.25, 0.25]
    finally:
        await tg.channel.stop()


async def test_a_user_who_blocked_the_bot_is_marked(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    tg.server.blocked.add(user.id)
    assert await tg.send(user, user.text("/start")) == []
    assert (await identity(user)).blocked_at is not None
    # A reminder through the outbox sender's door gets the same answer.
    delivery = await tg.channel.deliver(str(user.id), "", [Reply("Nhắc báo cáo")])
    assert delivery.status == DeliveryStatus.BLOCKED and "blocked" in delivery.detail
    tg.server.blocked.clear()
    await tg.say(user, "/start")  # writing again lifts the mark
    assert (await identity(user)).blocked_at is None


async def test_other_kinds_of_message(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    assert "nhãn dán" in _text(await tg.send(user, user.sticker()))
    assert "tin nhắn thoại" in _text(await tg.send(user, user.voice()))
    assert "tệp này" in _text(await tg.send(user, user.document(b"PK", "application/zip", "a.zip")))
    assert T.LOCATION_NOT_NOW in _text(await tg.send(user, user.location(21.0, 105.8)))
    huge = user.document(PNG, "image/png")
    huge["message"]["document"]["file_size"] = 25 * 1024 * 1024
    assert T.TG_FILE_TOO_BIG in _text(await tg.send(user, huge))
    assert not tg.server.called("getFile")
    # A PDF is fetched (an issuer sends a directive's file), and answered where none is asked.
    pdf = user.document(b"%PDF-1.4", "application/pdf", "huong-dan.pdf")
    assert "Bước này chưa cần tệp" in _text(await tg.send(user, pdf))


async def test_supervisor_asks_which_units_have_not_reported(tg: Harness, world: World) -> None:
    await link_identity(world.supervisor, "telegram", "7003")
    user = FakeUser(tg.server, 7003, "Xem")
    text = await tg.say(user, "/chuabaocao")
    assert "Chi bộ bản Một" in text and "Chi bộ bản Hai" in text
    assert "Chi bộ bản Ba" not in text  # another commune's cell


async def test_slow_work_sends_its_file_as_a_document(
    tg: Harness, world: World, tmp_path: Path
) -> None:
    user = await member_user(tg.server, world)
    sheet = tmp_path / "bao-cao-11-2026.xlsx"
    sheet.write_bytes(b"PK\x03\x04 workbook")

    async def export() -> list[Reply]:
        return [Reply("Báo cáo tháng 11/2026", file=sheet)]

    await tg.channel.send_replies(user.id, [Reply("Đang tổng hợp, xin chờ…", then=export)])
    await tg.channel.settled()
    notice, document = tg.server.sent(user.id)
    assert notice.text == "Đang tổng hợp, xin chờ…"
    assert document.method == "sendDocument" and document.text == "Báo cáo tháng 11/2026"
    assert document.files["document"] == ("bao-cao-11-2026.xlsx", sheet.read_bytes())


# -- webhook -----------------------------------------------------------------------------------


@pytest.fixture
async def webhook(engine: Engine, server: FakeTelegram) -> AsyncIterator[Harness]:
    web_server = WebServer("127.0.0.1", 0)
    fake_time = FakeTime()
    channel = TelegramChannel(engine, config(server, webhook_secret=SECRET), sleep=fake_time.sleep)
    web_server.add_routes(channel.name, channel.web_routes())
    await web_server.start()
    # The public address is known once the server listens (an ephemeral port here).
    channel.config = replace(channel.config, public_url=f"http://127.0.0.1:{web_server.port}")
    await channel.start()
    yield Harness(server, channel, fake_time)
    await web_server.stop()
    await channel.stop()


async def test_webhook_end_to_end(webhook: Harness, world: World) -> None:
    server = webhook.server
    assert server.webhook is not None
    assert server.webhook["url"].endswith(WEBHOOK_PATH)
    assert server.webhook["secret_token"] == SECRET
    assert server.webhook["allowed_updates"] == ["message", "callback_query"]
    assert not server.called("getUpdates")
    invite = await issue_invite(world.reporter, webhook.channel.engine.clock(), 30)
    user = FakeUser(server, 6001, "Thử")
    assert "Chào Lò Văn Thử!" in await webhook.say(user, f"/start {invite.code}")
    update = user.press("Không phát sinh")
    await webhook.send(user, update)
    # Telegram delivers a webhook again when unsure it arrived: handled once.
    assert await webhook.send(user, update) == []
    assert "không phát sinh hoạt động" in await webhook.press(user, "Xác nhận")
    assert await NilReport.all().count() == 1
    assert server.webhook_statuses == [200] * 4
    async with (
        ClientSession() as http,
        http.get(server.webhook["url"].replace(WEBHOOK_PATH, "/healthz")) as r,
    ):
        assert r.status == 200 and (await r.json())["channels"] == ["telegram"]


async def test_a_forged_webhook_call_is_refused(webhook: Harness, world: World) -> None:
    invite = await issue_invite(world.reporter, webhook.channel.engine.clock(), 30)
    forged = FakeUser(webhook.server, 6002).text(f"/start {invite.code}")
    forged["update_id"] = 77
    url = webhook.server.webhook["url"]  # type: ignore[index]
    async with ClientSession() as http:
        for headers, status in (({}, 401), ({SECRET_HEADER: "guess"}, 403)):
            async with http.post(url, json=forged, headers=headers) as r:
                assert r.status == status
    await webhook.channel.settled()
    assert not await Identity.exists(channel="telegram")
    assert await RegistrationAttempt.all().count() == 0
    assert (await InviteCode.get(id=invite.id)).used_at is None
    assert webhook.server.sent() == []


# -- rendering and start-up --------------------------------------------------------------------


def test_long_texts_are_cut_within_telegrams_limit() -> None:
    line = ("Chi bộ bản Một 📢 đã phát thanh " * 3).strip()
    text = "\n".join(f"{i}. {line}" for i in range(200))
    parts = split_text(text, TEXT_LIMIT)
    assert len(parts) > 1 and all(utf16_len(p) <= TEXT_LIMIT for p in parts)
    assert "\n".join(parts) == text  # cut at line breaks, nothing lost
    messages, _ = plan(Reply(text, choices=[Choice("Xong", "3:0")]))
    assert [m.markup is not None for m in messages] == [False] * (len(messages) - 1) + [True]


def test_keyboards_pair_short_labels_and_keep_navigation_last() -> None:
    choices = [
        Choice("Hôm nay", "5:0"),
        Choice("Hôm qua", "5:1"),
        Choice("Nghị quyết Đại hội XIII của Đảng", "5:2"),
        Choice(T.BACK, "5:3", nav=True),
        Choice(T.CANCEL, "5:4", nav=True),
    ]
    keyboard = inline_keyboard(choices)
    assert keyboard is not None
    rows = [[b["text"] for b in row] for row in keyboard["inline_keyboard"]]
    assert rows == [
        ["Hôm nay", "Hôm qua"],
        ["Nghị quyết Đại hội XIII của Đảng"],
        [T.BACK, T.CANCEL],
    ]
    # A payload over 64 bytes cannot be a button: the choices go out as a numbered list.
    too_long = [Choice("Một", "x" * 65), Choice("Hai", "1:1")]
    (message,), _ = plan(Reply("Chọn:", choices=too_long))
    assert message.markup is None and "1. Một" in message.text and "2. Hai" in message.text


def test_a_long_caption_goes_before_the_document(tmp_path: Path) -> None:
    sheet = tmp_path / "a.xlsx"
    (first, document), _ = plan(Reply("x" * 1500, file=sheet))
    assert first.document is None and document.document == sheet and document.text == ""


def test_webhook_settings_are_checked() -> None:
    good = Settings(
        telegram_bot_token=TOKEN, telegram_webhook_secret=SECRET, public_url="https://x.vn"
    )
    assert TelegramConfig.from_settings(good).webhook_url == "https://x.vn" + WEBHOOK_PATH
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        TelegramConfig.from_settings(replace_settings(good, public_url=""))
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramConfig.from_settings(replace_settings(good, telegram_webhook_secret="a b"))


def replace_settings(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update=changes)


async def test_baocao_run_serves_until_told_to_stop(
    db: str, server: FakeTelegram, world: World, tmp_path: Path
) -> None:
    settings = Settings(
        telegram_bot_token=TOKEN,
        telegram_base_url=server.base_url,
        telegram_base_file_url=server.base_file_url,
        web_port=free_port(),
        media_dir=tmp_path / "media",
    )
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, stop))
    await server.wait_polling()
    async with ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{settings.web_port}/healthz") as r:
            assert r.status == 200 and (await r.json())["channels"] == ["telegram"]
    user = await member_user(server, world)
    update_id = await server.push(user.text("/start"))
    await server.wait_fetched(update_id)
    stop.set()  # what SIGTERM does
    await asyncio.wait_for(running, 10)
    # The update taken before the stop was answered before the process let go.
    assert server.sent(user.id)[-1].text == T.MAIN_MENU


async def test_a_one_line_report_and_as_last_time_by_buttons(tg: Harness, world: World) -> None:
    user = await member_user(tg.server, world)
    await tg.say(user, "/start")
    summary = await tg.say(user, "pt hom qua 2 buoi 1 tieng ruoi nghi quyet 21 cum loa ban Mot")
    assert "• Tổng thời lượng: 90 phút" in summary and "• Nơi phát: cum loa ban Mot" in summary
    # A note whose words hold "hủy" and "quay lại" inside is a note.
    assert T.NOTE_SAVED in await tg.say(user, "nhắc bà con không chuyển tiền, quay lại sau")
    assert "Đã lưu BC-" in await tg.press(user, "Lưu")
    assert "Chép từ BC-000001" in await tg.press(user, T.MENU_REPEAT)
    assert "Đã lưu BC-000002" in await tg.press(user, "Lưu")
    first, second = await Activity.all().order_by("id")
    assert first.data["note"] == "nhắc bà con không chuyển tiền, quay lại sau"
    assert second.data["minutes"] == 90 and second.data["note"] is None
    assert str(first.activity_date) == "2026-11-19" and str(second.activity_date) == "2026-11-20"


async def test_malformed_bodies_with_the_right_secret_get_400(
    webhook: Harness, world: World
) -> None:
    url = webhook.server.webhook["url"]  # type: ignore[index]
    deep = "[" * 100_000 + "]" * 100_000  # once a RecursionError and a 500
    bodies = [
        b"not json",
        deep.encode(),
        b"[]",
        b'"text"',
        b'{"update_id": "x"}',
        b'{"update_id": 5, "message": "x"}',
        b'{"update_id": 6, "message": {"chat": [1], "from": "x", "date": "soon"}}',
        b"\xff\xfe",
    ]
    async with ClientSession() as http:
        for body in bodies:
            async with http.post(url, data=body, headers={SECRET_HEADER: SECRET}) as r:
                assert r.status == 400, body[:60]
    await webhook.channel.settled()
    assert webhook.server.sent() == [] and not await Identity.exists(channel="telegram")
