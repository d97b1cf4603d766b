"""The lock is the lock, and one unit has one truth per period: a report whose period has locked
is never edited, deleted or moved, and a nil report never stands beside a live report."""

from __future__ import annotations

import asyncio
import os
from datetime import date

import pytest
from conftest import RULES, Clock
from tortoise import Tortoise

from bot.db import tortoise_config
from factories import Chat, World, snapshot
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Incoming
from handlers.registration import link_identity
from models import Activity, Member, NilReport
from models.periods import period_for

PG = bool(os.environ.get("TEST_DATABASE_URL"))


async def broadcast(chat: Chat, day: str) -> str:
    """A broadcast report on `day` (dd/mm), saved; its receipt."""
    await chat.send("phat thanh")
    await chat.send(day)
    await chat.send("2")
    await chat.send("45")
    await chat.send("1")
    await chat.send("Cụm loa bản Một")
    await chat.send("luu")
    assert "Đã lưu BC-" in chat.text, chat.text
    return chat.text.split("Đã lưu ")[1].split()[0]


async def open_edit(chat: Chat, receipt: str, field: str) -> None:
    await chat.send("bao cao cua toi")
    await chat.press(receipt)
    await chat.press("Sửa")
    await chat.press(field)


async def test_an_edit_begun_before_the_lock_cannot_move_the_report_out(
    engine: Engine, world: World, clock: Clock
) -> None:
    chat = Chat(engine, world.reporter.phone)
    receipt = await broadcast(chat, "20/11")
    clock.set_vn(2026, 12, 15, 23, 0)  # the last day November takes edits
    await open_edit(chat, receipt, "Ngày phát")
    clock.set_vn(2026, 12, 16, 8, 0)  # November has locked meanwhile
    before = await snapshot()
    await chat.send("hôm nay")  # a date in open December
    await chat.press("Lưu thay đổi")
    assert chat.replies[0].text.startswith(T.NOT_EDITABLE.format(receipt=receipt))
    assert "\n" not in T.NOT_EDITABLE  # one line
    assert await snapshot() == before
    activity = await Activity.get().select_related("period")
    assert activity.period.start == date(2026, 11, 1) and activity.version == 1


async def test_an_edit_of_figures_after_the_lock_changes_nothing(
    engine: Engine, world: World, clock: Clock
) -> None:
    chat = Chat(engine, world.reporter.phone)
    receipt = await broadcast(chat, "20/11")
    clock.set_vn(2026, 12, 15, 22, 0)
    await open_edit(chat, receipt, "Số buổi")
    await chat.send("9")
    clock.set_vn(2026, 12, 16, 0, 5)
    before = await snapshot()
    await chat.press("Lưu thay đổi")
    assert T.NOT_EDITABLE.format(receipt=receipt) in chat.text
    assert await snapshot() == before


async def test_a_report_cannot_be_moved_into_a_locked_period(
    engine: Engine, world: World, clock: Clock
) -> None:
    clock.set_vn(2026, 12, 20)  # November locked on 15/12
    chat = Chat(engine, world.reporter.phone)
    receipt = await broadcast(chat, "18/12")
    await open_edit(chat, receipt, "Ngày phát")
    before = await snapshot()
    await chat.send("20/11")  # refused as it is typed; the date is asked again
    assert "đã khóa sổ" in chat.text and "Lưu thay đổi" not in chat.text
    assert await snapshot() == before
    activity = await Activity.get().select_related("period")
    assert activity.period.start == date(2026, 12, 1) and activity.version == 1


async def test_a_delete_confirmed_after_the_lock_changes_nothing(
    engine: Engine, world: World, clock: Clock
) -> None:
    chat = Chat(engine, world.reporter.phone)
    receipt = await broadcast(chat, "20/11")
    clock.set_vn(2026, 12, 15, 23, 59)
    await chat.send("bao cao cua toi")
    await chat.press(receipt)
    await chat.press("Xóa")
    clock.set_vn(2026, 12, 16, 0, 1)
    before = await snapshot()
    await chat.press("Xóa")
    assert T.NOT_EDITABLE.format(receipt=receipt) in chat.text
    assert await snapshot() == before


async def test_an_open_report_moved_into_a_period_with_a_nil_report_replaces_it(
    engine: Engine, world: World, clock: Clock
) -> None:
    clock.set_vn(2026, 12, 3)  # November and December both open
    chat = Chat(engine, world.reporter.phone)
    receipt = await broadcast(chat, "02/12")
    november = await period_for(date(2026, 11, 1), RULES)
    await NilReport.create(unit=world.cells[0], period=november, reporter=world.reporter)
    await open_edit(chat, receipt, "Ngày phát")
    await chat.send("20/11")
    await chat.press("Lưu thay đổi")
    assert "lần sửa 2" in chat.text
    assert not await NilReport.exists(unit_id=world.cells[0].id)
    assert (await Activity.get()).period_id == november.id


async def test_the_database_refuses_a_nil_report_beside_a_live_report(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.reporter.phone)
    await broadcast(chat, "20/11")
    activity = await Activity.get()
    with pytest.raises(Exception, match="unit_period_has_reports"):
        await NilReport.create(
            unit_id=activity.unit_id, period_id=activity.period_id, reporter=world.reporter
        )
    assert await NilReport.all().count() == 0


@pytest.mark.skipif(not PG, reason="several connections at once: PostgreSQL only")
async def test_nil_and_reports_at_the_same_moment_never_both_stand(
    db: str, world: World, clock: Clock, tmp_path
) -> None:
    """Many rounds: one member confirms "không phát sinh" while others save reports of the same
    cell and period, each on a connection of its own, released at the same instant."""
    rounds, reporters = 8, 4
    members = []
    for i in range(reporters):
        m = await Member.create(
            name=f"Người thử {i}", phone=f"09000003{i:02d}", unit=world.cells[0]
        )
        await link_identity(m, "console", m.phone or "")
        members.append(m)
    nil_member = world.reporter
    engine = Engine(RULES, tmp_path / "media", clock=clock)
    # Pool several connections, so that the turns really overlap in the database.
    await Tortoise.close_connections()
    config = tortoise_config(db)
    config["connections"]["default"]["credentials"]["minsize"] = reporters + 2
    config["connections"]["default"]["credentials"]["maxsize"] = reporters + 2
    await Tortoise.init(config=config)
    outcomes = {"nil": 0, "reports": 0}
    for r in range(rounds):
        await Activity.all().delete()
        await NilReport.all().delete()
        chats = [Chat(engine, m.phone or "") for m in members]
        nil_chat = Chat(engine, nil_member.phone or "")
        for c in chats:  # each stands at its summary
            await c.send("huy")
            await c.send("phat thanh")
            for answer in ("hom nay", "2", "45", "1", "Cụm loa", "bo qua", "bo qua"):
                await c.send(answer)
        await nil_chat.send("huy")
        await nil_chat.send("khong phat sinh")
        gate = asyncio.Event()

        async def go(chat: Chat, text: str, gate: asyncio.Event = gate) -> None:
            await gate.wait()
            await chat._go(Incoming("console", chat.external_id, text=text))

        tasks = [asyncio.create_task(go(c, "luu")) for c in chats[: r % reporters + 1]]
        tasks.insert(r % 2 * len(tasks), asyncio.create_task(go(nil_chat, "1")))
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(*tasks)
        nils = await NilReport.all().count()
        live = await Activity.filter(deleted_at=None).count()
        assert not (nils and live), f"round {r}: {nils} nil and {live} reports"
        assert nils + live >= 1
        outcomes["nil" if nils else "reports"] += 1
        # The loser was told so: either the nil was refused, or it was replaced.
        said = nil_chat.text + "".join(c.text for c in chats)
        assert T.TRY_AGAIN not in said
        if live:
            assert "không báo “không phát sinh” được" in said or "đã được thay" in said
