"""Directives and notices: issued in the chat, delivered through the outbox by the real Telegram
and Zalo Bot adapters to fake platform servers on loopback, acknowledged, answered by reports and
counted in the directive's workbook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from test_telegram import Harness, start_channel
from test_zalo_bot import Harness as ZaloHarness
from test_zalo_bot import start_channel as start_zalo
from test_zalo_oa import config as oa_config
from test_zalo_oa import no_sleep

from bot.channels.zalo_oa import ZaloOAChannel
from bot.downloads import DownloadLinks
from bot.sender import OutboxSender
from exports.directive import write_directive_results
from exports.lines import Letterhead
from factories import Chat, World
from fakes.telegram_server import FakeTelegram, FakeUser
from fakes.zalo_bot_server import FakeZaloBot, FakeZaloUser, Fault
from fakes.zalo_oa_server import OA_ID, FakeZaloOA
from handlers import directive_actions as A
from handlers import directive_input as I
from handlers import texts_directives as D
from handlers.engine import Engine
from handlers.messages import Document, Incoming
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan
from models import (
    ActivityDirective,
    Directive,
    DirectiveAck,
    Identity,
    Member,
    Outbox,
    OutboxStatus,
    Topic,
    Unit,
)
from models.directives import directive_results, directive_topic_codes

PLAN = ReminderPlan()
PDF = b"%PDF-1.4\n% Huong dan thu nghiem\n" + b"0" * 2000 + b"\n%%EOF\n"
BOT_A = "1001:tokenA_secret-value"
BOT_B = "2002:tokenB_secret-value"
REPORTER_TG, OUTSIDER_TG, ZALO_CHAT = 7101, 7103, "6ede9afa66b88fe6d6a9"


@pytest.fixture
async def tg(engine: Engine) -> AsyncIterator[Harness]:
    server = FakeTelegram()
    await server.start()
    harness = await start_channel(engine, server)
    yield harness
    await harness.channel.stop()
    await server.stop()


@pytest.fixture
async def zb(engine: Engine, clock) -> AsyncIterator[ZaloHarness]:
    server = FakeZaloBot(BOT_A, BOT_B)
    await server.start()
    links = DownloadLinks(
        b"k" * 32, engine.media_dir / "exports", "https://bao.example", timedelta(hours=24), clock
    )
    harness = await start_zalo(engine, server, links)
    yield harness
    await harness.channel.stop()
    await server.stop()


async def people(world: World) -> Member:
    """The reporter on Telegram, the other reporter (same commune) on Zalo, and an outsider: a
    reporter of the other commune, on Telegram."""
    outsider = await Member.create(name="Vàng A Ngoài", phone="0900000109", unit=world.cells[2])
    await link_identity(world.reporter, "telegram", str(REPORTER_TG))
    await link_identity(world.other_reporter, "zalo_bot", ZALO_CHAT, account="1001")
    await link_identity(outsider, "telegram", str(OUTSIDER_TG))
    return outsider


async def issue_in_chat(engine: Engine, world: World, *, with_file: bool = True) -> Chat:
    """The commune's supervisor issues a directive for the commune in the console chat."""
    chat = Chat(engine, world.supervisor.phone or "")
    await chat.send("menu")
    await chat.send("huong dan, thong bao")
    assert D.NEW_DIRECTIVE in chat.labels()
    await chat.press("Ban hành hướng dẫn mới")
    await chat.send("15-HD/DUX 18/11/2026")
    await chat.send("Đẩy mạnh tuyên truyền xây dựng Đảng ở thôn bản")
    await chat.send("Mỗi chi bộ phát loa ít nhất 2 buổi mỗi tuần; họp bản quán triệt.")
    await chat.send("3; Chuyển đổi số ở bản")  # a catalogue topic by number, and a new one
    await chat.press("Xong")
    await chat.send("18/11/2026 - 31/12/2026")
    if with_file:
        chat.replies = await engine.handle(
            Incoming(
                "console",
                chat.external_id,
                document=Document(PDF, "Huong dan 15.pdf", "application/pdf"),
            )
        )
        assert "Đã nhận tệp" in chat.text
    else:
        await chat.press("Bỏ qua")
    assert "Sẽ gửi tới 2 người thuộc Đảng ủy xã Mường Thử" in chat.text
    await chat.press("Ban hành và gửi")
    assert "Đã ban hành 15-HD/DUX. Bot đang gửi tới 2 người" in chat.text
    return chat


async def test_a_directive_with_its_pdf_reaches_every_reporter_of_the_subtree_once(
    engine: Engine, world: World, clock, tg: Harness, zb: ZaloHarness
) -> None:
    await people(world)
    await issue_in_chat(engine, world)
    directive = await Directive.get(number="15-HD/DUX")
    assert directive.file_name == "huong-dan-15.pdf"

    # Two processes drain at once: each message is claimed by one of them.
    other = Engine(engine.rules, engine.media_dir, clock=clock)
    counts = await asyncio.gather(
        OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock).drain(),
        OutboxSender(other, [tg.channel, zb.channel], PLAN, clock).drain(),
    )
    assert sum(c.get("sent", 0) for c in counts) == 2 and all(set(c) <= {"sent"} for c in counts)
    await tg.channel.settled()
    calls = tg.server.sent(REPORTER_TG)
    assert [c.method for c in calls] == ["sendDocument", "sendMessage", "sendMessage"]
    assert calls[0].files["document"] == ("huong-dan-15.pdf", PDF)
    assert "Đảng ủy xã Mường Thử ban hành Hướng dẫn số 15-HD/DUX ngày 18/11/2026" in calls[0].text
    assert "phát loa ít nhất 2 buổi" in calls[1].text
    assert calls[2].labels() == ["✔ Đã nhận"]
    # Zalo Bot cannot send a document: the file goes as a signed link.
    zalo = [c.text for c in zb.server.sent(ZALO_CHAT)]
    assert len(zalo) == 3 and "https://bao.example/files/" in zalo[0]
    assert zalo[2].startswith(D.ACK_ASK) and "1. ✔ Đã nhận" in zalo[2]
    assert all(len(text) <= 300 for text in zalo[1:])
    # Nobody outside the commune, nor the supervisor or the admin.
    assert tg.server.sent(OUTSIDER_TG) == []
    assert await Outbox.filter(category="directive").count() == 2

    # A restart (a new engine and sender), a repeated delivery: nothing twice.
    restarted = Engine(engine.rules, engine.media_dir, clock=clock)
    second = await OutboxSender(restarted, [tg.channel, zb.channel], PLAN, clock).drain()
    assert second == {}
    assert await A.deliver_directive(directive, clock()) == 0
    assert await A.deliver_running(clock()) == 0
    assert len(tg.server.sent(REPORTER_TG)) == 3


async def test_acknowledgements_are_counted_and_only_the_silent_are_reminded(
    engine: Engine, world: World, clock, tg: Harness, zb: ZaloHarness
) -> None:
    await people(world)
    supervisor = await issue_in_chat(engine, world, with_file=False)
    sender = OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock)
    await sender.drain()
    await tg.channel.settled()

    user = FakeUser(tg.server, REPORTER_TG, "Thử")
    answer = await tg.press(user, "Đã nhận")
    assert "Đã ghi nhận đồng chí đã nhận Hướng dẫn số 15-HD/DUX" in answer
    assert D.ACK_NOTHING in await tg.say(user, "da nhan")  # a second "đã nhận" changes nothing
    assert await DirectiveAck.all().count() == 1

    # The issuer asks who has not acknowledged, and reminds them: the Zalo member only.
    await supervisor.send("menu")
    await supervisor.send("huong dan, thong bao")
    await supervisor.press("15-HD/DUX")
    assert "Đã nhận: 1/2 người." in supervisor.text
    await supervisor.press("Ai chưa nhận")
    assert "Chưa xác nhận nhận 15-HD/DUX (1/2 người):" in supervisor.text
    assert "Tòng Thị Giả – Chi bộ bản Hai" in supervisor.text
    assert "Lò Văn Thử" not in supervisor.text
    await supervisor.press("Nhắc người chưa nhận")
    assert "Đã xếp lịch nhắc 1 người" in supervisor.text
    await supervisor.press("Nhắc người chưa nhận")  # twice the same day: nobody new
    assert D.REMINDED_NONE in supervisor.text

    before_tg = len(tg.server.sent(REPORTER_TG))
    assert await sender.drain() == {"sent": 1}
    assert len(tg.server.sent(REPORTER_TG)) == before_tg
    reminder = zb.server.sent(ZALO_CHAT)[-2].text
    assert "Nhắc: đồng chí chưa xác nhận đã nhận Hướng dẫn số 15-HD/DUX" in reminder

    # The Zalo member types the words, without diacritics.
    zalo = FakeZaloUser(zb.server, "1001", ZALO_CHAT)
    assert "Đã ghi nhận đồng chí đã nhận" in await zb.say(zalo, "da nhan")
    assert await DirectiveAck.filter(directive__number="15-HD/DUX").count() == 2
    await supervisor.press("Ai chưa nhận")
    assert "Tất cả 2 người đã xác nhận nhận 15-HD/DUX." in supervisor.text


async def test_quiet_hours_hold_a_directive_until_morning(
    engine: Engine, world: World, clock, tg: Harness, zb: ZaloHarness
) -> None:
    await people(world)
    clock.set_vn(2026, 11, 20, 22, 30)
    await issue_in_chat(engine, world, with_file=False)
    sender = OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock)
    assert await sender.drain() == {}
    assert tg.server.sent(REPORTER_TG) == [] and zb.server.sent(ZALO_CHAT) == []
    clock.set_vn(2026, 11, 21, 6, 59)
    assert await sender.drain() == {}
    clock.set_vn(2026, 11, 21, 7, 0)
    assert await sender.drain() == {"sent": 2}


async def test_a_report_in_the_window_lists_its_topics_first_and_is_counted(
    engine: Engine, world: World, clock, tmp_path
) -> None:
    await issue_in_chat(engine, world, with_file=False)
    engine.catalog.invalidate()  # the new topic shows at once in this process
    directive = await Directive.get(number="15-HD/DUX")
    new_topic = await Topic.get(name="Chuyển đổi số ở bản")
    codes = await directive_topic_codes(world.cells[0], date(2026, 11, 20))
    assert codes == ["nq_21", new_topic.code]
    # Outside the subtree or the window, nothing comes first.
    assert await directive_topic_codes(world.cells[2], date(2026, 11, 20)) == []
    assert await directive_topic_codes(world.cells[0], date(2026, 11, 17)) == []

    chat = Chat(engine, world.reporter.phone or "")
    await chat.send("phat thanh")
    await chat.send("hom nay")
    await chat.send("2")
    await chat.send("45")
    labels = chat.labels()
    assert labels[:2] == ["Nghị quyết 21-NQ/TW về tổ…", "Chuyển đổi số ở bản"]
    await chat.send("2, 3")  # numbers as shown: the new topic, then the catalogue's first
    await chat.send("Cụm loa bản Một")
    assert "Chuyển đổi số ở bản; Nghị quyết Đại hội…" in chat.text
    await chat.press("Lưu")
    assert "Đã lưu BC-" in chat.text
    assert await ActivityDirective.filter(directive=directive).count() == 1

    # A report with no topic of the directive is not tied to it.
    other = Chat(engine, world.other_reporter.phone or "")
    for text in ("hoi hop", "hom nay", "1", "30", "60", "Nghị quyết Đại hội XIII của Đảng"):
        await other.send(text)
    await other.press("Lưu")
    assert await ActivityDirective.filter(directive=directive).count() == 1

    path = tmp_path / "ketqua.xlsx"
    results = await write_directive_results(
        path, directive, Letterhead("ĐẢNG ỦY XÃ MƯỜNG THỬ", "Mường Thử"), date(2026, 11, 20)
    )
    assert (results.total.activities, results.total.sessions, results.total.minutes) == (1, 2, 45)
    assert [u.name for u in results.idle_units] == ["Chi bộ bản Hai"]
    wb = load_workbook(path)
    assert wb.sheetnames == ["Theo đơn vị", "Theo chủ đề", "Chưa thực hiện", "Xác nhận đã nhận"]
    rows = [[c for c in r] for r in wb["Theo đơn vị"].iter_rows(values_only=True)]
    assert ["KẾT QUẢ THỰC HIỆN HƯỚNG DẪN SỐ 15-HD/DUX"] == [
        r[0] for r in rows if r[0] and "KẾT QUẢ" in str(r[0])
    ]
    one = next(r for r in rows if r[2] == "Chi bộ bản Một")
    assert list(one[3:9]) == [1, 2, 45, 0, 0, 0]
    two = next(r for r in rows if r[2] == "Chi bộ bản Hai")
    assert list(two[3:9]) == [0, 0, 0, 0, 0, 0]
    topics = {r[1]: r[2] for r in wb["Theo chủ đề"].iter_rows(values_only=True) if r[1]}
    assert (
        topics["Chuyển đổi số ở bản"] == 1
        and topics["Nghị quyết 21-NQ/TW về tổ chức cơ sở đảng"] == 0
    )
    idle = [r[2] for r in wb["Chưa thực hiện"].iter_rows(values_only=True)]
    assert "Chi bộ bản Hai" in idle and "Chi bộ bản Một" not in idle


async def test_withdrawn_directive_sends_nothing_more_and_is_not_shown_first(
    engine: Engine, world: World, clock, tg: Harness, zb: ZaloHarness
) -> None:
    await people(world)
    clock.set_vn(2026, 11, 20, 22, 0)  # queued for the morning
    chat = await issue_in_chat(engine, world, with_file=False)
    await chat.send("menu")
    await chat.send("huong dan, thong bao")
    await chat.press("15-HD/DUX")
    await chat.press("Sửa tóm tắt")
    await chat.send("Phát loa 3 buổi mỗi tuần.")
    assert "Đã sửa tóm tắt 15-HD/DUX." in chat.text
    assert (await Directive.get(number="15-HD/DUX")).summary == "Phát loa 3 buổi mỗi tuần."
    await chat.send("/vanban")
    await chat.press("15-HD/DUX")
    await chat.press("Sửa thời gian")
    await chat.send("20/11/2026 - 31/01/2027")
    assert "Đã sửa thời gian thực hiện 15-HD/DUX: 20/11/2026 – 31/01/2027." in chat.text
    await chat.send("/vanban")
    await chat.press("15-HD/DUX")
    await chat.press("Thu hồi")
    await chat.press("Thu hồi")
    assert "Đã thu hồi 15-HD/DUX; 2 tin chưa gửi đã được hủy." in chat.text
    clock.set_vn(2026, 11, 21, 8, 0)
    assert await OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock).drain() == {}
    assert await directive_topic_codes(world.cells[0], date(2026, 11, 21)) == []
    assert await Outbox.filter(status=OutboxStatus.CANCELLED).count() == 2


async def test_bad_input_while_issuing_gets_a_short_answer_and_changes_nothing(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.supervisor.phone or "")
    await chat.send("/vanban")
    await chat.press("Ban hành hướng dẫn mới")
    await chat.send("huong dan moi")
    assert D.BAD_NUMBER in chat.text
    await chat.send("15-HD/DUX 18/11/2026")
    await chat.send("Tên")
    await chat.send("x" * 301)
    assert "Nội dung quá dài (301 ký tự, tối đa 300)" in chat.text
    await chat.send("Tóm tắt ngắn.")
    await chat.send("xong")  # nothing picked yet
    assert D.NO_TOPICS in chat.text
    await chat.send("99")
    assert "Chỉ có các số từ 1 đến" in chat.text
    await chat.send("1")
    await chat.press("Xong")
    await chat.send("31/12/2026 - 01/12/2026")
    assert D.WINDOW_ORDER in chat.text
    await chat.send("01/01/2025 - 31/01/2025")
    assert "Thời gian thực hiện đã qua" in chat.text
    await chat.send("01/12/2026 - 31/12/2026")
    chat.replies = await engine.handle(
        Incoming("console", chat.external_id, document=Document(b"MZ\x90\x00", "virus.exe"))
    )
    assert D.FILE_KIND in chat.text
    await chat.send("huy")
    assert await Directive.all().count() == 0
    assert await Outbox.all().count() == 0
    # A reporter cannot issue anything.
    reporter = Chat(engine, world.reporter.phone or "")
    await reporter.send("/thongbao")
    assert "Chức năng này dành cho cán bộ theo dõi và quản trị." in reporter.text
    await reporter.send("/vanban")  # a reporter reads the directives instead
    assert "Hiện không có hướng dẫn nào đang thực hiện cho Chi bộ bản Một." in reporter.text
    await reporter.send("/danhan")
    assert D.ACK_NOTHING in reporter.text


async def test_a_notice_goes_to_the_subtree_by_the_same_path(
    engine: Engine, world: World, clock, tg: Harness, zb: ZaloHarness
) -> None:
    await people(world)
    chat = Chat(engine, world.supervisor.phone or "")
    await chat.send("/thongbao")
    await chat.send("Họp chi bộ thường kỳ dời sang thứ Sáu 27/11.")
    await chat.press("Bỏ qua")
    assert "Gửi thông báo này tới 2 người thuộc Đảng ủy xã Mường Thử?" in chat.text
    await chat.press("Gửi thông báo")
    assert "Đã xếp lịch gửi thông báo tới 2 người." in chat.text
    assert await OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock).drain() == {"sent": 2}
    await tg.channel.settled()
    assert "Họp chi bộ thường kỳ dời sang thứ Sáu" in tg.server.sent(REPORTER_TG)[0].text
    assert tg.server.sent(OUTSIDER_TG) == []


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


async def test_on_zalo_oa_the_pdf_goes_as_a_file_uploaded_once(
    engine: Engine, world: World, clock, oa: ZaloOAChannel
) -> None:
    users = {
        world.reporter.id: "8473629105748392017",
        world.other_reporter.id: "8473629105748392018",
    }
    for member in (world.reporter, world.other_reporter):
        await link_identity(member, "zalo_oa", users[member.id], OA_ID)
    await issue_in_chat(engine, world)
    assert await OutboxSender(engine, [oa], PLAN, clock).drain() == {"sent": 2}
    fake: FakeZaloOA = oa.fake  # type: ignore[attr-defined]
    assert len(fake.uploads) == 1
    for user in users.values():
        assert fake.files_to(user) == [("huong-dan-15.pdf", PDF)]
        texts = [s.text for s in fake.to(user) if s.text]
        assert "Hướng dẫn số 15-HD/DUX" in texts[0] and "https://" not in texts[0]
        assert fake.to(user)[-1].titles() == ["✔ Đã nhận"]


async def test_the_longest_directive_still_reaches_zalo_in_messages_of_300_characters(
    world: World,
) -> None:
    draft = A.Draft(
        number="9" * (I.NUMBER_MAX - 3) + "-HD",
        issued_on=date(2026, 11, 18),
        title="Đ" * I.TITLE_MAX,
        summary="ệ" * 300,
        starts_on=date(2026, 11, 18),
        ends_on=date(2026, 12, 31),
        topics=["nq_21"],
    )
    await Unit.filter(id=world.province.id).update(name="Tỉnh ủy " + "X" * 190)
    world.province.name = "Tỉnh ủy " + "X" * 190
    directive = await A.create_directive(world.province, None, draft)
    parts = await A.directive_parts(directive)
    assert [len(p) <= 300 for p in parts] == [True, True]
    assert (
        len(D.ACK_ASK) <= 300
        and len(D.REMIND_ACK.format(number=draft.number, title="x" * 100)) <= 300
    )


async def test_the_results_command_sends_the_workbook_in_the_chat(
    engine: Engine, world: World
) -> None:
    supervisor = await issue_in_chat(engine, world, with_file=False)
    await supervisor.send("/ketqua 15-hd/dux")
    assert supervisor.replies[0].text == D.RESULTS_STARTED
    assert supervisor.replies[0].then is not None
    ready = await supervisor.replies[0].then()
    assert (
        "Kết quả thực hiện 15-HD/DUX: 0 hoạt động của 0/2 đơn vị; 0/2 người đã nhận."
        in ready[0].text
    )
    assert ready[0].file is not None and ready[0].file.name.startswith("ketqua_15-HD-DUX_")
    await supervisor.send("/ketqua 999-HD/KHONG")
    assert "Không có văn bản số “999-HD/KHONG”" in supervisor.text
    # The other commune's directives are not this supervisor's to read.
    reporter = Chat(engine, world.reporter.phone or "")
    await reporter.send("/ketqua 15-HD/DUX")
    assert "Chức năng này dành cho cán bộ theo dõi và quản trị." in reporter.text


async def test_a_reporter_reads_the_directive_acknowledges_it_and_says_which_report_answers_it(
    engine: Engine, world: World
) -> None:
    await issue_in_chat(engine, world)
    # A meeting on another topic: not tied by its topics.
    chat = Chat(engine, world.reporter.phone or "")
    for text in ("hoi hop", "hom nay", "1", "30", "60", "Nghị quyết Đại hội XIII của Đảng"):
        await chat.send(text)
    await chat.press("Lưu")
    directive = await Directive.get(number="15-HD/DUX")
    assert await ActivityDirective.filter(directive=directive).count() == 0

    await chat.send("van ban chi dao")
    await chat.press("15-HD/DUX")
    assert chat.replies[0].file is not None and chat.replies[0].file.read_bytes() == PDF
    assert "Hướng dẫn số 15-HD/DUX" in chat.replies[0].text
    await chat.press("Đã nhận")
    assert "Đã ghi nhận đồng chí đã nhận Hướng dẫn số 15-HD/DUX" in chat.text
    await chat.send("/vanban")
    await chat.press("15-HD/DUX")
    assert "✔ Đã nhận" not in chat.labels()
    await chat.press("Báo cáo đã gửi thuộc văn bản này")
    await chat.press("BC-000001")
    assert "Đã ghi báo cáo BC-000001 là kết quả thực hiện 15-HD/DUX." in chat.text
    # Editing the report again keeps what the reporter said.
    await chat.send("/cuatoi")
    await chat.press("BC-000001")
    await chat.press("Sửa")
    await chat.press("Số người dự")
    await chat.send("45")
    await chat.press("Lưu thay đổi")
    link = await ActivityDirective.get(directive=directive)
    assert link.manual
    results = await directive_results(directive)
    assert (results.total.activities, results.total.meetings, results.total.attendees) == (1, 1, 45)


async def test_free_text_holding_a_choice_word_is_an_answer_not_that_choice(
    engine: Engine, world: World
) -> None:
    """ "chuyển" holds "huy" (Hủy): a place or a title with it must not cancel the work."""
    chat = Chat(engine, world.reporter.phone or "")
    for text in ("phat thanh", "hom nay", "2", "45", "1"):
        await chat.send(text)
    await chat.send("Cụm loa thôn Chuyên")
    assert "• Nơi phát: Cụm loa thôn Chuyên" in chat.text
    await chat.send("huỷ")  # the word itself still cancels
    assert "Đã hủy." in chat.text


async def test_a_zalo_bot_out_of_quota_hands_the_directive_to_the_members_telegram(
    engine: Engine, world: World, clock, tg: Harness, zb: ZaloHarness
) -> None:
    await people(world)
    telegram = await link_identity(world.other_reporter, "telegram", "7102")
    zalo = await Identity.get(channel="zalo_bot", member_id=world.other_reporter.id)
    await Identity.filter(id=telegram.id).update(state_updated_at=clock() - timedelta(days=2))
    await Identity.filter(id=zalo.id).update(state_updated_at=clock() - timedelta(hours=1))
    await issue_in_chat(engine, world, with_file=False)
    # 429s that last past the bot's retries: the Zalo bot cannot take it for now.
    zb.server.fail("1001", "sendMessage", *[Fault(429, "Quota exceeded")] * 10)
    counts = await OutboxSender(engine, [tg.channel, zb.channel], PLAN, clock).drain()
    assert counts == {"sent": 2}
    row = await Outbox.get(member=world.other_reporter, category="directive")
    assert (row.status, row.channel) == (OutboxStatus.SENT, "telegram")
    await tg.channel.settled()
    assert "Hướng dẫn số 15-HD/DUX" in tg.server.sent(7102)[0].text
