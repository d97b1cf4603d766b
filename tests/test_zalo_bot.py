"""The Zalo Bot channel end to end: the real adapter against a fake Zalo Bot Platform on loopback,
the real engine and database behind it."""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from conftest import Clock
from yarl import URL

from bot.app import serve
from bot.channels import DeliveryStatus
from bot.channels.zalo_bot import SECRET_HEADER, ZaloBotChannel
from bot.channels.zalo_bot_config import ZaloBotAccount, ZaloBotConfig, parse_bot_tokens
from bot.channels.zalo_quota import QuotaWarning
from bot.config import Settings
from bot.downloads import DownloadLinks
from bot.web import WebServer
from factories import Chat, World
from fakes.clock import FakeTime
from fakes.zalo_bot_server import Call, FakeZaloBot, FakeZaloUser, Fault
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Reply
from handlers.registration import issue_invite, link_identity
from models import (
    Activity,
    ChannelCounter,
    Identity,
    InviteCode,
    Media,
    NilReport,
    RegistrationAttempt,
)

BOT_A = "1001:tokenA_secret-value"
BOT_B = "2002:tokenB_secret-value"
SECRET = "zalo-webhook-secret"
JPEG = b"\xff\xd8\xff\xe0" + b"loudspeaker" * 60
PNG = b"\x89PNG\r\n\x1a\n" + b"banner" * 80


@dataclass
class Harness:
    server: FakeZaloBot
    channel: ZaloBotChannel
    time: FakeTime
    warnings: list[QuotaWarning] = field(default_factory=list)

    async def send(self, user: FakeZaloUser, update: dict[str, Any]) -> list[Call]:
        """Deliver the update, wait until the bot has answered; what reached this user."""
        before, taken = len(self.server.calls), self.channel.received
        await user.say(update)
        async with asyncio.timeout(5):
            await self.channel.wait_received(taken + 1)
        await self.channel.settled()
        return [c for c in self.server.calls[before:] if c.chat_id == user.id]

    async def say(self, user: FakeZaloUser, text: str) -> str:
        return _text(await self.send(user, user.text(text)))


def _text(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.method == "sendMessage")


def config(server: FakeZaloBot, **overrides: Any) -> ZaloBotConfig:
    base = ZaloBotConfig(
        bots=(ZaloBotAccount(BOT_A, "X1"), ZaloBotAccount(BOT_B)),
        base_url=server.base_url,
        poll_timeout=1,
        poll_floor=0.0,  # the tests of the floor set it; elsewhere it would move FakeTime on
        request_timeout=2.0,
        backoff_base=1.0,
        backoff_max=60.0,
        shutdown_timeout=5,
    )
    return replace(base, **overrides)


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloBot]:
    fake = FakeZaloBot(BOT_A, BOT_B)
    await fake.start()
    yield fake
    await fake.stop()


async def start_channel(
    engine: Engine, server: FakeZaloBot, links: DownloadLinks | None = None, **overrides: Any
) -> Harness:
    fake_time = FakeTime()
    harness = Harness(server, None, fake_time)  # type: ignore[arg-type]

    async def on_warning(warning: QuotaWarning) -> None:
        harness.warnings.append(warning)

    harness.channel = ZaloBotChannel(
        engine,
        config(server, **overrides),
        links,
        sleep=fake_time.sleep,
        clock=fake_time.monotonic,
        on_quota_warning=on_warning,
    )
    await harness.channel.start()
    return harness


@pytest.fixture
async def zb(engine: Engine, server: FakeZaloBot) -> AsyncIterator[Harness]:
    harness = await start_channel(engine, server)
    yield harness
    await harness.channel.stop()


async def member_user(
    server: FakeZaloBot, world: World, chat_id: str = "6ede9afa66b88fe6d6a9", bot: str = "1001"
) -> FakeZaloUser:
    await link_identity(world.reporter, "zalo_bot", chat_id, account=bot)
    return FakeZaloUser(server, bot, chat_id)


async def identity(user: FakeZaloUser) -> Identity:
    return await Identity.get(channel="zalo_bot", account=user.bot_id, external_id=user.id)


# -- registration ------------------------------------------------------------------------------


async def test_a_stranger_registers_by_sending_the_invite_code(zb: Harness, world: World) -> None:
    invite = await issue_invite(world.other_reporter, zb.channel.engine.clock(), 30)
    user = FakeZaloUser(zb.server, "1001", "a1b2c3d4e5f6", "Giả")
    assert await zb.say(user, "Tôi muốn báo cáo") == T.STRANGER
    assert await zb.say(user, "ZZZZ2345") == T.BAD_INVITE.format(code="ZZZZ2345")
    calls = await zb.send(user, user.text(invite.code.lower()))
    welcome = calls[0].text
    assert "Chào Tòng Thị Giả!" in welcome
    # The menu is a numbered list with how to answer: Zalo bots have no buttons.
    assert "\n1. Phát thanh loa\n2. Cổ động trực quan\n" in welcome
    assert "Trả lời số 1–8 hoặc tên mục." in welcome
    assert all(c.bot_id == "1001" for c in calls)
    ident = await identity(user)
    assert ident.member_id == world.other_reporter.id and ident.display_name == "Giả"
    assert (await InviteCode.get(id=invite.id)).used_by_id == ident.id
    attempts = await RegistrationAttempt.filter(external_id=user.id).values_list("ok", flat=True)
    assert sorted(attempts) == [False, True]
    # No webhook was set, so none is deleted before polling.
    assert zb.server.called("getWebhookInfo", "1001") and not zb.server.called("deleteWebhook")
    assert zb.server.polls["2002"] >= 1


async def test_a_strangers_photo_is_not_fetched(zb: Harness, world: World) -> None:
    user = FakeZaloUser(zb.server, "1001", "stranger-1")
    assert await zb.send(user, user.photo(JPEG)) and zb.server.downloads == []
    assert await Media.all().count() == 0 and not await Identity.exists(channel="zalo_bot")


# -- reports, by numbers and by labels typed without diacritics --------------------------------

# (answer, what the bot must say next): a photo is the bytes to send.
BROADCAST_BY_NUMBERS: list[tuple[str | bytes, str]] = [
    ("1", "Phát thanh ngày nào?"),
    ("1", "Phát bao nhiêu buổi"),
    ("3", "Tổng thời lượng"),
    ("90", "chủ đề nào"),
    ("1, 3", "Phát ở đâu"),
    ("Cụm loa bản Một", "Kiểm tra báo cáo Phát thanh loa"),
    (JPEG, "Đã nhận 1 ảnh"),
    ("1", "Đã lưu BC-"),
]
BROADCAST_BY_LABELS: list[tuple[str | bytes, str]] = [
    ("phat thanh loa", "Phát thanh ngày nào?"),
    ("hom nay", "Phát bao nhiêu buổi"),
    ("3 buoi", "Tổng thời lượng"),
    ("1 tieng ruoi", "chủ đề nào"),
    ("nghi quyet dai hoi", "Phát ở đâu"),
    ("Cụm loa bản Một", "Kiểm tra báo cáo Phát thanh loa"),
    (JPEG, "Đã nhận 1 ảnh"),
    ("luu bao cao", "Đã lưu BC-"),
]
POSTER_BY_NUMBERS: list[tuple[str | bytes, str]] = [
    ("2", "ngày nào"),
    ("2", "Treo, dán gì"),
    ("2", "Bao nhiêu băng rôn"),
    ("5", "Đã ghi: 5 băng rôn"),
    ("5", "ở đâu"),
    ("Nhà văn hóa bản Một", "chủ đề nào"),
    ("6", "Giải Búa liềm vàng"),
    ("2", "Kiểm tra báo cáo Cổ động trực quan"),
    (PNG, "Đã nhận 1 ảnh"),
    ("1", "Đã lưu BC-"),
]
POSTER_BY_LABELS: list[tuple[str | bytes, str]] = [
    ("co dong truc quan", "ngày nào"),
    ("hom qua", "Treo, dán gì"),
    ("5 bang ron", "ở đâu"),
    ("Nha van hoa ban Mot", "chủ đề nào"),
    ("bua liem", "Kiểm tra báo cáo Cổ động trực quan"),
    (PNG, "Đã nhận 1 ảnh"),
    ("luu bao cao", "Đã lưu BC-"),
]
MEETING_BY_NUMBERS: list[tuple[str | bytes, str]] = [
    ("3", "ngày nào"),
    ("1", "Hình thức"),
    ("1", "người dự"),
    ("25", "bao nhiêu phút"),
    ("60", "chủ đề nào"),
    ("6", "Học tập và làm theo"),
    ("1", "Kiểm tra báo cáo Hội họp"),
    ("1", "Đã lưu BC-"),
]
MEETING_BY_LABELS: list[tuple[str | bytes, str]] = [
    ("hoi hop sinh hoat", "ngày nào"),
    ("hom nay", "Hình thức"),
    ("sinh hoat chi bo", "người dự"),
    ("25 nguoi", "bao nhiêu phút"),
    ("1 tieng", "chủ đề nào"),
    ("hoc tap va lam theo", "Kiểm tra báo cáo Hội họp"),
    ("luu", "Đã lưu BC-"),
]
EXPECTED = {
    "phat_thanh": {"sessions": 3, "minutes": 90, "place": "Cụm loa bản Một"},
    "co_dong": {"forms": {"Băng rôn": 5}, "topics": ["bua_liem"]},
    "hoi_hop": {"form": "Sinh hoạt chi bộ", "attendees": 25, "minutes": 60, "topics": ["hcm"]},
}


@pytest.mark.parametrize(
    ("kind", "script", "photo_key"),
    [
        ("phat_thanh", BROADCAST_BY_NUMBERS, "photo"),
        ("phat_thanh", BROADCAST_BY_LABELS, "photo_url"),
        ("co_dong", POSTER_BY_NUMBERS, "photo_url"),
        ("co_dong", POSTER_BY_LABELS, "photo"),
        ("hoi_hop", MEETING_BY_NUMBERS, ""),
        ("hoi_hop", MEETING_BY_LABELS, ""),
    ],
    ids=[
        "broadcast-numbers",
        "broadcast-labels",
        "poster-numbers",
        "poster-labels",
        "meeting-numbers",
        "meeting-labels",
    ],
)
async def test_a_report_by_numbers_or_by_labels(
    zb: Harness, world: World, kind: str, script: list[tuple[str | bytes, str]], photo_key: str
) -> None:
    user = await member_user(zb.server, world)
    assert T.MAIN_MENU in await zb.say(user, "menu")
    for answer, expected in script:
        if isinstance(answer, bytes):
            said = _text(await zb.send(user, user.photo(answer, photo_key)))
        else:
            said = await zb.say(user, answer)
        assert expected in said, f"after {answer!r}: {said}"
    activity = await Activity.get().select_related("kind", "unit")
    assert activity.kind.code == kind and activity.channel == "zalo_bot"
    assert activity.unit.id == world.cells[0].id
    for key, value in EXPECTED[kind].items():
        assert activity.data[key] == value, key
    photos = [a for a, _ in script if isinstance(a, bytes)]
    assert activity.data["photos"] == [hashlib.sha256(p).hexdigest() for p in photos]
    for photo in photos:
        media = await Media.get(sha256=hashlib.sha256(photo).hexdigest())
        assert (zb.channel.engine.media_dir / media.path).read_bytes() == photo
    assert len(zb.server.downloads) == len(photos)
    sent = zb.server.sent(user.id)
    assert all(len(c.text) <= 2000 and c.bot_id == "1001" for c in sent)
    # Every question with several options says how to answer; multiple choice says it its way.
    date_question = next(c.text for c in sent if "ngày nào" in c.text)
    assert "1. Hôm nay\n2. Hôm qua\n(Gõ “quay lại” hoặc “hủy”)\nTrả lời 1 hoặc 2." in date_question
    topics = next(c.text for c in sent if "chủ đề nào" in c.text)
    assert T.TOPICS_HINT in topics and "Trả lời" not in topics


@pytest.mark.parametrize("answers", [["5", "1"], ["khong phat sinh", "xac nhan"]])
async def test_a_nil_report(zb: Harness, world: World, answers: list[str]) -> None:
    user = await member_user(zb.server, world)
    await zb.say(user, "menu")
    assert "không có hoạt động tuyên truyền nào" in await zb.say(user, answers[0])
    assert "không phát sinh hoạt động" in await zb.say(user, answers[1])
    nil = await NilReport.get().select_related("unit", "period")
    assert nil.unit.id == world.cells[0].id and str(nil.period.start) == "2026-11-01"


# -- what else a user may send ----------------------------------------------------------------


async def test_stickers_voice_and_unsupported_messages_get_a_hint(
    zb: Harness, world: World
) -> None:
    user = await member_user(zb.server, world)
    await zb.say(user, "menu")
    assert "nhãn dán" in _text(await zb.send(user, user.sticker()))
    assert "tin nhắn thoại" in _text(await zb.send(user, user.voice()))
    assert "loại tin nhắn này" in _text(await zb.send(user, user.unsupported()))
    assert (await identity(user)).step == "main"  # still at the menu


async def test_a_photo_over_the_size_cap_is_refused(
    engine: Engine, server: FakeZaloBot, world: World
) -> None:
    zb = await start_channel(engine, server, max_photo_bytes=2048)
    try:
        user = await member_user(server, world)
        await zb.say(user, "1")
        big = JPEG * 10
        too_big = T.ZL_PHOTO_TOO_BIG.format(mb=0)
        assert _text(await zb.send(user, user.photo(big))) == too_big
        # Without a Content-Length the reader counts and stops all the same.
        chunked = user.photo(big, name="chunked-big.jpg")
        assert _text(await zb.send(user, chunked)) == too_big
        assert await Media.all().count() == 0
    finally:
        await zb.channel.stop()


async def test_a_long_text_is_split_on_line_boundaries(zb: Harness, world: World) -> None:
    user = await member_user(zb.server, world)
    lines = [
        f"{i:03d}. Chi bộ bản {i}: đã báo cáo đủ, đúng hạn, có ảnh kèm theo." for i in range(90)
    ]
    reply = Reply("\n".join(lines))
    assert len(reply.text) > 5000
    delivery = await zb.channel.deliver(user.id, "1001", [reply])
    assert delivery.status == DeliveryStatus.SENT
    parts = [c.text for c in zb.server.sent(user.id)]
    assert len(parts) == 3 and all(len(p) <= 2000 for p in parts)
    assert [line for p in parts for line in p.split("\n")] == lines  # no line cut in two
    counter = await ChannelCounter.get(channel="zalo_bot", account="1001")
    assert counter.sent == 3 and counter.month == "2026-11"


async def test_a_repeated_message_is_handled_once(
    engine: Engine, server: FakeZaloBot, world: World
) -> None:
    zb = await start_channel(engine, server)
    user = await member_user(server, world)
    await zb.say(user, "menu")
    await zb.say(user, "1")
    typed = user.text("hom nay")
    assert "Phát bao nhiêu buổi" in _text(await zb.send(user, typed))
    assert await zb.send(user, typed) == []  # delivered twice: Zalo has no update ids
    # After a restart only the database remembers: the engine drops it by its message id.
    await zb.channel.stop()
    zb = await start_channel(engine, server)
    assert await zb.send(user, typed) == []
    ident = await identity(user)
    assert ident.state["values"]["date"] == "2026-11-20" and ident.state["key"] == "sessions"
    assert ident.recent_messages.count(typed["message"]["message_id"]) == 1
    await zb.channel.stop()


# -- polling, errors and the quota ------------------------------------------------------------


@pytest.mark.parametrize("http_status", [408, 200])
async def test_an_empty_poll_is_normal_and_errors_back_off(
    engine: Engine, server: FakeZaloBot, world: World, http_status: int
) -> None:
    server.poll_hold = 0.01
    server.poll_timeout_status = http_status  # 408 in the body, whatever the HTTP status
    zb = await start_channel(engine, server, poll_floor=0.0)
    try:
        await server.wait_polled("1001", 5)
        assert server.empty_polls["1001"] >= 3 and zb.time.waits == []
        server.fail("1001", "getUpdates", Fault(502, "Bad Gateway"), Fault(500))
        await server.wait_polled("1001", server.polls["1001"] + 2)
        first, second = [w for w in zb.time.waits if w][:2]
        assert 0.75 <= first <= 1.0 and 1.5 <= second <= 2.0  # doubling, with jitter
        user = await member_user(server, world)
        assert T.MAIN_MENU in await zb.say(user, "menu")
    finally:
        await zb.channel.stop()


async def test_the_monthly_count_warns_the_admins_once(
    engine: Engine, server: FakeZaloBot, world: World, clock: Clock
) -> None:
    zb = await start_channel(engine, server, monthly_quota=10, quota_warn=0.2)
    try:
        user = await member_user(server, world)
        await zb.say(user, "menu")
        assert zb.warnings == []
        await zb.say(user, "menu")
        (warning,) = zb.warnings  # 2 of 10: the 20 % threshold, warned once
        assert (warning.account, warning.unit, warning.sent, warning.kind) == (
            "1001",
            "X1",
            2,
            "near",
        )
        assert "Bot Zalo 1001 (X1) đã gửi 2/10 tin nhắn trong tháng 11/2026" in warning.text
        await zb.say(user, "menu")
        assert len(zb.warnings) == 1
        counter = await ChannelCounter.get(channel="zalo_bot", account="1001", month="2026-11")
        assert counter.sent == 3 and counter.warned
        # A new month in Vietnam starts a new count.
        clock.set_vn(2026, 12, 1, 0, 30)
        await zb.channel.deliver(user.id, "1001", [Reply("Tháng mới")])
        december = await ChannelCounter.get(channel="zalo_bot", account="1001", month="2026-12")
        assert december.sent == 1 and not december.warned
    finally:
        await zb.channel.stop()


# -- several bots ------------------------------------------------------------------------------


async def test_a_member_is_reached_through_the_bot_they_registered_with(
    zb: Harness, world: World
) -> None:
    invite = await issue_invite(world.reporter, zb.channel.engine.clock(), 30)
    user = FakeZaloUser(zb.server, "2002", "same-person")
    assert "Chào Lò Văn Thử!" in await zb.say(user, invite.code)
    ident = await identity(user)
    assert ident.account == "2002"
    assert {c.bot_id for c in zb.server.sent(user.id)} == {"2002"}
    delivery = await zb.channel.deliver(user.id, "2002", [Reply("Nhắc báo cáo tháng 11")])
    assert delivery.status == DeliveryStatus.SENT
    assert zb.server.sent(user.id)[-1].bot_id == "2002"
    gone = await zb.channel.deliver(user.id, "9999", [Reply("?")])
    assert gone.status == DeliveryStatus.FAILED
    # The same chat id on the other bot is someone not yet registered there.
    assert await zb.say(FakeZaloUser(zb.server, "1001", "same-person"), "menu") == T.STRANGER


def test_bot_tokens_with_and_without_a_unit() -> None:
    bots = parse_bot_tokens("X01=123:abc, 456:d=ef\n789:ghi")
    assert [(b.bot_id, b.unit) for b in bots] == [("123", "X01"), ("456", ""), ("789", "")]
    assert "abc" not in repr(bots)
    for bad in ("X01=abc", "123:abc,123:def", "X 1=123:abc"):
        with pytest.raises(ValueError) as e:
            parse_bot_tokens(bad)
        assert "abc" not in str(e.value)


# -- one member on Zalo and Telegram -----------------------------------------------------------


async def test_a_report_on_zalo_is_untouched_by_messages_on_telegram(
    zb: Harness, world: World, engine: Engine
) -> None:
    user = await member_user(zb.server, world)
    await link_identity(world.reporter, "telegram", "7001")
    telegram = Chat(engine, "7001", channel="telegram")
    await zb.say(user, "menu")
    await zb.say(user, "phat thanh loa")
    await zb.say(user, "hom nay")
    assert "Tổng thời lượng" in await zb.say(user, "3")
    # Meanwhile on Telegram the same member starts and abandons another report.
    await telegram.send("/start")
    await telegram.send("3")
    await telegram.send("hom qua")
    await telegram.send("huy")
    await telegram.send("khong phat sinh")
    for answer in ("45", "1", "Loa bản Một", "bo qua", "bo qua"):
        await zb.say(user, answer)
    assert "Đã lưu BC-" in await zb.say(user, "luu bao cao")
    activity = await Activity.get().select_related("kind")
    assert activity.kind.code == "phat_thanh" and activity.channel == "zalo_bot"
    assert activity.data["sessions"] == 3 and activity.data["minutes"] == 45
    assert str(activity.activity_date) == "2026-11-20"
    tg = await Identity.get(channel="telegram", external_id="7001")
    assert tg.flow == "nil" and tg.member_id == (await identity(user)).member_id


# -- webhook -----------------------------------------------------------------------------------


@pytest.fixture
async def hooked(engine: Engine, server: FakeZaloBot) -> AsyncIterator[tuple[Harness, str]]:
    """A channel receiving by webhook on a real web server on an ephemeral port."""
    fake_time = FakeTime()
    web_server = WebServer("127.0.0.1", 0)
    channel = ZaloBotChannel(engine, config(server, webhook_secret=SECRET), sleep=fake_time.sleep)
    web_server.add_routes(channel.name, channel.web_routes())
    await web_server.start()
    base = f"http://127.0.0.1:{web_server.port}"
    channel.config = replace(channel.config, public_url=base)
    await channel.start()
    yield Harness(server, channel, fake_time), base
    await web_server.stop()
    await channel.stop()


async def test_webhook_end_to_end(hooked: tuple[Harness, str], world: World) -> None:
    zb, base = hooked
    hook = zb.server.webhooks["1001"]
    assert hook == {"url": f"{base}/zalo/bot/1001/webhook", "secret_token": SECRET}
    assert zb.server.webhooks["2002"]["url"].endswith("/zalo/bot/2002/webhook")
    assert not zb.server.polls
    invite = await issue_invite(world.reporter, zb.channel.engine.clock(), 30)
    user = FakeZaloUser(zb.server, "1001", "hooked-user")
    assert "Chào Lò Văn Thử!" in await zb.say(user, invite.code)
    update = user.text("khong phat sinh")
    assert "không có hoạt động" in _text(await zb.send(user, update))
    assert await zb.send(user, update) == []  # Zalo posted it again
    assert "không phát sinh hoạt động" in await zb.say(user, "1")
    assert await NilReport.all().count() == 1
    assert zb.server.webhook_statuses == [200] * 4


async def test_a_forged_webhook_call_is_refused(hooked: tuple[Harness, str], world: World) -> None:
    zb, base = hooked
    invite = await issue_invite(world.reporter, zb.channel.engine.clock(), 30)
    forged = {"ok": True, "result": FakeZaloUser(zb.server, "1001", "forger").text(invite.code)}
    async with ClientSession() as http:
        for path, headers, status in (
            ("1001", {}, 401),
            ("1001", {SECRET_HEADER: "guess-the-secret"}, 403),
            ("1001", {SECRET_HEADER: SECRET[:-1]}, 403),
            ("3003", {SECRET_HEADER: SECRET}, 404),
        ):
            async with http.post(
                f"{base}/zalo/bot/{path}/webhook", json=forged, headers=headers
            ) as r:
                assert r.status == status
    await zb.channel.settled()
    assert zb.channel.received == 0
    assert not await Identity.exists(channel="zalo_bot")
    assert await RegistrationAttempt.all().count() == 0
    assert (await InviteCode.get(id=invite.id)).used_at is None
    assert zb.server.sent() == []


# -- files as signed links ---------------------------------------------------------------------


@pytest.fixture
async def links_server(
    engine: Engine, clock: Clock, tmp_path: Path
) -> AsyncIterator[tuple[DownloadLinks, str]]:
    links = DownloadLinks(b"k" * 32, engine.media_dir / "exports", "", timedelta(hours=24), clock)
    web_server = WebServer("127.0.0.1", 0)
    web_server.add_routes(links.name, links.web_routes())
    await web_server.start()
    await links.start()
    links.public_url = f"http://127.0.0.1:{web_server.port}"
    yield links, links.public_url
    await web_server.stop()


async def test_an_export_goes_as_a_signed_expiring_link(
    engine: Engine,
    server: FakeZaloBot,
    world: World,
    clock: Clock,
    links_server: tuple[DownloadLinks, str],
) -> None:
    links, base = links_server
    zb = await start_channel(engine, server, links)
    try:
        user = await member_user(server, world)
        sheet = links.root / "baocao_X1_2026-11_20261120-090000_ab12.xlsx"
        sheet.write_bytes(b"PK\x03\x04 workbook")

        async def export() -> list[Reply]:
            return [Reply("Báo cáo tháng 11/2026", file=sheet)]

        delivery = await zb.channel.deliver(user.id, "1001", [Reply("Đang tạo…", then=export)])
        assert delivery.status == DeliveryStatus.SENT
        notice, ready = zb.server.sent(user.id)
        assert notice.text == "Đang tạo…"
        assert ready.text.startswith("Báo cáo tháng 11/2026\n\nTải tệp " + sheet.name)
        assert "dùng được đến 09:00 21/11/2026" in ready.text
        url = ready.text.rsplit("\n", 1)[-1]
        assert url.startswith(f"{base}/files/") and url.endswith("/" + sheet.name)
        expires, signature = url.removeprefix(f"{base}/files/").split("/")[:2]
        async with ClientSession() as http:
            async with http.get(url) as r:
                assert r.status == 200 and await r.read() == sheet.read_bytes()
                assert "attachment" in r.headers["Content-Disposition"]
            tampered = [
                url.replace(signature, signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")),
                url.replace(f"/{expires}/", f"/{int(expires) + 3600}/"),
                url.replace(sheet.name, "baocao_X2_2026-11.xlsx"),
            ]
            # A validly signed name still may not climb out of the exports folder (sent raw:
            # a client would otherwise tidy the dots away).
            for outside in ("../../test.sqlite3", "../secret.txt", "sub/../../secret.txt"):
                sig = links._sign(expires, outside)
                tampered.append(f"{base}/files/{expires}/{sig}/{outside}")
            for bad in tampered:
                async with http.get(URL(bad, encoded=True)) as r:
                    assert r.status == 403, bad
            clock.now += timedelta(hours=24, seconds=1)
            async with http.get(url) as r:
                assert r.status == 403  # expired
        # A file outside the exports folder gets no link at all.
        secret = engine.media_dir / "secret.txt"
        secret.write_text("x")
        assert links.link(secret) is None
        await zb.channel.deliver(user.id, "1001", [Reply("Tệp", file=secret)])
        assert zb.server.sent(user.id)[-1].text == "Tệp\n\n" + T.ZL_FILE_UNAVAILABLE
    finally:
        await zb.channel.stop()


# -- start-up ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_webhook_settings_are_checked() -> None:
    good = Settings(
        zalo_bot_tokens=f"X1={BOT_A}",
        zalo_bot_webhook_secret=SECRET,
        public_url="https://bot.example.vn",
    )
    cfg = ZaloBotConfig.from_settings(good)
    assert cfg.webhook_url("1001") == "https://bot.example.vn/zalo/bot/1001/webhook"
    assert [(b.bot_id, b.unit) for b in cfg.bots] == [("1001", "X1")]
    for changes, message in (
        ({"public_url": "http://bot.example.vn"}, "https://"),
        ({"zalo_bot_webhook_secret": "short"}, "8 to 256"),
    ):
        with pytest.raises(ValueError, match=message):
            ZaloBotConfig.from_settings(good.model_copy(update=changes))


async def test_baocao_run_serves_zalo_until_told_to_stop(
    db: str, server: FakeZaloBot, world: World, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(
        zalo_bot_tokens=f"X1={BOT_A}",
        zalo_bot_base_url=server.base_url,
        public_url=f"http://127.0.0.1:{port}",
        download_link_secret="k" * 32,
        web_port=port,
        media_dir=tmp_path / "media",
    )
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, stop))
    await server.wait_polled("1001")
    async with ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
            assert (await r.json())["channels"] == ["downloads", "zalo_bot"]
    user = await member_user(server, world)
    await user.say(user.text("menu"))
    await server.wait_sent(user.id)
    stop.set()  # what SIGTERM does
    await asyncio.wait_for(running, 10)
    assert T.MAIN_MENU in server.sent(user.id)[-1].text


async def test_a_one_line_report_and_as_last_time_typed(zb: Harness, world: World) -> None:
    user = await member_user(zb.server, world)
    await zb.say(user, "menu")
    said = await zb.say(user, "3 bang ron 2 khau hieu ngay 10/11 nga ba Thuy Nguyen bua liem")
    assert "• Hình thức, số lượng: 3 băng rôn, 2 khẩu hiệu" in said
    assert "• Nơi treo, dán: nga ba Thuy Nguyen" in said
    assert "Đã lưu BC-000001" in await zb.say(user, "1")
    assert "Chép từ BC-000001" in await zb.say(user, "nhu lan truoc hom qua")
    assert "Đã lưu BC-000002" in await zb.say(user, "luu")
    first, second = await Activity.all().order_by("id")
    assert first.data["forms"] == second.data["forms"] == {"Băng rôn": 3, "Khẩu hiệu": 2}
    assert first.data["place"] == "nga ba Thuy Nguyen" and first.data["topics"] == ["bua_liem"]
    assert str(second.activity_date) == "2026-11-19"
    # Every message the bot sent fits one small screen.
    assert all(len(c.text) <= 300 for c in zb.server.sent(user.id))


async def test_malformed_bodies_with_the_right_secret_get_400(
    hooked: tuple[Harness, str], world: World
) -> None:
    zb, base = hooked
    url = f"{base}/zalo/bot/1001/webhook"
    bodies = [
        b"not json",
        ("[" * 100_000 + "]" * 100_000).encode(),
        b'{"message": {"from": "x", "text": "hi"}}',
        b'{"message": {"chat": [1], "text": "hi"}}',
        b'{"ok": true, "result": {"message": {"from": 7, "chat": "x"}}}',
    ]
    async with ClientSession() as http:
        for body in bodies:
            async with http.post(url, data=body, headers={SECRET_HEADER: SECRET}) as r:
                assert r.status == 400, body[:60]
    await zb.channel.settled()
    assert zb.server.sent() == []


async def test_a_download_link_with_an_odd_expiry_is_refused(
    links_server: tuple[DownloadLinks, str],
) -> None:
    links, base = links_server
    sheet = links.root / "baocao.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    async with ClientSession() as http:
        for expires in ("²", "9" * 40, "١٢٣"):  # digits to isdigit(), not to a clock
            signature = links._sign(expires, sheet.name)
            async with http.get(f"{base}/files/{expires}/{signature}/{sheet.name}") as r:
                assert r.status == 403, expires
