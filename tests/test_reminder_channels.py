"""Reminders through the real channel adapters and fake platform servers on loopback: what the
platforms received, and the fall-back to a member's other channel."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from test_telegram import Harness, start_channel
from test_zalo_oa import config as oa_config
from test_zalo_oa import no_sleep

from bot.channels.console import ConsoleDeliverer
from bot.channels.zalo_oa import ZaloOAChannel
from bot.sender import OutboxSender
from factories import World
from fakes.telegram_server import FakeTelegram, FakeUser
from fakes.zalo_oa_server import OA_ID, FakeZaloOA
from handlers.engine import Engine
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan, sweep
from models import Identity, Outbox, OutboxStatus, Snooze
from models.periods import ReportRules

PLAN = ReminderPlan()
OA_USER = "8473629105748392017"


@pytest.fixture
async def tg(engine: Engine) -> AsyncIterator[Harness]:
    server = FakeTelegram()
    await server.start()
    harness = await start_channel(engine, server)
    yield harness
    await harness.channel.stop()
    await server.stop()


@pytest.fixture
async def oa(engine: Engine) -> AsyncIterator[ZaloOAChannel]:
    server = FakeZaloOA()
    await server.start()
    _, refresh = server.grant()
    channel = ZaloOAChannel(engine, oa_config(server, refresh), sleep=no_sleep)
    channel.fake = server  # type: ignore[attr-defined]
    await channel.start()
    yield channel
    await channel.stop()
    await server.stop()


async def link(
    world: World, channel: str, external_id: str, account: str, seen_minutes_ago: int, clock
) -> None:
    ident = await link_identity(world.reporter, channel, external_id, account)
    await Identity.filter(id=ident.id).update(
        state_updated_at=clock() - timedelta(minutes=seen_minutes_ago)
    )


async def test_outside_the_zalo_window_the_reminder_goes_by_telegram(
    engine: Engine, world: World, clock, tg: Harness, oa: ZaloOAChannel
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await link(world, "zalo_oa", OA_USER, OA_ID, 5, clock)  # most recently used: tried first
    await link(world, "telegram", "7001", "", 60, clock)
    oa.fake.outside_window.add(OA_USER)  # type: ignore[attr-defined]
    await sweep(clock(), ReportRules(), PLAN)
    counts = await OutboxSender(engine, [tg.channel, oa], PLAN, clock).drain()
    # The other reporter is on the console only, which this process does not serve.
    assert counts == {"sent": 1, "failed": 1}
    row = await Outbox.get(member=world.reporter)
    assert (row.status, row.channel) == (OutboxStatus.SENT, "telegram")
    assert oa.fake.refused == [(OA_USER, -230)]  # type: ignore[attr-defined]
    await tg.channel.settled()
    reminder = tg.server.sent(7001)[-1]
    assert "Nhắc báo cáo tháng 11/2026: Chi bộ bản Một chưa gửi báo cáo" in reminder.text
    assert "Hôm nay (05/12/2026) là hạn cuối." in reminder.text
    assert reminder.labels() == ["Báo cáo ngay", "Không phát sinh", "Nhắc tôi sau"]
    other = await Outbox.get(member=world.other_reporter)
    assert other.status == OutboxStatus.FAILED and other.last_error == "không có kênh nào"
    # The button works: "Nhắc tôi sau".
    user = FakeUser(tg.server, 7001, "Thử")
    answer = await tg.press(user, "Nhắc tôi sau")
    assert "bot sẽ nhắc lại sau 24 giờ" in answer
    assert await Snooze.filter(member=world.reporter).count() == 1


async def test_a_member_who_blocked_the_telegram_bot_is_reached_on_the_console(
    engine: Engine, world: World, clock, tg: Harness
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await link(world, "telegram", "7002", "", 1, clock)
    tg.server.blocked.add(7002)
    await sweep(clock(), ReportRules(), PLAN)
    out = io.StringIO()
    counts = await OutboxSender(engine, [tg.channel, ConsoleDeliverer(out)], PLAN, clock).drain()
    assert counts == {"sent": 2}
    row = await Outbox.get(member=world.reporter)
    assert (row.status, row.channel) == (OutboxStatus.SENT, "console")
    assert (await Identity.get(channel="telegram", external_id="7002")).blocked_at is not None
    assert out.getvalue().count("Nhắc báo cáo tháng 11/2026") == 2
