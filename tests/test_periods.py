"""Periods, deadlines, locks, and who counts as reported: on time, late, nil or missing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from factories import Chat, World
from handlers.engine import Engine
from models import Activity, NilReport
from models.periods import ReportRules, bounds_for, period_for
from models.queries import Status, unit_statuses


def test_monthly_quarterly_and_yearly_bounds() -> None:
    b = bounds_for(date(2026, 2, 14), ReportRules(period_months=1, deadline_day=5, lock_days=10))
    assert (b.start, b.end, b.deadline, b.locks_on) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        date(2026, 3, 5),
        date(2026, 3, 15),
    )
    q = bounds_for(date(2026, 11, 20), ReportRules(period_months=3))
    assert (q.start, q.end, q.deadline) == (date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 5))
    y = bounds_for(date(2026, 6, 1), ReportRules(period_months=12, deadline_day=28))
    assert (y.start, y.end, y.deadline) == (date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 28))


async def test_statuses_on_time_late_nil_missing(db: str, world: World) -> None:
    rules = ReportRules()
    period = await period_for(date(2026, 10, 10), rules)
    kind_id = 1
    on_time = await Activity.create(
        unit=world.cells[0],
        kind_id=kind_id,
        period=period,
        reporter=world.reporter,
        activity_date=date(2026, 10, 3),
        data={},
    )
    late = await Activity.create(
        unit=world.cells[1],
        kind_id=kind_id,
        period=period,
        reporter=world.other_reporter,
        activity_date=date(2026, 10, 9),
        data={},
    )
    # Deadline 05/11 ends at midnight Vietnam time, 16:59:59 UTC.
    await Activity.filter(id=on_time.id).update(
        created_at=datetime(2026, 11, 5, 16, 59, tzinfo=UTC)
    )
    await Activity.filter(id=late.id).update(created_at=datetime(2026, 11, 5, 17, 1, tzinfo=UTC))
    statuses = {s.code: s for s in await unit_statuses(period)}
    assert statuses["C1"].status == Status.ON_TIME
    assert statuses["C2"].status == Status.LATE
    assert statuses["C3"].status == Status.MISSING
    assert set(statuses) == {"C1", "C2", "C3"}  # the province and communes do not report
    # Before the deadline nothing yet is "not due", when the day is given.
    early = {s.code: s.status for s in await unit_statuses(period, today=date(2026, 11, 5))}
    assert early["C3"] == Status.NOT_DUE
    assert {s.code: s.status for s in await unit_statuses(period, today=date(2026, 11, 6))}[
        "C3"
    ] == Status.MISSING
    nil = await NilReport.create(unit=world.cells[2], period=period, reporter=world.reporter)
    await NilReport.filter(id=nil.id).update(created_at=datetime(2026, 11, 5, 16, 0, tzinfo=UTC))
    statuses = {s.code: s for s in await unit_statuses(period)}
    assert statuses["C3"].status == Status.NIL
    # A nil report after the deadline is late like any other.
    await NilReport.filter(id=nil.id).update(created_at=datetime(2026, 11, 5, 17, 1, tzinfo=UTC))
    assert {s.code: s.status for s in await unit_statuses(period)}["C3"] == Status.LATE
    # A deleted report does not count.
    await Activity.filter(id=late.id).update(deleted_at=datetime(2026, 11, 6, tzinfo=UTC))
    assert {s.code: s.status for s in await unit_statuses(period)}["C2"] == Status.MISSING
    # A subtree: only the cells of one commune.
    assert {s.code for s in await unit_statuses(period, world.commune)} == {"C1", "C2"}


async def test_a_report_after_nil_replaces_it(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("khong phat sinh")
    await chat.send("1")
    assert await NilReport.all().count() == 1
    for answer in ["1", "hom nay", "2", "30", "1", "Loa", "bo qua", "bo qua", "1"]:
        await chat.send(answer)
    assert "không phát sinh” trước đó của kỳ tháng 11/2026 đã được thay" in chat.text
    assert await NilReport.all().count() == 0


async def test_nil_is_refused_when_the_unit_already_reported(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2", "30", "1", "Loa", "1"]:
        await chat.send(answer)
    await chat.send("khong phat sinh")  # refused at once, not after confirming
    assert "đã có 1 báo cáo trong tháng 11/2026" in chat.text
    assert "Xác nhận" not in chat.text
    assert await NilReport.all().count() == 0


async def test_early_in_the_month_nil_asks_which_period(
    engine: Engine, world: World, clock
) -> None:
    clock.set_vn(2026, 12, 3)
    chat = Chat(engine, world.reporter.phone)
    await chat.send("khong phat sinh")
    assert "cho kỳ nào" in chat.text
    assert chat.labels()[:2] == ["tháng 11/2026", "tháng 12/2026"]
    await chat.press("tháng 11/2026")
    await chat.press("Xác nhận")
    nil = await NilReport.get().select_related("period")
    assert nil.period.start == date(2026, 11, 1)
    await chat.send("khong phat sinh")
    await chat.press("tháng 11/2026")
    await chat.press("Xác nhận")
    assert "đã báo không phát sinh cho tháng 11/2026 rồi" in chat.text
    assert await NilReport.all().count() == 1


async def test_supervisor_sees_late_cells_of_their_commune_only(
    engine: Engine, world: World, clock
) -> None:
    clock.set_vn(2026, 12, 7)  # November's deadline (05/12) has passed, not yet locked
    reporter = Chat(engine, world.reporter.phone)
    for answer in ["1", "20/11", "2", "30", "1", "Loa", "1"]:
        await reporter.send(answer)
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/chuabaocao")
    assert "1 đơn vị chưa báo cáo tháng 11/2026 (hạn 05/12/2026)" in sup.text
    # Each late cell with its secretary and a number to call.
    assert "• Chi bộ bản Hai: Tòng Thị Giả 0900000102" in sup.text
    assert "Chi bộ bản Một" not in sup.last.text and "Chi bộ bản Ba" not in sup.last.text
    # Before the list, where the review stands: the one report waits for approval.
    assert (
        sup.replies[0].text
        == "Đã duyệt hết: 0/1 đơn vị đã báo cáo.\nChưa duyệt xong: Chi bộ bản Một."
    )
    admin = Chat(engine, world.admin.phone)
    await admin.send("/start")
    await admin.press("Đơn vị chưa báo cáo")
    assert "• Chi bộ bản Hai" in admin.text and "• Chi bộ bản Ba" in admin.text


async def test_the_board_oversees_the_whole_tree(engine: Engine, world: World, clock) -> None:
    """The propaganda board is a unit of its own beside the communes; its admins see them all."""
    from factories import add_unit
    from handlers.registration import link_identity
    from models import Member, Role

    board = await add_unit("BTG", "Ban Tuyên giáo", world.province, reports=False)
    officer = await Member.create(
        name="Cán bộ Ban", phone="0900000199", role=Role.ADMIN, unit=board
    )
    await link_identity(officer, "console", "0900000199")
    clock.set_vn(2026, 12, 7)
    chat = Chat(engine, "0900000199")
    await chat.send("/chuabaocao")
    assert "3 đơn vị chưa báo cáo tháng 11/2026" in chat.text
    assert all(f"• Chi bộ bản {n}" in chat.text for n in ("Một", "Hai", "Ba"))
