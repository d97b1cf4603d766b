"""The Zalo OA's windows and limits as the OA v3 documentation states them, through the outbox
sender, the real adapter and a fake OA platform on loopback: free for 48 hours after the user's
last interaction, billed up to 7 days, then nothing; refusals for good; -32 and the pace of
4,000 requests a minute; follow events greeted once, also by two processes."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from conftest import Clock
from pydantic import ValidationError
from test_zalo_bot import BOT_A, start_channel
from test_zalo_bot import config as bot_config
from test_zalo_oa import USER, config

from bot.channels import Deliverer, DeliveryStatus, Reach
from bot.channels.console import ConsoleDeliverer
from bot.channels.zalo_oa import WEBHOOK_PATH, ZaloOAChannel
from bot.channels.zalo_oa_api import ZaloOAConfig
from bot.config import Settings
from bot.sender import OutboxSender
from bot.web import WebServer
from factories import World
from fakes.clock import FakeTime
from fakes.zalo_bot_server import FakeZaloBot, Fault
from fakes.zalo_oa_server import OA_ID, FakeOAUser, FakeZaloOA
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Reply
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan, sweep
from models import Identity, Outbox, OutboxStatus, ZaloFollow
from models.periods import ReportRules

PLAN = ReminderPlan()


class OA:
    """One process's OA channel, with its own web server, on a fake monotonic clock."""

    def __init__(self, engine: Engine, server: FakeZaloOA, refresh: str) -> None:
        self.time = FakeTime()
        self.channel = ZaloOAChannel(
            engine,
            config(server, refresh),
            sleep=self.time.sleep,
            clock=self.time.monotonic,
        )
        self.web = WebServer("127.0.0.1", 0)
        self.web.add_routes(self.channel.name, self.channel.web_routes())

    async def start(self) -> OA:
        await self.web.start()
        await self.channel.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web.port}{WEBHOOK_PATH}"

    async def stop(self) -> None:
        await self.web.stop()
        await self.channel.stop()


@pytest.fixture
async def server() -> AsyncIterator[FakeZaloOA]:
    fake = FakeZaloOA()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def oa(engine: Engine, server: FakeZaloOA) -> AsyncIterator[OA]:
    _, refresh = server.grant()
    harness = await OA(engine, server, refresh).start()
    server.webhook_url = harness.url
    yield harness
    await harness.stop()


async def oa_member(world: World, clock: Clock, silent: timedelta, console_used: bool) -> None:
    """The reporter on the OA, last heard from `silent` ago; their console chat was used an hour
    ago when `console_used`, else never (the OA then comes first by recency)."""
    ident = await link_identity(world.reporter, "zalo_oa", USER, account=OA_ID)
    await Identity.filter(id=ident.id).update(
        last_seen_at=clock() - silent, state_updated_at=clock() - silent
    )
    used = clock() - timedelta(hours=1) if console_used else None
    await Identity.filter(member=world.reporter, channel="console").update(state_updated_at=used)


async def remind(engine: Engine, clock: Clock, world: World, *deliverers: Deliverer) -> Outbox:
    """A reminder sweep and one drain; the reporter's reminder as it ended."""
    await sweep(clock(), ReportRules(), PLAN)
    await OutboxSender(engine, list(deliverers), PLAN, clock).drain()
    return await Outbox.get(member=world.reporter, category="reminder")


def console() -> ConsoleDeliverer:
    return ConsoleDeliverer(io.StringIO())


# -- the 48-hour and 7-day windows -------------------------------------------------------------


async def test_within_48_hours_the_oa_carries_the_reminder(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await oa_member(world, clock, timedelta(hours=47), console_used=True)
    row = await remind(engine, clock, world, oa.channel, console())
    # The console was used more recently, but the OA message is free: recency decides.
    assert (row.status, row.channel) == (OutboxStatus.SENT, "console")
    await Identity.filter(member=world.reporter, channel="console").update(state_updated_at=None)
    await Outbox.all().delete()
    row = await remind(engine, clock, world, oa.channel, console())
    assert (row.status, row.channel) == (OutboxStatus.SENT, "zalo_oa")
    assert "Nhắc báo cáo tháng 11/2026" in server.to(USER)[0].text


async def test_after_48_hours_another_channel_goes_first(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await oa_member(world, clock, timedelta(hours=49), console_used=False)
    server.paid_window.add(USER)
    row = await remind(engine, clock, world, oa.channel, console())
    assert (row.status, row.channel) == (OutboxStatus.SENT, "console")
    assert server.sent == [] and server.refused == []  # the billed OA was not even tried


async def test_without_a_paid_account_the_oa_falls_back_and_the_admins_hear_once(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await oa_member(world, clock, timedelta(hours=60), console_used=False)
    server.paid_window.add(USER)
    # The OA is the only channel this process serves: the billed message is tried.
    row = await remind(engine, clock, world, oa.channel)
    assert row.status == OutboxStatus.OUTSIDE_WINDOW and "-320" in row.last_error
    assert server.refused == [(USER, -320)]
    (notice,) = await Outbox.filter(key__startswith=f"zalo_oa:{OA_ID}:no-paid-account")
    assert notice.member_id == world.admin.id
    assert "lỗi -320" in notice.text and len(notice.text) <= 300
    # The next reminder does not knock again: no paid account, no billed sends for a day.
    await Outbox.filter(category="reminder").delete()
    row = await remind(engine, clock, world, oa.channel)
    assert row.status == OutboxStatus.OUTSIDE_WINDOW and server.refused == [(USER, -320)]
    assert await Outbox.filter(key__startswith="zalo_oa:").count() == 1
    # A day later it is tried again, and a funded account now carries it.
    server.paid_account = True
    oa.time.now += 24 * 3600 + 1
    await Outbox.filter(category="reminder").delete()
    row = await remind(engine, clock, world, oa.channel)
    assert (row.status, row.channel) == (OutboxStatus.SENT, "zalo_oa")


async def test_after_7_days_the_oa_is_never_tried(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await oa_member(world, clock, timedelta(days=7, hours=1), console_used=False)
    row = await remind(engine, clock, world, oa.channel)
    assert row.status == OutboxStatus.OUTSIDE_WINDOW and "quá 7 ngày" in row.last_error
    assert server.sent == [] and server.refused == []
    await Outbox.filter(category="reminder").delete()
    row = await remind(engine, clock, world, oa.channel, console())
    assert (row.status, row.channel) == (OutboxStatus.SENT, "console")


async def test_a_message_restarts_the_window(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA
) -> None:
    await oa_member(world, clock, timedelta(days=9), console_used=False)
    user = FakeOAUser(server, USER)
    event = user.text("menu")
    written = clock() - timedelta(minutes=3)
    event["timestamp"] = str(int(written.timestamp() * 1000))
    oa.channel.wall = lambda: clock().timestamp()  # the event is signed at the test's time
    assert await server.push(event) == 200
    await oa.channel.settled()
    ident = await Identity.get(channel="zalo_oa", external_id=USER)
    assert ident.last_seen_at == written  # the event's time, not when it was handled
    assert oa.channel.reach(written, clock()) == Reach.FREE
    assert oa.channel.reach(written, clock() + timedelta(hours=49)) == Reach.LATER
    assert oa.channel.reach(written, clock() + timedelta(days=8)) == Reach.NEVER


# -- refusals, -32 and the pace --------------------------------------------------------------


@pytest.mark.parametrize("code", [-227, -244, -218])
async def test_a_refusal_for_good_is_not_retried_and_recorded(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA, code: int
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await oa_member(world, clock, timedelta(hours=2), console_used=False)
    server.errors.append(code)
    row = await remind(engine, clock, world, oa.channel)
    assert (row.status, row.attempts) == (OutboxStatus.REFUSED, 1)
    assert row.last_error.startswith(f"zalo_oa: refused {code}")
    assert server.refused == [(USER, code)] and oa.time.waits == []


async def test_minus_32_backs_off_then_sends(oa: OA, server: FakeZaloOA, world: World) -> None:
    await link_identity(world.reporter, "zalo_oa", USER, account=OA_ID)
    server.errors.extend([-32, -32])
    delivery = await oa.channel.deliver(USER, OA_ID, [Reply("Nhắc")])
    assert delivery.status == DeliveryStatus.SENT
    assert [w for w in oa.time.waits if w >= 1] == [5.0, 10.0]  # doubling
    server.errors.extend([-32] * 3)
    delivery = await oa.channel.deliver(USER, OA_ID, [Reply("Nhắc")])
    assert delivery.status == DeliveryStatus.QUOTA  # the outbox tries again later


async def test_sends_are_paced_under_4000_a_minute(
    oa: OA, server: FakeZaloOA, world: World
) -> None:
    await link_identity(world.reporter, "zalo_oa", USER, account=OA_ID)
    await oa.channel.deliver(USER, OA_ID, [Reply("Một")])  # the token is fetched first
    oa.time.now += 1
    oa.time.waits.clear()
    began = oa.time.now
    results = await asyncio.gather(
        *(oa.channel.deliver(USER, OA_ID, [Reply(f"Tin {i}")]) for i in range(5))
    )
    assert {r.status for r in results} == {DeliveryStatus.SENT}
    # Five requests at once: the last goes 4 × 15 ms (60 s / 4,000) after the first.
    assert len(oa.time.waits) == 4 and round(oa.time.now - began, 3) == 0.06


def test_max_buttons_is_1_to_5() -> None:
    for bad in (0, 6, 20):
        with pytest.raises(ValidationError):
            Settings(_env_file=None, zalo_oa_max_buttons=bad)
    base = ZaloOAConfig(OA_ID, "app", "secret", "oa-secret")
    with pytest.raises(ValueError, match="1 to 5"):
        replace(base, max_buttons=6)
    assert replace(base, max_buttons=1).max_buttons == 1


# -- follow events ---------------------------------------------------------------------------


async def test_a_follow_delivered_again_is_greeted_once_even_by_two_processes(
    engine: Engine, server: FakeZaloOA, world: World
) -> None:
    _, refresh = server.grant()
    first = await OA(engine, server, refresh).start()
    second = await OA(engine, server, refresh).start()
    try:
        user = FakeOAUser(server, "5550001")
        follow = user.follow()
        for process in (first, second, first, second):  # Zalo's retries, on either process
            server.webhook_url = process.url
            assert await server.push(follow) == 200
        await asyncio.gather(first.channel.settled(), second.channel.settled())
        assert [s.text for s in server.to(user.id)] == [T.STRANGER]
        assert await ZaloFollow.filter(user_id=user.id).count() == 1
        # Unfollowed and followed again later: a new event, a new greeting.
        await asyncio.sleep(0.002)
        assert await server.push(user.follow()) == 200
        await second.channel.settled()
        assert [s.text for s in server.to(user.id)] == [T.STRANGER] * 2
    finally:
        await first.stop()
        await second.stop()


async def test_a_free_channel_failing_for_now_is_waited_for_before_a_billed_message(
    engine: Engine, world: World, clock: Clock, oa: OA, server: FakeZaloOA
) -> None:
    bot_server = FakeZaloBot(BOT_A)
    await bot_server.start()
    zb = await start_channel(engine, bot_server, bots=bot_config(bot_server).bots[:1])
    try:
        clock.set_vn(2026, 12, 5, 8)
        await oa_member(world, clock, timedelta(hours=50), console_used=False)
        await link_identity(world.reporter, "zalo_bot", "zalo-chat-1", account="1001")
        server.paid_window.add(USER)
        server.paid_account = True
        bot_server.fail("1001", "sendMessage", *[Fault(502, "Bad Gateway")] * 6)
        row = await remind(engine, clock, world, zb.channel, oa.channel)
        # The Zalo bot failed for now: the reminder waits for it rather than pay for the OA.
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert server.sent == [] and server.refused == []
        # The last attempt takes the billed OA message rather than fail.
        await Outbox.filter(id=row.id).update(attempts=4, not_before=clock())
        await OutboxSender(engine, [zb.channel, oa.channel], PLAN, clock).drain()
        row = await Outbox.get(id=row.id)
        assert (row.status, row.channel) == (OutboxStatus.SENT, "zalo_oa")
        assert "Nhắc báo cáo tháng 11/2026" in server.to(USER)[0].text
    finally:
        await zb.channel.stop()
        await bot_server.stop()
