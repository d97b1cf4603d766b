"""The bot chases late cells: once per stage, at sensible hours, up the chain when they stay silent."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import date, datetime, timedelta

from bot.channels.console import ConsoleDeliverer
from bot.sender import OutboxSender
from factories import Chat, World, add_unit
from handlers.engine import Engine
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan, sweep
from models import Member, NilReport, Outbox, OutboxStatus, Role, Snooze
from models.periods import VN_TZ, ReportRules

RULES = ReportRules()  # November: deadline 05/12/2026, locked after 15/12/2026
PLAN = ReminderPlan(
    before_days=3,
    every_days=2,
    escalate_after_days=5,
    digest="weekly",
    digest_weekday=0,
    send_hour=8,
    quiet_start=21,
    quiet_end=7,
    days_off=frozenset({6}),
)


class Inbox:
    """The console channel's output, split per person."""

    def __init__(self) -> None:
        self.out = io.StringIO()

    def take(self) -> dict[str, list[str]]:
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        got: dict[str, list[str]] = {}
        for block in text.split("\n🔔 (")[1:]:
            who, _, body = block.partition(")\n")
            got.setdefault(who, []).append(body)
        return got


async def report(engine: Engine, phone: str, day: str) -> None:
    chat = Chat(engine, phone)
    await chat.send("/huy")
    for answer in ["1", day, "2", "30", "1", "Loa", "1"]:
        await chat.send(answer)
    assert "Đã lưu BC-" in chat.text


async def test_a_simulated_month(engine: Engine, world: World, clock) -> None:
    """C1 reports on time, C2 late, C4 files nil, C3 never reports."""
    c4 = await add_unit("C4", "Chi bộ bản Bốn", world.other_commune)
    silent = await Member.create(name="Vàng A Im", phone="0900000105", unit=world.cells[2])
    nil_filer = await Member.create(name="Lò Thị Không", phone="0900000106", unit=c4)
    sup2 = await Member.create(
        name="Hà Văn Đốc", phone="0900000107", role=Role.SUPERVISOR, unit=world.other_commune
    )
    for m in (silent, nil_filer, sup2):
        await link_identity(m, "console", m.phone or "")
    inbox = Inbox()
    sender = OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock)
    received: dict[date, dict[str, list[str]]] = {}
    day = date(2026, 12, 1)
    while day <= date(2026, 12, 16):
        clock.set_vn(day.year, day.month, day.day, 8, 0)
        await sweep(clock(), RULES, PLAN)
        await sender.drain()
        received[day] = inbox.take()
        clock.set_vn(day.year, day.month, day.day, 10, 0)
        if day == date(2026, 12, 1):
            await report(engine, world.reporter.phone, "hom qua")
        if day == date(2026, 12, 3):
            nil_chat = Chat(engine, nil_filer.phone or "")
            await nil_chat.send("/huy")
            await nil_chat.send("khong phat sinh")
            await nil_chat.press("tháng 11/2026")
            await nil_chat.press("Xác nhận")
        if day == date(2026, 12, 8):
            await report(engine, world.other_reporter.phone, "30/11")
        day += timedelta(days=1)

    def who(d: int) -> set[str]:
        return set(received[date(2026, 12, d)])

    r2, r3, r4 = world.other_reporter.phone, silent.phone, nil_filer.phone
    assert who(1) == set()  # more than 3 days before the deadline
    assert who(2) == {r2, r3, r4}  # heads-up: C1 had already reported
    assert "Hạn nộp 05/12/2026, còn 3 ngày." in received[date(2026, 12, 2)][r3][0]
    assert who(3) == who(4) == set()
    assert who(5) == {r2, r3}  # deadline day; C4 filed nil on the 3rd
    assert "Hôm nay (05/12/2026) là hạn cuối." in received[date(2026, 12, 5)][r2][0]
    assert who(6) == set()  # Sunday
    # Monday: the first overdue reminder (due Sunday, shifted), and the weekly digest.
    assert who(7) == {r2, r3, world.admin.phone}
    assert (
        "Đã quá hạn 2 ngày (hạn 05/12/2026); sổ khóa sau ngày 15/12/2026."
        in (received[date(2026, 12, 7)][r3][0])
    )
    digest = received[date(2026, 12, 7)][world.admin.phone][0]
    assert "Tổng hợp báo cáo tháng 11/2026 thuộc Tỉnh ủy Thử Nghiệm (hạn 05/12/2026): 2/4" in digest
    assert "1 đúng hạn, 0 muộn, 1 không phát sinh; 2 chưa báo cáo" in digest
    assert who(8) == {r2, r3}  # C2 reports at 10:00, after this one
    assert who(9) == set()
    assert who(10) == {r3, sup2.phone}  # 5 days overdue: escalate to C3's commune only
    escalation = received[date(2026, 12, 10)][sup2.phone][0]
    assert "1 đơn vị thuộc Đảng ủy xã Nà Giả chưa báo cáo, đã quá hạn 5 ngày" in escalation
    assert "• Chi bộ bản Ba" in escalation
    assert who(11) == set()
    assert who(12) == {r3}
    assert who(13) == set()
    assert who(14) == {r3, world.admin.phone}
    assert who(15) == set()
    assert who(16) == set()  # locked: no more chasing
    # Every reminder offers to act at once.
    assert re.search(
        r"1\. Báo cáo ngay\s+2\. Không phát sinh\s+3\. Nhắc tôi sau",
        received[date(2026, 12, 12)][r3][0],
    )
    sent = await Outbox.filter(status=OutboxStatus.SENT).count()
    assert sent == await Outbox.all().count() == 15


async def test_quiet_hours_hold_messages_until_morning(engine: Engine, world: World, clock) -> None:
    clock.set_vn(2026, 12, 2, 22, 30)  # a sweep at night (the bot started late)
    await sweep(clock(), RULES, PLAN)
    row = await Outbox.get(member=world.other_reporter)
    assert row.not_before == datetime(2026, 12, 3, 7, 0, tzinfo=VN_TZ)
    inbox = Inbox()
    sender = OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock)
    assert await sender.drain() == {}
    clock.set_vn(2026, 12, 3, 6, 59)
    assert await sender.drain() == {}
    clock.set_vn(2026, 12, 3, 7, 0)
    assert await sender.drain() == {"sent": 2}
    assert set(inbox.take()) == {world.reporter.phone, world.other_reporter.phone}


async def test_holidays_write_nothing(engine: Engine, world: World, clock) -> None:
    plan = ReminderPlan(holidays=((date(2026, 12, 5), date(2026, 12, 5)),))
    clock.set_vn(2026, 12, 5, 8)
    result = await sweep(clock(), RULES, plan)
    assert result.day_off and await Outbox.all().count() == 0


async def test_snooze_delays_the_next_reminder(engine: Engine, world: World, clock) -> None:
    inbox = Inbox()
    sender = OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock)
    clock.set_vn(2026, 12, 7, 8)
    await sweep(clock(), RULES, PLAN)
    await sender.drain()
    assert world.reporter.phone in inbox.take()
    clock.set_vn(2026, 12, 7, 9, 30)
    chat = Chat(engine, world.reporter.phone)
    await chat.send("3")  # "Nhắc tôi sau", by its number, as on Zalo or the console
    assert "bot sẽ nhắc lại sau 24 giờ" in chat.text
    assert await Snooze.filter(member=world.reporter).count() == 1
    clock.set_vn(2026, 12, 8, 8)
    await sweep(clock(), RULES, PLAN)  # the day's reminder waits: snoozed
    await sender.drain()
    assert world.reporter.phone not in inbox.take()
    clock.set_vn(2026, 12, 8, 9, 30)
    await sender.drain()  # 24 hours after the snooze: the reminder again, once
    again = inbox.take()[world.reporter.phone]
    assert len(again) == 1 and "Đã quá hạn 3 ngày" in again[0]
    clock.set_vn(2026, 12, 9, 8)
    await sweep(clock(), RULES, PLAN)  # the stage it snoozed through is written now
    await sender.drain()
    assert "Đã quá hạn 4 ngày" in inbox.take()[world.reporter.phone][0]


async def test_answering_a_reminder_starts_the_report(engine: Engine, world: World, clock) -> None:
    inbox = Inbox()
    sender = OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock)
    clock.set_vn(2026, 12, 5, 8)
    await sweep(clock(), RULES, PLAN)
    await sender.drain()
    chat = Chat(engine, world.reporter.phone)
    await chat.send("khong phat sinh")
    assert "không có hoạt động tuyên truyền nào trong tháng 11/2026" in chat.text
    await chat.send("1")
    assert await NilReport.all().count() == 1
    # Typing a kind after a reminder starts that report.
    other = Chat(engine, world.other_reporter.phone)
    await other.send("phat thanh")
    assert "Phát thanh ngày nào?" in other.text


async def test_a_reminder_is_cancelled_when_the_unit_reports_first(
    engine: Engine, world: World, clock
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await sweep(clock(), RULES, PLAN)
    await report(engine, world.reporter.phone, "30/11")
    inbox = Inbox()
    counts = await OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock).drain()
    assert counts == {"sent": 1, "cancelled": 1}
    assert set(inbox.take()) == {world.other_reporter.phone}


async def test_two_sweeps_and_two_senders_at_once_send_each_reminder_once(
    engine: Engine, world: World, clock
) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await asyncio.gather(*(sweep(clock(), RULES, PLAN) for _ in range(4)))
    assert await Outbox.all().count() == 2
    inbox = Inbox()
    senders = [
        OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock, batch=1) for _ in range(3)
    ]
    await asyncio.gather(*(s.drain() for s in senders))
    got = inbox.take()
    assert {k: len(v) for k, v in got.items()} == {
        world.reporter.phone: 1,
        world.other_reporter.phone: 1,
    }


async def test_sweeps_at_once_each_report_only_the_rows_they_wrote(
    engine: Engine, world: World, clock
) -> None:
    """Two `remind --now` at the same moment: the counts they print add up to the rows written,
    and no reminder is listed by both."""
    clock.set_vn(2026, 12, 5, 8)
    results = await asyncio.gather(*(sweep(clock(), RULES, PLAN) for _ in range(4)))
    rows = await Outbox.all().values_list("key", flat=True)
    assert len(rows) == 2
    assert sum(r.written for r in results) == 2
    listed = [p.key for r in results for p in r.planned]
    assert sorted(listed) == sorted(rows)


async def test_a_crash_between_writing_and_sending(engine: Engine, world: World, clock) -> None:
    clock.set_vn(2026, 12, 5, 8)
    await sweep(clock(), RULES, PLAN)  # written, then the process dies before sending
    first = OutboxSender(engine, [], PLAN, clock)
    claimed = await first.claim()  # another dies after claiming, before sending
    assert len(claimed) == 2
    inbox = Inbox()
    restarted = OutboxSender(engine, [ConsoleDeliverer(inbox.out)], PLAN, clock)
    await sweep(clock(), RULES, PLAN)  # the start-up sweep writes nothing new
    assert await restarted.drain() == {}  # the claims are still leased
    clock.now += timedelta(minutes=11)
    assert await restarted.drain() == {"sent": 2}
    assert {k: len(v) for k, v in inbox.take().items()} == {
        world.reporter.phone: 1,
        world.other_reporter.phone: 1,
    }
    assert await restarted.drain() == {}


async def test_dry_run_writes_nothing(engine: Engine, world: World, clock) -> None:
    clock.set_vn(2026, 12, 5, 8)
    result = await sweep(clock(), RULES, PLAN, dry_run=True)
    assert {p.member_name for p in result.planned} == {"Lò Văn Thử", "Tòng Thị Giả"}
    assert await Outbox.all().count() == 0


async def test_the_scheduler_sweeps_once_at_start_up_then_at_the_send_hour() -> None:
    """A sweep missed while the bot was down runs once when it starts again."""
    from bot.scheduler import build_scheduler

    swept = asyncio.Event()
    calls: list[str] = []

    async def fake_sweep() -> None:
        calls.append("sweep")
        swept.set()

    async def fake_drain() -> None:
        calls.append("drain")

    scheduler = build_scheduler(PLAN, fake_sweep, fake_drain, drain_seconds=3600)
    scheduler.start()
    try:
        await asyncio.wait_for(swept.wait(), timeout=5)
        daily = scheduler.get_job("sweep")
        assert str(daily.trigger.timezone) == "Asia/Ho_Chi_Minh"
        assert daily.next_run_time.hour == PLAN.send_hour and daily.next_run_time.minute == 0
        assert scheduler.get_job("sweep-at-start") is None  # ran, and runs no more
    finally:
        scheduler.shutdown(wait=False)
    assert calls.count("sweep") == 1
