"""The Zalo Official Account channel end to end: signed webhooks from a fake OA platform on
loopback, the real adapter, engine and database, replies with button templates, and the
single-use refresh token kept safe when two refreshes meet."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from conftest import Clock

from bot.channels import DeliveryStatus
from bot.channels.zalo_oa import WEBHOOK_PATH, ZaloOAChannel
from bot.channels.zalo_oa_api import ZaloOAConfig, render
from bot.channels.zalo_oa_token import OATokens
from bot.web import WebServer
from factories import World
from fakes.zalo_oa_server import (
    APP_ID,
    APP_SECRET,
    OA_ID,
    OA_SECRET_KEY,
    FakeOAUser,
    FakeZaloOA,
    Sent,
    sign,
)
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Choice, Reply
from handlers.registration import issue_invite, link_identity
from models import (
    Activity,
    Identity,
    InviteCode,
    Media,
    OAToken,
    RegistrationAttempt,
)

JPEG = b"\xff\xd8\xff\xe0" + b"meeting" * 80
USER = "8473629105748392017"  # OA user ids exceed 2**53: strings throughout


async def no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@dataclass
class Harness:
    server: FakeZaloOA
    channel: ZaloOAChannel

    async def send(self, user: FakeOAUser, event: dict[str, Any]) -> list[Sent]:
        """Post the event, wait until it is answered; what reached this user."""
        before = len(self.server.sent)
        assert await self.server.push(event) == 200
        await self.channel.settled()
        return [s for s in self.server.sent[before:] if s.user_id == user.id]

    async def say(self, user: FakeOAUser, text: str) -> str:
        return "\n".join(s.text for s in await self.send(user, user.text(text)))

    async def press(self, user: FakeOAUser, title: str) -> str:
        return "\n".join(s.text for s in await self.send(user, user.press(title)))


def config(server: FakeZaloOA, refresh_token: str) -> ZaloOAConfig:
    return ZaloOAConfig(
        oa_id=OA_ID,
        app_id=APP_ID,
        app_secret=APP_SECRET,
        oa_secret_key=OA_SECRET_KEY,
        refresh_token=refresh_token,
        api_url=server.url,
        oauth_url=server.url,
        request_timeout=2.0,
        shutdown_timeout=5,
    )


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloOA]:
    fake = FakeZaloOA()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def oa(engine: Engine, server: FakeZaloOA) -> AsyncIterator[Harness]:
    _, refresh = server.grant()
    channel = ZaloOAChannel(engine, config(server, refresh), sleep=no_sleep)
    web_server = WebServer("127.0.0.1", 0)
    web_server.add_routes(channel.name, channel.web_routes())
    await web_server.start()
    server.webhook_url = f"http://127.0.0.1:{web_server.port}{WEBHOOK_PATH}"
    await channel.start()
    yield Harness(server, channel)
    await web_server.stop()
    await channel.stop()


async def member(oa: Harness, world: World, user_id: str = USER) -> FakeOAUser:
    await link_identity(world.reporter, "zalo_oa", user_id, account=OA_ID)
    return FakeOAUser(oa.server, user_id)


async def identity(user: FakeOAUser) -> Identity:
    return await Identity.get(channel="zalo_oa", account=OA_ID, external_id=user.id)


# -- registration and buttons ------------------------------------------------------------------


async def test_a_follower_registers_by_code_and_gets_buttons(oa: Harness, world: World) -> None:
    user = FakeOAUser(oa.server, USER)
    (greeting,) = await oa.send(user, user.follow())
    assert greeting.text == T.STRANGER
    invite = await issue_invite(world.other_reporter, oa.channel.engine.clock(), 30)
    welcome = (await oa.send(user, user.text(invite.code)))[0]
    assert "Chào Tòng Thị Giả!" in welcome.text
    # Six options do not fit the buttons Zalo shows: a numbered list, as on the Zalo bot.
    assert "\n1. Phát thanh loa\n" in welcome.text and welcome.buttons == []
    ident = await identity(user)
    assert ident.member_id == world.other_reporter.id
    assert (await InviteCode.get(id=invite.id)).used_by_id == ident.id
    (date_question,) = await oa.send(user, user.text("phat thanh loa"))
    assert date_question.text.endswith("Phát thanh ngày nào?")
    assert date_question.titles() == ["Hôm nay", "Hôm qua", "« Quay lại", "✖ Hủy"]
    assert {b["type"] for b in date_question.buttons} == {"oa.query.hide"}
    version = ident.state_version + 1
    assert [b["payload"] for b in date_question.buttons] == [f"{version}:{i}" for i in range(4)]
    # The first send spent the refresh token from the settings; the new pair is stored.
    token = await OAToken.get(oa_id=OA_ID)
    assert token.version == 1 and token.refresh_token == oa.server.refresh_token
    assert {s.token for s in oa.server.sent} == {token.access_token}
    assert len(oa.server.refresh_calls) == 1


async def test_a_report_by_buttons_typed_text_and_a_photo(oa: Harness, world: World) -> None:
    user = await member(oa, world)
    await oa.say(user, "menu")
    await oa.say(user, "3")  # Hội họp, sinh hoạt
    assert "Hình thức" in await oa.press(user, "Hôm nay")
    assert "người dự" in await oa.press(user, "Họp thôn")
    await oa.say(user, "30 người")
    await oa.say(user, "45")
    assert "Kiểm tra báo cáo Hội họp" in await oa.say(user, "nghi quyet 21")
    received = await oa.send(user, user.image(JPEG))
    assert "Đã nhận 1 ảnh" in received[0].text and received[0].titles()[0] == T.SAVE
    assert "Đã lưu BC-" in await oa.press(user, "Lưu")
    activity = await Activity.get().select_related("kind")
    assert activity.kind.code == "hoi_hop" and activity.channel == "zalo_oa"
    assert activity.data["form"] == "Họp thôn/bản" and activity.data["attendees"] == 30
    assert activity.data["topics"] == ["nq_21"]
    assert activity.data["photos"] == [hashlib.sha256(JPEG).hexdigest()]
    assert await Media.filter(sha256=hashlib.sha256(JPEG).hexdigest()).exists()
    assert all(len(b["title"]) <= 100 for s in oa.server.sent for b in s.buttons)


async def test_a_place_sent_as_a_location_pin(oa: Harness, world: World) -> None:
    user = await member(oa, world)
    await oa.say(user, "menu")
    await oa.say(user, "1")  # Phát thanh loa
    await oa.press(user, "Hôm nay")
    await oa.say(user, "2")
    await oa.say(user, "30")
    assert T.PLACE_HINT in await oa.say(user, "1")
    pinned = await oa.send(user, user.location(21.5937, 103.3421))
    assert T.PLACE_RECEIVED in pinned[0].text and "📍 21.59370, 103.34210" in pinned[0].text
    await oa.press(user, "Lưu")
    activity = await Activity.get()
    assert activity.data["place"] == {"lat": 21.5937, "lon": 103.3421}


async def test_text_that_only_looks_like_a_payload_is_a_stale_press(
    oa: Harness, world: World
) -> None:
    user = await member(oa, world)
    await oa.say(user, "1")
    await oa.press(user, "Hôm nay")
    before = (await identity(user)).state
    said = await oa.say(user, "0:1")
    assert said.startswith(T.STALE_BUTTON)
    assert (await identity(user)).state["values"] == before["values"]


async def test_stickers_get_a_hint_and_a_strangers_photo_is_not_fetched(
    oa: Harness, world: World
) -> None:
    stranger = FakeOAUser(oa.server, "1111")
    assert (await oa.send(stranger, stranger.image(JPEG)))[0].text == T.STRANGER
    assert await Media.all().count() == 0
    user = await member(oa, world)
    await oa.say(user, "menu")
    assert "nhãn dán" in (await oa.send(user, user.sticker()))[0].text


# -- webhook safety ----------------------------------------------------------------------------


async def test_a_forged_or_repeated_webhook_event(oa: Harness, world: World) -> None:
    invite = await issue_invite(world.reporter, oa.channel.engine.clock(), 30)
    forger = FakeOAUser(oa.server, "9999")
    event = forger.text(invite.code)
    raw = json.dumps(event).encode()
    resent = json.dumps(event, indent=1).encode()  # the same JSON, other bytes
    for body, headers, status in (
        (raw, {}, 401),
        (raw, {"X-ZEvent-Signature": "mac=" + "0" * 64}, 403),
        (raw, {"X-ZEvent-Signature": "mac=" + sign(raw, event, "wrong-secret")}, 403),
        (resent, {"X-ZEvent-Signature": "mac=" + sign(raw, event)}, 403),
        (b"not json", {"X-ZEvent-Signature": "mac=" + sign(raw, event)}, 400),
    ):
        assert await oa.server.post_raw(body, headers) == status
    await oa.channel.settled()
    assert oa.channel.received == 0 and oa.server.sent == []
    assert not await Identity.exists(channel="zalo_oa")
    assert await RegistrationAttempt.all().count() == 0
    assert (await InviteCode.get(id=invite.id)).used_at is None
    # Signed right (the header without "mac=" is accepted too), then retried by Zalo: once.
    bare = {"X-ZEvent-Signature": sign(raw, event)}
    assert await oa.server.post_raw(raw, bare) == 200
    await oa.channel.settled()
    assert await oa.server.push(event) == 200
    await oa.channel.settled()
    assert len(oa.server.to("9999")) == 1  # the welcome with the menu, not twice
    registered = await Identity.get(channel="zalo_oa", external_id="9999")
    assert registered.recent_messages == [event["message"]["msg_id"]]  # the id is kept
    again = forger.text("menu")
    await oa.send(forger, again)
    assert await oa.send(forger, again) == []
    registered = await Identity.get(channel="zalo_oa", external_id="9999")
    assert len(registered.recent_messages) == 2


async def test_unfollow_marks_the_member_blocked_and_follow_clears_it(
    oa: Harness, world: World
) -> None:
    user = await member(oa, world)
    assert await oa.send(user, user.unfollow()) == []
    assert (await identity(user)).blocked_at is not None
    assert await oa.send(user, user.follow()) == []  # a member: no greeting
    assert (await identity(user)).blocked_at is None


# -- sending: the window, the token ------------------------------------------------------------


async def test_outside_the_7_day_window_is_reported_to_the_caller(
    oa: Harness, world: World
) -> None:
    user = await member(oa, world)
    oa.server.outside_window.add(user.id)
    delivery = await oa.channel.deliver(user.id, OA_ID, [Reply("Nhắc: kỳ tháng 11 sắp hết hạn")])
    assert delivery.status == DeliveryStatus.OUTSIDE_WINDOW and delivery.detail.startswith("-230")
    assert oa.server.refused == [(user.id, -230)] and oa.server.sent == []
    assert (await identity(user)).blocked_at is None  # still a follower: not blocked
    oa.server.outside_window.clear()
    oa.server.not_followers.add(user.id)
    delivery = await oa.channel.deliver(user.id, OA_ID, [Reply("Nhắc")])
    assert delivery.status == DeliveryStatus.BLOCKED
    assert (await identity(user)).blocked_at is not None
    wrong = await oa.channel.deliver(user.id, "another-oa", [Reply("Nhắc")])
    assert wrong.status == DeliveryStatus.FAILED


async def test_the_access_token_is_refreshed_before_it_expires(
    oa: Harness, world: World, clock: Clock
) -> None:
    user = await member(oa, world)
    await oa.channel.deliver(user.id, OA_ID, [Reply("Một")])
    first = await OAToken.get(oa_id=OA_ID)
    assert first.expires_at == clock.now + timedelta(seconds=90000)
    clock.now += timedelta(hours=23)  # still two hours left: no refresh
    await oa.channel.deliver(user.id, OA_ID, [Reply("Hai")])
    assert len(oa.server.refresh_calls) == 1
    clock.now += timedelta(hours=1, minutes=30)  # half an hour left: refresh first
    await oa.channel.deliver(user.id, OA_ID, [Reply("Ba")])
    second = await OAToken.get(oa_id=OA_ID)
    call = oa.server.refresh_calls[-1]
    assert call == {
        "form": {
            "refresh_token": first.refresh_token,
            "app_id": APP_ID,
            "grant_type": "refresh_token",
        },
        "secret_key": APP_SECRET,
    }
    assert second.version == 2 and second.refresh_token == oa.server.refresh_token
    assert [s.token for s in oa.server.sent] == [first.access_token] * 2 + [second.access_token]


async def test_a_revoked_token_is_renewed_once_and_the_send_retried(
    oa: Harness, world: World
) -> None:
    user = await member(oa, world)
    await oa.channel.deliver(user.id, OA_ID, [Reply("Một")])
    oa.server.revoke_access_tokens()  # -216 for the cached token
    assert (await oa.channel.deliver(user.id, OA_ID, [Reply("Hai")])).status == "sent"
    assert len(oa.server.refresh_calls) == 2 and [s.text for s in oa.server.sent] == ["Một", "Hai"]


async def test_two_refreshes_at_once_spend_the_refresh_token_once(
    engine: Engine, server: FakeZaloOA, clock: Clock
) -> None:
    """Two processes (two token holders, each with its own database connection on PostgreSQL)
    find the token expired at the same moment: one refreshes, the other waits and uses the new
    token. A second spend of the old refresh token would be refused and lose the OA."""
    _, refresh = server.grant()
    server.refresh_delay = 0.3
    async with ClientSession() as http:
        holders = [
            OATokens(
                http,
                OA_ID,
                APP_ID,
                APP_SECRET,
                server.url,
                clock=clock,
                seed_refresh_token=refresh,
            )
            for _ in range(2)
        ]
        first, second = await asyncio.gather(*(h.access_token() for h in holders))
        assert first == second and first in server.access_tokens
        assert len(server.refresh_calls) == 1
        assert sorted(h.refreshes for h in holders) == [0, 1]
        row = await OAToken.get(oa_id=OA_ID)
        assert row.version == 1 and row.refresh_token == server.refresh_token
        # A holder whose token was refused learns the current one without spending anything.
        assert await holders[0].renew("an-old-token") == first
        assert len(server.refresh_calls) == 1


async def test_buttons_zalo_refuses_become_a_numbered_list(oa: Harness, world: World) -> None:
    oa.server.max_buttons = 2
    user = await member(oa, world)
    await oa.say(user, "1")
    (date_question,) = [s for s in oa.server.to(user.id) if "ngày nào" in s.text]
    assert date_question.buttons == []
    assert "1. Hôm nay\n2. Hôm qua\n(Gõ “quay lại” hoặc “hủy”)" in date_question.text
    assert oa.server.refused[-1] == (user.id, -201)


async def test_the_narrative_report_arrives_as_a_word_file(oa: Harness, world: World) -> None:
    """Zalo OA takes PDF and Word files up to 5 MB: the .docx is uploaded and sent as a file;
    the workbook (not a type the OA takes) goes as a link in the text."""
    await link_identity(world.admin, "zalo_oa", USER, account=OA_ID)
    admin = FakeOAUser(oa.server, USER)
    sent = await oa.send(admin, admin.text("/xuatbaocao 10/2026"))
    assert sent[0].text == T.EXPORT_STARTED
    [(name, content)] = oa.server.uploads.values()
    assert name.endswith(".docx") and content.startswith(b"PK")  # a Word (zip) file
    texts = [s.text for s in sent]
    assert any(t.startswith("Báo cáo tháng 10/2026 của Tỉnh ủy Thử Nghiệm") for t in texts)
    assert T.EXPORT_DOCX_READY in texts
    files = [s for s in sent if (s.message.get("attachment") or {}).get("type") == "file"]
    assert len(files) == 1
    assert files[0].message["attachment"]["payload"]["token"] in oa.server.uploads
    assert sent.index(files[0]) == texts.index(T.EXPORT_DOCX_READY) + 1


def test_render_long_labels_many_choices_and_nav() -> None:
    options = [Choice(f"Lựa chọn {i} " + "dài " * 40, f"3:{i}") for i in range(3)]
    nav = [Choice(T.BACK, "3:3", nav=True), Choice(T.CANCEL, "3:4", nav=True)]
    (message,) = render(Reply("Chọn:", options + nav), None, 4)
    buttons = message["attachment"]["payload"]["buttons"]
    assert [b["payload"] for b in buttons] == ["3:0", "3:1", "3:2"]  # back/cancel as words
    assert all(len(b["title"]) == 100 and b["title"].endswith("…") for b in buttons)
    assert message["text"] == "Chọn:\n(Gõ “quay lại” hoặc “hủy”)"
    (plain,) = render(Reply("Chọn:", options + nav), None, 2)
    assert "attachment" not in plain and "Trả lời 1, 2 hoặc 3." in plain["text"]
    parts = render(Reply("dòng\n" * 900, nav), None, 5)
    assert len(parts) == 3 and "attachment" in parts[-1] and "attachment" not in parts[0]


def test_settings_must_be_complete() -> None:
    from bot.config import Settings

    base = Settings(_env_file=None, zalo_oa_id=OA_ID, public_url="https://bot.example.vn")
    with pytest.raises(ValueError, match="ZALO_APP_ID, ZALO_APP_SECRET, ZALO_OA_SECRET_KEY"):
        ZaloOAConfig.from_settings(base)
    full = base.model_copy(
        update={
            "zalo_app_id": APP_ID,
            "zalo_app_secret": APP_SECRET,
            "zalo_oa_secret_key": OA_SECRET_KEY,
        }
    )
    cfg = ZaloOAConfig.from_settings(full)
    assert cfg.oa_id == OA_ID and APP_SECRET not in repr(cfg)


async def test_malformed_signed_events_get_400(oa: Harness, world: World) -> None:
    user = FakeOAUser(oa.server, USER)
    for change in (
        {"recipient": "oa1"},
        {"sender": [1]},
        {"message": "x"},
        {"timestamp": "²"},
        {"timestamp": "9" * 5000},
    ):
        event = {**user.text("menu"), **change}
        assert await oa.server.push(event) == 400, change
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    assert await oa.server.post_raw(deep, {"X-ZEvent-Signature": "mac=" + "0" * 64}) == 400
    await oa.channel.settled()
    assert oa.server.sent == []


async def test_an_old_signed_event_cannot_be_replayed(oa: Harness, world: World) -> None:
    """An event without msg_id (a follow) has no key of its own: its timestamp must be recent."""
    invite = await issue_invite(world.reporter, oa.channel.engine.clock(), 30)
    user = FakeOAUser(oa.server, USER)
    old = user.text(invite.code)
    del old["message"]["msg_id"]
    old["timestamp"] = str(int((time.time() - 3600) * 1000))  # signed an hour ago
    assert await oa.server.push(old) == 403
    future = {**old, "timestamp": str(int((time.time() + 3600) * 1000))}
    assert await oa.server.push(future) == 403
    await oa.channel.settled()
    assert not await Identity.exists(channel="zalo_oa") and oa.server.sent == []
    fresh = {**old, "timestamp": str(int(time.time() * 1000))}
    assert await oa.server.push(fresh) == 200
    assert await oa.server.push(fresh) == 200  # the same bytes again: one row, one turn
    await oa.channel.settled()
    assert await Identity.filter(channel="zalo_oa").count() == 1
    assert len(oa.server.to(USER)) == 1
