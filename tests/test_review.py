"""The review loop in the chat: a supervisor's queue, approve or send back with a reason, the
reporter's fix in one tap, a commune's closing, suspicious figures, copied photos, and several
reporters per unit. The engine and a real database; notifications through the outbox."""

from __future__ import annotations

import io
from datetime import date, timedelta

from conftest import RULES
from review_helpers import outbox_texts, picture, save_report

from bot.channels.console import ConsoleDeliverer
from bot.channels.zalo_common import numbered
from bot.sender import OutboxSender
from factories import Chat, World
from handlers import review_texts as RT
from handlers import reviewing
from handlers.engine import Engine
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan, sweep
from models import Activity, ActivityKind, AuditEntry, Member, Outbox, OutboxStatus, Role
from models.periods import period_for
from models.review import Closing, Review, ReviewState

PLAN = ReminderPlan()
BUDGET = 300


async def deliver(engine: Engine, clock) -> str:  # type: ignore[no-untyped-def]
    """Send what the outbox holds to console users; what was printed."""
    out = io.StringIO()
    await OutboxSender(engine, [ConsoleDeliverer(out)], PLAN, clock).drain()
    return out.getvalue()


async def reporter_in(world: World, name: str, phone: str, cell: int) -> Member:
    member = await Member.create(name=name, phone=phone, unit=world.cells[cell])
    await link_identity(member, "console", phone)
    return member


# -- the queue ---------------------------------------------------------------------------------


async def test_the_queue_lists_the_communes_reports_oldest_first_three_at_a_time(
    engine: Engine, world: World, clock
) -> None:
    one, two = Chat(engine, world.reporter.phone), Chat(engine, world.other_reporter.phone)
    far = await reporter_in(world, "Lường Văn Xa", "0900000120", 2)  # another commune's cell
    saved = []
    for chat in (one, two, one, two):
        saved.append(await save_report(chat))
        clock.now += timedelta(minutes=5)
    await save_report(Chat(engine, far.phone))
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/duyet")
    assert sup.text.startswith("4 báo cáo chờ duyệt (cũ nhất trước)")
    assert sup.labels()[:4] == [
        f"{saved[0].receipt} · 20/11 · Chi bộ bản Một",
        f"{saved[1].receipt} · 20/11 · Chi bộ bản Hai",
        f"{saved[2].receipt} · 20/11 · Chi bộ bản Một",
        "Xem thêm",
    ]
    await sup.press("Xem thêm")
    assert sup.labels()[0] == f"{saved[3].receipt} · 20/11 · Chi bộ bản Hai"
    # The province's admin sees all five; a reporter has no queue.
    admin = Chat(engine, world.admin.phone)
    await admin.send("/duyet")
    assert admin.text.startswith("5 báo cáo chờ duyệt")
    await one.send("/duyet")
    assert RT.NOT_A_REVIEWER in one.text


# -- approve, send back, fix --------------------------------------------------------------------


async def test_sent_back_with_a_reason_fixed_in_one_tap_then_approved(
    engine: Engine, world: World, clock
) -> None:
    secretary = Chat(engine, world.reporter.phone)
    activity = await save_report(secretary)
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/duyet")
    await sup.send("1")
    assert f"{activity.receipt} · Chi bộ bản Một · Phát thanh loa (lần sửa 1)" in sup.text
    await sup.press("Trả lại")
    await sup.send("  ")  # no reason: asked again, nothing changes
    assert (await Review.get(activity_id=activity.id)).state == ReviewState.PENDING
    await sup.send("thiếu ảnh")
    assert f"Đã trả lại {activity.receipt} cho Lò Văn Thử: thiếu ảnh" in sup.text
    review = await Review.get(activity_id=activity.id)
    assert (review.state, review.reason, review.reviewer_id) == (
        ReviewState.RETURNED,
        "thiếu ảnh",
        world.supervisor.id,
    )
    # The secretary is told at once, with one tap into editing that report.
    printed = await deliver(engine, clock)
    assert f"Báo cáo {activity.receipt} (Phát thanh loa 20/11) bị trả lại: thiếu ảnh." in printed
    assert "✎ Sửa báo cáo" in printed
    await secretary.send("1")
    assert "Lý do trả lại: thiếu ảnh" in secretary.text
    assert "Kiểm tra báo cáo Phát thanh loa" in secretary.text
    await secretary.photo(picture(1))
    assert "Đã nhận 1 ảnh" in secretary.text
    await secretary.send("luu")
    assert "lần sửa 2" in secretary.text and RT.RESUBMITTED in secretary.text
    review = await Review.get(activity_id=activity.id)
    assert (review.state, review.version, review.edited_by_id) == (
        ReviewState.PENDING,
        2,
        world.reporter.id,
    )
    # The supervisor is told it is fixed (at once here), exactly once however often we look.
    assert await reviewing.notify(clock(), PLAN, gathered=False, digest_hour=16) == 1
    assert await reviewing.notify(clock(), PLAN, gathered=False, digest_hour=16) == 0
    told = await outbox_texts(world.supervisor.id)
    assert told == [
        f"{activity.receipt} (Chi bộ bản Một) đã được sửa theo yêu cầu (lần sửa 2), chờ duyệt. "
        "Gõ /duyet để xem."
    ]
    await sup.send("/duyet")
    await sup.send("1")
    assert "• Ảnh: 1" in sup.text and "Đã trả lại lần trước: thiếu ảnh" in sup.text
    await sup.press("Duyệt")
    assert f"Đã duyệt {activity.receipt}." in sup.text and RT.QUEUE_EMPTY in sup.text
    # The secretary sees the state in "Báo cáo của tôi".
    await secretary.send("/cuatoi")
    await secretary.send("1")
    assert "Tình trạng: đã duyệt." in secretary.text
    actions = await AuditEntry.filter(entity="activity", entity_id=activity.id).values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["approve", "create", "edit", "send_back"]


async def test_a_second_approval_changes_nothing(engine: Engine, world: World, clock) -> None:
    activity = await save_report(Chat(engine, world.reporter.phone))
    first = await reviewing.approve(activity.id, 1, world.supervisor, clock())
    second = await reviewing.approve(activity.id, 1, world.supervisor, clock())
    assert first.done and first.message == f"Đã duyệt {activity.receipt}."
    assert not second.done
    assert second.message == f"{activity.receipt} đã được duyệt rồi (lần sửa 1)."
    assert await AuditEntry.filter(action="approve").count() == 1


async def test_an_approval_of_an_older_version_is_refused(
    engine: Engine, world: World, clock
) -> None:
    secretary = Chat(engine, world.reporter.phone)
    activity = await save_report(secretary)
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/duyet")
    await sup.send("1")  # the supervisor reads version 1 ...
    await secretary.send("/cuatoi")  # ... while the secretary edits it
    await secretary.send("1")
    await secretary.press("Sửa")
    await secretary.press("Số buổi phát")
    await secretary.send("3")
    await secretary.send("luu")
    assert "lần sửa 2" in secretary.text
    await sup.press("Duyệt")
    assert (
        f"Chưa duyệt: {activity.receipt} vừa được sửa thành lần sửa 2 sau khi đồng chí mở."
        in sup.text
    )
    assert "(lần sửa 2)" in sup.text and "3 buổi" in sup.text  # the new version, to read first
    assert (await Review.get(activity_id=activity.id)).state == ReviewState.PENDING
    await sup.press("Duyệt")
    assert f"Đã duyệt {activity.receipt}." in sup.text
    review = await Review.get(activity_id=activity.id)
    assert (review.state, review.version) == (ReviewState.APPROVED, 2)


async def test_a_supervisor_cannot_approve_another_communes_report(
    engine: Engine, world: World, clock
) -> None:
    far = await reporter_in(world, "Lường Văn Xa", "0900000120", 2)
    activity = await save_report(Chat(engine, far.phone))
    decision = await reviewing.approve(activity.id, 1, world.supervisor, clock())
    assert not decision.done and "không thuộc đơn vị đồng chí theo dõi" in decision.message
    assert (await Review.get(activity_id=activity.id)).state == ReviewState.PENDING


# -- closing a period's figures -----------------------------------------------------------------


async def test_a_commune_closes_its_figures_and_reopens_them_for_an_edit(
    engine: Engine, world: World, clock
) -> None:
    secretary = Chat(engine, world.reporter.phone)
    activity = await save_report(secretary)
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/chotso")
    await sup.press("Chốt số liệu")
    assert "Chưa chốt được: còn 1 báo cáo chờ duyệt, 0 cần bổ sung (tháng 11/2026)." in sup.text
    assert not await Closing.exists()
    await reviewing.approve(activity.id, 1, world.supervisor, clock())
    await sup.send("/chotso")
    assert "Chốt số liệu tháng 11/2026 của Đảng ủy xã Mường Thử?" in sup.text
    assert "1/2 đơn vị đã báo cáo" in sup.text
    await sup.press("Chốt số liệu")
    assert "Đã chốt số liệu tháng 11/2026 của Đảng ủy xã Mường Thử." in sup.text
    # The province sees the commune closed.
    admin = Chat(engine, world.admin.phone)
    await admin.send("/chuabaocao")
    assert "Đã chốt số liệu: Đảng ủy xã Mường Thử." in admin.text
    assert "Đã duyệt hết: 1/1 đơn vị đã báo cáo." in admin.text
    # An edit (or a new report) after closing is refused until the commune reopens.
    await secretary.send("/cuatoi")
    await secretary.send("1")
    await secretary.press("Sửa")
    await secretary.press("Số buổi phát")
    await secretary.send("3")
    await secretary.send("luu")
    assert "Số liệu tháng 11/2026 của Đảng ủy xã Mường Thử đã chốt, chưa lưu được." in (
        secretary.text
    )
    assert (await Activity.get(id=activity.id)).version == 1
    await secretary.send("huy")
    await secretary.send("/cuatoi")
    await secretary.send("1")
    await secretary.press("Xóa")
    await secretary.press("Xóa")
    assert "đã chốt, không xóa được" in secretary.text
    assert (await Activity.get(id=activity.id)).deleted_at is None
    await Chat(engine, world.other_reporter.phone).send(
        "pt hom nay 1 buoi 30 phut nghi quyet 21 tai loa ban Hai"
    )
    other = Chat(engine, world.other_reporter.phone)
    await other.send("luu")
    assert "đã chốt, chưa lưu được" in other.text
    await sup.send("/chotso")
    assert "Mở lại để các chi bộ sửa?" in sup.text
    await sup.press("Mở lại")
    assert "Đã mở lại số liệu tháng 11/2026 của Đảng ủy xã Mường Thử." in sup.text
    await other.send("luu")
    assert "Đã lưu BC-" in other.text
    trail = (
        await AuditEntry.filter(entity="closing").order_by("id").values_list("action", "member_id")
    )
    assert trail == [("close", world.supervisor.id), ("reopen", world.supervisor.id)]


# -- suspicious figures -------------------------------------------------------------------------


async def _history(world: World, sessions: int = 2) -> None:
    """Three broadcasts in each of the three months before November."""
    kind = await ActivityKind.get(code="phat_thanh")
    for month in (8, 9, 10):
        period = await period_for(date(2026, month, 1), RULES)
        for day in (3, 10, 17):
            await Activity.create(
                unit=world.cells[0],
                kind=kind,
                period=period,
                reporter=world.reporter,
                activity_date=date(2026, month, day),
                data={"sessions": sessions, "minutes": 45, "topics": ["hcm"], "place": "x"},
            )


async def test_a_figure_far_above_the_units_history_is_questioned_once_and_flagged_if_kept(
    engine: Engine, world: World
) -> None:
    await _history(world)
    secretary = Chat(engine, world.reporter.phone)
    await secretary.send("pt hom nay 20 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    await secretary.send("luu")
    assert secretary.last.text == (
        "Số buổi phát: 20 buổi. Số này lớn hơn nhiều so với các lần trước, đồng chí kiểm tra lại?"
    )
    assert await Activity.filter(activity_date=date(2026, 11, 20)).count() == 0
    await secretary.press("Đúng, giữ nguyên")
    assert "Đã lưu BC-" in secretary.text
    activity = await Activity.filter(activity_date=date(2026, 11, 20)).get()
    review = await Review.get(activity_id=activity.id)
    assert review.flags == [{"kind": "figure", "label": "Số buổi phát", "value": "20 buổi"}]
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/duyet")
    assert sup.labels()[0].endswith("⚠")
    await sup.send("1")
    assert "⚠ Số lớn bất thường, vẫn giữ: Số buổi phát 20 buổi." in sup.text


async def test_a_questioned_figure_corrected_is_saved_without_a_flag(
    engine: Engine, world: World
) -> None:
    await _history(world)
    secretary = Chat(engine, world.reporter.phone)
    await secretary.send("pt hom nay 20 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    await secretary.send("luu")
    await secretary.press("Sửa lại")
    assert "Phát bao nhiêu buổi (lượt)?" in secretary.text
    await secretary.send("2")
    await secretary.send("luu")
    assert "Đã lưu BC-" in secretary.text
    activity = await Activity.filter(activity_date=date(2026, 11, 20)).get()
    assert activity.data["sessions"] == 2
    assert (await Review.get(activity_id=activity.id)).flags == []


async def test_a_figure_above_the_fields_soft_limit_is_questioned_without_history(
    engine: Engine, world: World
) -> None:
    secretary = Chat(engine, world.reporter.phone)
    await secretary.send("pt hom nay 45 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    await secretary.send("luu")
    assert "Số buổi phát: 45 buổi. Số này lớn hơn nhiều" in secretary.text
    # An ordinary figure with no history at all is not questioned.
    other = Chat(engine, world.other_reporter.phone)
    await save_report(other, "pt hom nay 5 buoi 45 phut nghi quyet 21 tai loa ban Hai")


# -- copied photos ------------------------------------------------------------------------------


async def test_a_resized_copy_of_another_units_photo_is_flagged_with_the_earlier_report(
    engine: Engine, world: World
) -> None:
    first = Chat(engine, world.other_reporter.phone)
    await first.send("pt hom nay 1 buoi 30 phut nghi quyet 21 tai loa ban Hai")
    await first.photo(picture(7))
    earlier = await save_report(first, None)
    # Another photo, unrelated, is not flagged; the chat app's smaller recompressed copy is.
    copy = picture(7, size=(240, 180), fmt="JPEG", q=55)
    assert copy != picture(7)
    secretary = Chat(engine, world.reporter.phone)
    await secretary.send("pt hom nay 2 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    await secretary.photo(picture(3))
    clean = await save_report(secretary, None)
    assert (await Review.get(activity_id=clean.id)).flags == []
    await secretary.send("pt hom nay 2 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    await secretary.photo(copy)
    copied = await save_report(secretary, None)
    review = await Review.get(activity_id=copied.id)
    assert review.flags == [{"kind": "photo", "receipt": earlier.receipt, "unit": "Chi bộ bản Hai"}]
    sup = Chat(engine, world.supervisor.phone)
    await sup.send("/duyet")
    await sup.press(copied.receipt)
    assert f"⚠ Ảnh giống ảnh của {earlier.receipt} (Chi bộ bản Hai)." in sup.text


# -- several reporters per unit -----------------------------------------------------------------


async def test_a_deputy_reports_for_the_unit_and_the_secretary_sees_and_edits_it(
    engine: Engine, world: World, clock
) -> None:
    deputy = await reporter_in(world, "Lò Thị Phó", "0900000121", 0)
    clock.set_vn(2026, 12, 5, 8)  # November's deadline: both reporters of the unit reminded
    await sweep(clock(), RULES, PLAN)
    reminded = await Outbox.filter(category="reminder").values_list("member_id", flat=True)
    assert {world.reporter.id, deputy.id} <= set(reminded)
    printed = await deliver(engine, clock)
    assert printed.count("Nhắc báo cáo tháng 11/2026: Chi bộ bản Một") == 2
    deputy_chat = Chat(engine, deputy.phone)
    await deputy_chat.send("huy")
    activity = await save_report(
        deputy_chat, "pt 30/11 2 buoi 45 phut nghi quyet 21 tai loa ban Mot"
    )
    assert activity.reporter_id == deputy.id
    # Reported: the next stage reminds neither of them.
    clock.set_vn(2026, 12, 7, 8)
    await sweep(clock(), RULES, PLAN)
    assert not await Outbox.filter(
        category="reminder", member_id__in=[world.reporter.id, deputy.id], status="pending"
    ).exists()
    # The secretary sees the deputy's report, edits it, and is recorded as the editor.
    secretary = Chat(engine, world.reporter.phone)
    await secretary.send("huy")
    await secretary.send("/cuatoi")
    assert activity.receipt in "\n".join(secretary.labels())
    await secretary.press(activity.receipt)
    await secretary.press("Sửa")
    await secretary.press("Tổng thời lượng")
    await secretary.send("60")
    await secretary.send("luu")
    review = await Review.get(activity_id=activity.id)
    assert review.edited_by_id == world.reporter.id
    edit = await AuditEntry.get(entity_id=activity.id, action="edit")
    assert edit.member_id == world.reporter.id
    await deputy_chat.send("/cuatoi")
    await deputy_chat.press(activity.receipt)
    assert "Sửa lần cuối: Lò Văn Thử." in deputy_chat.text


# -- notifications ------------------------------------------------------------------------------


async def test_new_reports_are_gathered_into_one_message_at_the_set_hour(
    engine: Engine, world: World, clock
) -> None:
    for chat in (Chat(engine, world.reporter.phone), Chat(engine, world.other_reporter.phone)):
        await save_report(chat, "pt hom nay 2 buoi 45 phut nghi quyet 21 tai loa ban Mot")
    assert await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=16) == 0
    clock.set_vn(2026, 11, 20, 16, 5)
    assert await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=16) == 1
    assert await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=16) == 0
    assert await outbox_texts(world.supervisor.id) == [
        "Có 2 báo cáo chờ duyệt, cũ nhất từ 20/11. Gõ /duyet để xem."
    ]
    printed = await deliver(engine, clock)
    assert "Có 2 báo cáo chờ duyệt" in printed


async def test_reporters_hear_of_each_approval_once_in_the_days_message(
    engine: Engine, world: World, clock
) -> None:
    first = await save_report(Chat(engine, world.reporter.phone))
    await reviewing.approve(first.id, 1, world.supervisor, clock())  # 20/11 09:00
    clock.set_vn(2026, 11, 20, 16, 1)
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=16)
    second = await save_report(Chat(engine, world.reporter.phone))
    await reviewing.approve(second.id, 1, world.supervisor, clock())  # after today's message
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=16)
    clock.set_vn(2026, 11, 21, 16, 0)
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=16)
    assert await outbox_texts(world.reporter.id) == [
        f"Đã duyệt 1 báo cáo của Chi bộ bản Một: {first.receipt}.",
        f"Đã duyệt 1 báo cáo của Chi bộ bản Một: {second.receipt}.",
    ]


async def test_a_report_sent_back_and_not_fixed_is_chased_until_it_is(
    engine: Engine, world: World, clock
) -> None:
    activity = await save_report(Chat(engine, world.reporter.phone))
    await reviewing.send_back(activity.id, 1, world.supervisor, "thiếu ảnh", clock())
    await deliver(engine, clock)
    clock.set_vn(2026, 11, 21, 9)  # a day later: not yet
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=23)
    assert not await Outbox.filter(key__startswith="review:chase").exists()
    clock.set_vn(2026, 11, 23, 9)  # every_days (2) later: chased once, with the fix button
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=23)
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=23)
    chases = await Outbox.filter(key__startswith="review:chase").all()
    assert len(chases) == 1 and chases[0].member_id == world.reporter.id
    assert "bị trả lại ngày 20/11 (thiếu ảnh), chưa sửa." in chases[0].text
    printed = await deliver(engine, clock)
    assert "✎ Sửa báo cáo" in printed
    # Fixed before the next chase is sent: the pending chase is cancelled, none is written.
    clock.set_vn(2026, 11, 25, 9)
    await reviewing.notify(clock(), PLAN, gathered=True, digest_hour=23)
    secretary = Chat(engine, world.reporter.phone)
    await secretary.send("1")  # "Sửa báo cáo" on the chase
    await secretary.photo(picture(2))
    await secretary.send("luu")
    await deliver(engine, clock)
    chases = await Outbox.filter(key__startswith="review:chase").order_by("id")
    assert [c.status for c in chases] == [OutboxStatus.SENT, OutboxStatus.CANCELLED]


async def test_every_review_message_fits_the_budget(engine: Engine, world: World, clock) -> None:
    """The longest screens: a report with both flags sent back with the longest reason, its
    notice, the reporter's views of it, the fixed version in the queue."""
    await _history(world)
    far = await reporter_in(world, "Lường Văn Xa Có Tên Rất Dài Để Thử", "0900000120", 1)
    far_chat = Chat(engine, far.phone)
    for n in range(4):
        await far_chat.send(f"pt hom nay {n + 1} buoi 45 phut nghi quyet 21 tai cum loa ban Hai")
        await far_chat.photo(picture(5 + n))
        await save_report(far_chat, None)
    secretary = Chat(engine, world.reporter.phone)
    sup = Chat(engine, world.supervisor.phone)
    texts: list[str] = []

    async def say(chat: Chat, *lines: str) -> None:
        for line in lines:
            await chat.send(line)
            texts.extend(numbered(r) for r in chat.replies)

    await say(secretary, "pt hom nay 20 buoi 450 phut nghi quyet 21, hcm tai loa ban Mot")
    await secretary.photo(picture(5, size=(240, 180), q=50))
    await say(secretary, "khong bo qua buoi nao, loa moi lap ngay hom truoc", "luu", "1", "1")
    activity = await Activity.filter(unit_id=world.cells[0].id).order_by("-id").first()
    assert activity is not None and len((await Review.get(activity_id=activity.id)).flags) == 3
    reason = ("thiếu ảnh buổi chiều; số buổi phát và thời lượng chưa khớp với sổ theo dõi " * 2)[
        :80
    ]
    await say(sup, "/start", "/duyet", "xem them")
    await sup.press(activity.receipt)
    texts.extend(numbered(r) for r in sup.replies)
    await say(sup, "2", reason)
    await say(secretary, "/cuatoi")
    assert secretary.labels()[0] == f"↩ {activity.receipt} · 20/11 · Phát thanh loa"
    await say(secretary, "1", "huy")
    await deliver(engine, clock)
    texts += [o.text for o in await Outbox.all()]
    await say(secretary, "1", "luu", "1", "1")
    await reviewing.notify(clock(), PLAN, gathered=False, digest_hour=16)
    await say(sup, "/duyet", "xem them")
    await sup.press(activity.receipt)
    texts.extend(numbered(r) for r in sup.replies)
    await say(sup, "huy", "/chotso", "huy", "/chuabaocao")
    texts += [o.text for o in await Outbox.all()]
    # The report's own summary (handlers/report.py) with a note, a photo and two topics is
    # longer than the budget before this work too: it is left to that flow.
    too_long = [t for t in texts if len(t) > BUDGET]
    assert not too_long, "\n\n".join(f"{len(t)}: {t}" for t in too_long)
    assert max(len(t) for t in texts) > 200  # the check saw the long screens
    assert any("Đã trả lại lần trước" in t and "⚠ Ảnh" in t for t in texts)


async def test_a_reporter_role_cannot_close_or_approve(engine: Engine, world: World, clock) -> None:
    activity = await save_report(Chat(engine, world.reporter.phone))
    period = await period_for(date(2026, 11, 1), RULES)
    decision = await reviewing.close_figures(world.commune, period, world.reporter, clock())
    assert not decision.done
    assert not (await reviewing.approve(activity.id, 1, world.reporter, clock())).done
    assert Role.REPORTER == world.reporter.role
