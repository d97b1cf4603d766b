"""The Zalo Bot Platform as its published error table and independent clients describe it, through
the real adapter and a fake platform on loopback: 403 is a server error (never "blocked"), 429 a
rate limit, 400/401/404 the caller's fault; setWebhook's check request; polls that return at once.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from conftest import Clock
from test_zalo_bot import (
    BOT_A,
    BOT_B,
    SECRET,
    Harness,
    _text,
    config,
    free_port,
    identity,
    member_user,
    start_channel,
)

from bot.app import serve
from bot.channels import DeliveryStatus
from bot.channels.zalo_bot import ZaloBotChannel, ZaloWebhookError
from bot.config import Settings
from bot.sender import OutboxSender
from bot.web import WebServer
from factories import World
from fakes.clock import FakeTime
from fakes.zalo_bot_server import FakeZaloBot, FakeZaloUser, Fault
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Reply
from handlers.registration import issue_invite
from handlers.reminders import ReminderPlan, sweep
from models import ChannelCounter, Outbox, OutboxStatus
from models.periods import ReportRules

PLAN = ReminderPlan()


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloBot]:
    fake = FakeZaloBot(BOT_A, BOT_B)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def zb(engine: Engine, server: FakeZaloBot) -> AsyncIterator[Harness]:
    harness = await start_channel(engine, server)
    yield harness
    await harness.channel.stop()


# -- 403 and 5xx: transient ------------------------------------------------------------------


async def test_a_403_then_a_200_delivers_the_reminder_and_the_member_stays_reachable(
    engine: Engine, server: FakeZaloBot, world: World, clock: Clock
) -> None:
    zb = await start_channel(engine, server)
    try:
        clock.set_vn(2026, 12, 5, 8)
        user = await member_user(server, world)
        server.fail("1001", "sendMessage", Fault(403, "Internal server error"))
        await sweep(clock(), ReportRules(), PLAN)
        counts = await OutboxSender(engine, [zb.channel], PLAN, clock).drain()
        assert counts == {"sent": 1, "failed": 1}  # the other reporter has no Zalo
        row = await Outbox.get(member=world.reporter)
        assert (row.status, row.channel) == (OutboxStatus.SENT, "zalo_bot")
        assert server.tries("1001", "sendMessage") == 2
        (reminder,) = server.sent(user.id)
        assert "Nhắc báo cáo tháng 11/2026: Chi bộ bản Một chưa gửi báo cáo" in reminder.text
        assert 0.75 <= zb.time.waits[-1] <= 1.0  # one backoff before the second try
        assert (await identity(user)).blocked_at is None
    finally:
        await zb.channel.stop()


async def test_403s_that_last_fail_for_now_and_never_block_the_member(
    zb: Harness, world: World
) -> None:
    user = await member_user(zb.server, world)
    zb.server.fail("1001", "sendMessage", *[Fault(403, "Internal server error")] * 3)
    delivery = await zb.channel.deliver(user.id, "1001", [Reply("Nhắc báo cáo")])
    assert delivery.status == DeliveryStatus.FAILED  # the outbox tries again later
    assert zb.server.tries("1001", "sendMessage") == 3 and len(zb.time.waits) == 2
    assert (await identity(user)).blocked_at is None
    zb.server.fail("1001", "sendMessage", Fault(502, "Bad Gateway"), Fault(403, "", 200))
    delivery = await zb.channel.deliver(user.id, "1001", [Reply("Nhắc báo cáo")])
    assert delivery.status == DeliveryStatus.SENT
    assert (await identity(user)).blocked_at is None and zb.warnings == []


# -- 400, 401, 404: the caller's fault -------------------------------------------------------


@pytest.mark.parametrize("code", [400, 404])
async def test_a_bad_request_is_not_retried_and_the_outbox_records_it(
    engine: Engine, server: FakeZaloBot, world: World, clock: Clock, code: int
) -> None:
    zb = await start_channel(engine, server)
    try:
        clock.set_vn(2026, 12, 5, 8)
        await member_user(server, world)
        server.fail("1001", "sendMessage", Fault(code, "Bad Request"))
        await sweep(clock(), ReportRules(), PLAN)
        await OutboxSender(engine, [zb.channel], PLAN, clock).drain()
        row = await Outbox.get(member=world.reporter)
        assert (row.status, row.attempts) == (OutboxStatus.REFUSED, 1)
        assert row.last_error.startswith(f"zalo_bot: refused {code}")
        assert server.tries("1001", "sendMessage") == 1 and zb.time.waits == []
        assert zb.warnings == []
    finally:
        await zb.channel.stop()


async def test_a_refused_token_tells_the_admins(
    engine: Engine, server: FakeZaloBot, world: World
) -> None:
    # Bot 3003's token is unknown to Zalo: it stays off, the other bot works.
    zb = await start_channel(engine, server, bots=config(server).bots[:1])
    wrong = await start_channel(
        engine, server, bots=(replace(config(server).bots[0], token="3003:wrong-token"),)
    )
    try:
        assert "3003" not in wrong.channel.bots
        (alert,) = wrong.warnings
        assert (alert.account, alert.kind) == ("3003", "token")
        assert "lỗi 401" in alert.text and "ZALO_BOT_TOKENS" in alert.text
        assert len(alert.text) <= 300
        # A token revoked while running: not retried, told once.
        user = await member_user(server, world)
        server.fail("1001", "sendMessage", Fault(401, "Unauthorized"), Fault(401, "Unauthorized"))
        for _ in range(2):
            delivery = await zb.channel.deliver(user.id, "1001", [Reply("Nhắc")])
            assert delivery.status == DeliveryStatus.REFUSED
        assert [w.kind for w in zb.warnings] == ["token"]
        assert server.tries("1001", "sendMessage") == 2
    finally:
        await zb.channel.stop()
        await wrong.channel.stop()


# -- 429: a rate limit -----------------------------------------------------------------------


async def test_a_429_slows_the_bot_down_and_the_admins_hear_only_of_what_lasts(
    zb: Harness, world: World
) -> None:
    user = await member_user(zb.server, world)
    other = FakeZaloUser(zb.server, "2002", "on-the-other-bot")
    await member_user(zb.server, world, other.id, "2002")
    zb.server.fail("1001", "sendMessage", Fault(429, "Quota exceeded"))
    delivery = await zb.channel.deliver(user.id, "1001", [Reply("Một")])
    assert delivery.status == DeliveryStatus.SENT  # a short pause, then sent
    assert 3.75 <= zb.time.waits[-1] <= 5.0
    # Three in a row: the pause doubles each time; past 10 s the outbox tries again later.
    zb.server.fail("1001", "sendMessage", *[Fault(429, "Quota exceeded")] * 3)
    delivery = await zb.channel.deliver(user.id, "1001", [Reply("Hai")])
    assert delivery.status == DeliveryStatus.QUOTA
    first, second = zb.time.waits[-2:]
    assert 3.75 <= first <= 5.0 and 7.5 <= second <= 10.0
    tries = zb.server.tries("1001", "sendMessage")
    delivery = await zb.channel.deliver(user.id, "1001", [Reply("Ba")])
    assert (
        delivery.status == DeliveryStatus.QUOTA and zb.server.tries("1001", "sendMessage") == tries
    )
    assert (await zb.channel.deliver(other.id, "2002", [Reply("Bốn")])).status == "sent"
    assert zb.warnings == []  # 2 of 3,000 sent: Zalo is only asking us to slow down
    # Still 429 an hour later: now the admins are told, once.
    zb.time.now += 3600
    zb.server.fail("1001", "sendMessage", *[Fault(429, "Quota exceeded")] * 6)
    for _ in range(2):
        zb.time.now += 600
        await zb.channel.deliver(user.id, "1001", [Reply("Năm")])
    (alert,) = zb.warnings
    assert alert.kind == "throttled" and "429" in alert.text and "1/3000" in alert.text
    assert len(alert.text) <= 300


async def test_a_429_after_the_months_quota_is_spent_tells_the_admins(
    engine: Engine, server: FakeZaloBot, world: World
) -> None:
    zb = await start_channel(engine, server, monthly_quota=10)
    try:
        user = await member_user(server, world)
        await ChannelCounter.create(channel="zalo_bot", account="1001", month="2026-11", sent=10)
        server.fail("1001", "sendMessage", *[Fault(429, "Quota exceeded")] * 3)
        delivery = await zb.channel.deliver(user.id, "1001", [Reply("Nhắc")])
        assert delivery.status == DeliveryStatus.QUOTA
        assert [w.kind for w in zb.warnings] == ["exhausted"]
        assert "hết hạn mức" in zb.warnings[0].text and zb.warnings[0].sent == 10
    finally:
        await zb.channel.stop()


async def test_a_poll_answered_429_backs_off_more_each_time(
    engine: Engine, server: FakeZaloBot, world: World
) -> None:
    server.fail("1001", "getUpdates", *[Fault(429, "Quota exceeded")] * 3)
    zb = await start_channel(engine, server, bots=config(server).bots[:1])
    try:
        await server.wait_polled("1001", 2)
        pauses = [w for w in zb.time.waits if w > 1.0][:3]
        assert len(pauses) == 3 and pauses[0] < pauses[1] < pauses[2]
        assert 15.0 <= pauses[2] <= 20.0 and zb.warnings == []
        user = await member_user(server, world)
        assert T.MAIN_MENU in await zb.say(user, "menu")
    finally:
        await zb.channel.stop()


# -- polling ---------------------------------------------------------------------------------


async def test_polls_that_return_at_once_keep_a_floor_and_repeats_are_answered_once(
    engine: Engine, server: FakeZaloBot, world: World
) -> None:
    server.poll_hold = 0  # every empty poll comes back at once
    zb = await start_channel(engine, server, poll_floor=1.0, bots=config(server).bots[:1])
    try:
        await server.wait_polled("1001", 4)
        assert zb.time.waits and set(zb.time.waits) == {1.0}
        user = await member_user(server, world)
        server.repeat = 2  # the same update served three times
        await zb.say(user, "menu")
        await server.wait_polled("1001", server.polls["1001"] + 4)
        await zb.channel.settled()
        assert len(server.sent(user.id)) == 1
    finally:
        await zb.channel.stop()


async def test_a_webhook_left_from_before_is_removed_to_poll(
    engine: Engine, server: FakeZaloBot
) -> None:
    server.webhooks["1001"] = {"url": "https://old.example.vn/hook", "secret_token": SECRET}
    zb = await start_channel(engine, server)
    try:
        assert [c.bot_id for c in server.called("deleteWebhook")] == ["1001"]
        await server.wait_polled("1001")
    finally:
        await zb.channel.stop()


# -- webhook: the check request, flat and wrapped bodies ------------------------------------


@pytest.fixture
async def web_server() -> AsyncIterator[WebServer]:
    web = WebServer("127.0.0.1", 0)
    yield web
    await web.stop()


async def hooked_channel(
    engine: Engine, server: FakeZaloBot, web: WebServer, routes: bool = True
) -> ZaloBotChannel:
    channel = ZaloBotChannel(engine, config(server, webhook_secret=SECRET), sleep=FakeTime().sleep)
    if routes:
        web.add_routes(channel.name, channel.web_routes())
    await web.start()
    channel.config = replace(channel.config, public_url=f"http://127.0.0.1:{web.port}")
    return channel


@pytest.mark.parametrize("wrapped", [False, True], ids=["flat", "wrapped"])
async def test_the_webhook_passes_zalos_check_and_takes_both_body_shapes(
    engine: Engine, server: FakeZaloBot, world: World, web_server: WebServer, wrapped: bool
) -> None:
    channel = await hooked_channel(engine, server, web_server)
    try:
        await channel.start()
        assert server.checks == [200, 200]  # one check request per bot, answered
        assert [c.method for c in server.calls if c.bot_id == "1001"] == [
            "getMe",
            "setWebhook",
            "getWebhookInfo",
        ]
        server.wrapped = wrapped
        zb = Harness(server, channel, FakeTime())
        invite = await issue_invite(world.reporter, engine.clock(), 30)
        user = FakeZaloUser(server, "1001", "hooked-user")
        assert "Chào Lò Văn Thử!" in await zb.say(user, invite.code)
        update = user.text("menu")
        assert T.MAIN_MENU in _text(await zb.send(user, update))
        assert await zb.send(user, update) == []  # posted again: answered once
        assert server.webhook_statuses == [200] * 3
    finally:
        await channel.stop()


async def test_a_failed_check_stops_the_start_naming_the_url(
    engine: Engine, server: FakeZaloBot, web_server: WebServer
) -> None:
    channel = await hooked_channel(engine, server, web_server, routes=False)  # nothing answers
    try:
        with pytest.raises(ZaloWebhookError) as e:
            await channel.start()
        url = f"http://127.0.0.1:{web_server.port}/zalo/bot/1001/webhook"
        message = str(e.value)
        assert f"Zalo không gọi được webhook {url}" in message
        assert f"Zalo's check request to the webhook {url}" in message
        assert server.checks == [404] and "1001" not in server.webhooks
    finally:
        await channel.stop()


async def test_baocao_run_refuses_to_start_when_the_check_fails(
    db: str, server: FakeZaloBot, caplog: pytest.LogCaptureFixture, tmp_path
) -> None:
    port = free_port()
    # https on a plain-HTTP port: Zalo's check request cannot get through.
    public = f"https://127.0.0.1:{port}"
    settings = Settings(
        _env_file=None,
        zalo_bot_tokens=f"X1={BOT_A}",
        zalo_bot_base_url=server.base_url,
        zalo_bot_webhook_secret=SECRET,
        public_url=public,
        download_link_secret="k" * 32,
        web_port=port,
        media_dir=tmp_path / "media",
    )
    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as e:
        await serve(settings)
    assert e.value.code == 2
    assert f"webhook {public}/zalo/bot/1001/webhook" in caplog.text
    assert server.checks == [0]
