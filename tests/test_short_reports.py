"""A report in three messages: one-line reports, "như lần trước", answers read as they were meant,
and every message short enough for one small screen."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.channels.zalo_common import numbered
from factories import Chat, World, report_state, snapshot
from handlers import texts as T
from handlers.engine import Engine
from handlers.messages import Incoming
from models import Activity, ActivityKind, Identity, Member, NilReport, Role, Unit

BUDGET = 300  # characters of one message on Zalo and the console


async def saved(chat: Chat) -> Activity:
    await chat.send("luu")
    assert "Đã lưu BC-" in chat.text, chat.text
    return await Activity.filter(deleted_at=None).order_by("-id").first().select_related("kind")


# -- one-line reports ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "expected"),
    [
        (
            "phat thanh hom qua 2 buoi 45 phut cum loa ban Na Khum",
            "phat_thanh",
            {"date": "2026-11-19", "sessions": 2, "minutes": 45, "place": "cum loa ban Na Khum"},
        ),
        (
            "pt 12/11 2 buổi 1 tiếng rưỡi nghị quyết 21 tại Loa bản Một",
            "phat_thanh",
            {"date": "2026-11-12", "sessions": 2, "minutes": 90, "topics": ["nq_21"]},
        ),
        (
            "3 bang ron 2 khau hieu ngay 10/11 ngã ba bản giai bua liem vang",
            "co_dong",
            {"forms": {"Băng rôn": 3, "Khẩu hiệu": 2}, "place": "ngã ba bản"},
        ),
        (
            "hop chi bo 14/11 25 nguoi 90 phut nghi quyet 21",
            "hoi_hop",
            {"form": "Sinh hoạt chi bộ", "attendees": 25, "minutes": 90, "topics": ["nq_21"]},
        ),
        (
            "họp thôn hôm nay 40 người 2 tiếng Hồ Chí Minh",
            "hoi_hop",
            {"form": "Họp thôn/bản", "attendees": 40, "minutes": 120, "topics": ["hcm"]},
        ),
    ],
)
async def test_a_whole_report_in_one_message(
    engine: Engine, world: World, line: str, kind: str, expected: dict[str, Any]
) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    await chat.send(line)
    assert await Activity.all().count() == 0  # nothing is saved without the summary
    # Only what is still missing is asked, then the summary.
    for _ in range(3):
        if "Kiểm tra báo cáo" in chat.text:
            break
        if "chủ đề nào" in chat.text:
            await chat.send("1")
        elif "ở đâu" in chat.text:
            await chat.send("Nhà văn hóa")
        else:
            raise AssertionError(chat.text)
    assert "Kiểm tra báo cáo" in chat.text
    activity = await saved(chat)
    assert activity.kind.code == kind
    for key, value in expected.items():
        assert activity.data[key] == value, key


async def test_a_one_line_report_takes_two_messages_and_two_bot_messages(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    sent = await chat.send("pt hom qua 2 buoi 45 phut nghi quyet 21 cum loa ban Mot")
    assert len(sent) == 1 and "• Nơi phát: cum loa ban Mot" in sent[0].text
    sent = await chat.send("luu")
    assert len(sent) == 1 and "Đã lưu BC-000001" in sent[0].text


async def test_what_is_read_but_not_taken_is_said(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("pt 12/11 13/11 2 buoi 3 cai 45 phut Loa")
    assert T.TWO_DATES in chat.text
    assert "“3 cai”: báo cáo này không hỏi số đó" in chat.text
    assert "Phát thanh ngày nào?" in chat.text  # the date is asked, not guessed


async def test_a_future_date_in_a_one_line_report_is_refused(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("pt 25/11 2 buoi 45 phut Loa")
    assert "Ngày này chưa tới" in chat.text and "Phát thanh ngày nào?" in chat.text


async def test_the_place_defaults_to_the_units_locality(engine: Engine, world: World) -> None:
    await Unit.filter(id=world.cells[0].id).update(locality="bản Một")
    chat = Chat(engine, world.reporter.phone)
    await chat.send("1")
    for answer in ["hom nay", "2", "30"]:
        await chat.send(answer)
    assert "câu 4/4" in chat.text  # the place is not asked
    await chat.send("1")
    assert "• Nơi phát: bản Một" in chat.text
    activity = await saved(chat)
    assert activity.data["place"] == "bản Một"


# -- "như lần trước" -------------------------------------------------------------------------------


async def test_as_last_time_repeats_the_latest_report_with_todays_date(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("pt 12/11 3 buoi 60 phut nghi quyet 21 Loa bản Một")
    await chat.send("Phát song ngữ")  # a note, not repeated
    first = await saved(chat)
    assert T.MENU_REPEAT in chat.labels()  # offered right after the receipt
    await chat.press(T.MENU_REPEAT)
    assert f"Chép từ {first.receipt}" in chat.text and "Kiểm tra báo cáo" in chat.text
    second = await saved(chat)
    assert second.activity_date == date(2026, 11, 20)
    assert {k: second.data[k] for k in ("sessions", "minutes", "topics", "place")} == {
        "sessions": 3,
        "minutes": 60,
        "topics": ["nq_21"],
        "place": "Loa bản Một",
    }
    assert second.data["note"] is None
    await chat.send("nhu lan truoc hom qua")
    third = await saved(chat)
    assert third.activity_date == date(2026, 11, 19) and third.id != second.id


async def test_as_last_time_of_a_kind(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("hop chi bo 14/11 25 nguoi 90 phut nghi quyet 21")
    await saved(chat)
    await chat.send("pt 12/11 3 buoi 60 phut nghi quyet 21 Loa")
    await saved(chat)
    await chat.send("như lần trước họp 18/11")
    meeting = await saved(chat)
    assert meeting.kind.code == "hoi_hop" and meeting.activity_date == date(2026, 11, 18)


async def test_as_last_time_with_nothing_to_repeat(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("nhu lan truoc")
    assert T.REPEAT_NONE in chat.text and T.PICK_KIND in chat.text


# -- navigation words inside words never navigate -------------------------------------------------


@pytest.mark.parametrize(
    "note",
    [
        "nhac ba con khong chuyen tien cho nguoi la",
        "Không bỏ qua buổi nào",
        "Quay lại bản cũ phát thêm",
        "phát ở huyện cũ",
        "hủy bỏ lịch họp cũ, phát thay",
    ],
)
async def test_a_note_with_a_navigation_word_inside_is_a_note(
    engine: Engine, world: World, note: str
) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("pt hom nay 2 buoi 30 phut nghi quyet 21 Loa bản Một")
    await chat.send(note)
    assert T.NOTE_SAVED in chat.text
    activity = await saved(chat)
    assert activity.data["note"] == note


async def test_a_note_labelled_ghi_chu_keeps_only_the_note(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("pt hom nay 2 buoi 30 phut nghi quyet 21 Loa bản Một")
    await chat.send("Ghi chú: phát ở thôn Chuyên")
    activity = await saved(chat)
    assert activity.data["note"] == "phát ở thôn Chuyên"


@pytest.mark.parametrize("place", ["Bản Thủy Nguyên", "huyện cũ", "Quay lại nhà văn hóa"])
async def test_a_place_with_a_navigation_word_inside_is_a_place(
    engine: Engine, world: World, place: str
) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2", "30", "1"]:
        await chat.send(answer)
    await chat.send(place)
    assert "Kiểm tra báo cáo" in chat.text
    activity = await saved(chat)
    assert activity.data["place"] == place


async def test_the_navigation_word_alone_still_navigates(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2"]:
        await chat.send(answer)
    await chat.send("Quay lại")
    assert "Phát bao nhiêu buổi" in chat.text
    await chat.send("hủy")
    assert T.CANCELLED in chat.text and await Activity.all().count() == 0


# -- answers stored as meant, or questioned ---------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "minutes"),
    [("2 tiếng", 120), ("1 tiếng rưỡi", 90), ("1h30", 90), ("1 giờ 15", 75), ("90p", 90)],
)
async def test_durations_in_hours_become_minutes(
    engine: Engine, world: World, answer: str, minutes: int
) -> None:
    chat = Chat(engine, world.reporter.phone)
    for text in ["1", "hom nay", "2", answer]:
        await chat.send(text)
    assert (await report_state(world.reporter.phone))[2]["minutes"] == minutes


async def test_khong_skips_a_note_and_is_refused_for_a_place(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2", "30", "1"]:
        await chat.send(answer)
    before = await snapshot()
    await chat.send("bo qua")
    assert T.REQUIRED in chat.text and "Phát ở đâu" in chat.text
    await chat.send("😀😀😀")
    assert T.NO_WORDS in chat.text
    assert await snapshot() == before
    await chat.send("Loa bản Một")
    await chat.send("khong")  # at the summary: no note
    activity = await saved(chat)
    assert activity.data["note"] is None and activity.data["place"] == "Loa bản Một"


async def test_bao_cao_at_the_menu_starts_a_report(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("bao cao")
    assert T.PICK_KIND in chat.text
    await chat.send("phat thanh")
    assert "Phát thanh ngày nào?" in chat.text


async def test_topics_added_after_going_back_are_added_and_xong_works(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2", "30", "1", "Loa"]:
        await chat.send(answer)
    await chat.send("quay lai")  # back to the place
    await chat.send("quay lai")  # back to the topics, with one picked
    assert "Đã chọn" in chat.text and "Xong" in chat.labels()
    await chat.send("2")
    assert "Phát ở đâu" in chat.text
    await chat.send("quay lai")
    await chat.send("xong")
    assert "Phát ở đâu" in chat.text
    state = (await report_state(world.reporter.phone))[2]
    assert state["topics"] == ["nq_dh13", "kl_21"]


async def test_the_other_topic_asks_what_it_was(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2", "30"]:
        await chat.send(answer)
    await chat.send("khac")
    assert T.ASK_OTHER_TOPIC in chat.text
    await chat.send("Phòng chống cháy rừng")
    await chat.send("Loa bản")
    assert "(Phòng chống cháy rừng)" in chat.text
    activity = await saved(chat)
    assert activity.data["topics"] == ["khac"]
    assert activity.data["topics_other"] == "Phòng chống cháy rừng"


async def test_several_forms_with_their_quantities_make_one_report(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["2", "hom nay"]:
        await chat.send(answer)
    await chat.send("bang ron")
    assert "Hãy ghi cả số lượng, ví dụ: 3 băng rôn" in chat.text
    await chat.send("3 băng rôn, 2 khẩu hiệu và 1 pano")
    assert "Treo, dán ở đâu" in chat.text
    for answer in ["Ngã ba", "1"]:
        await chat.send(answer)
    activity = await saved(chat)
    assert activity.data["forms"] == {"Băng rôn": 3, "Khẩu hiệu": 2, "Panô": 1}


# -- nil reports --------------------------------------------------------------------------------


async def test_a_nil_report_can_be_withdrawn(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("khong phat sinh")
    await chat.send("1")
    assert await NilReport.all().count() == 1
    await chat.send("bao cao cua toi")
    await chat.press("Rút lại")
    assert "Đã rút lại báo cáo không phát sinh tháng 11/2026" in chat.text
    assert await NilReport.all().count() == 0


# -- who is offered what ---------------------------------------------------------------------


async def test_a_member_of_a_unit_that_does_not_report_is_not_offered_reports(
    engine: Engine, world: World
) -> None:
    chat = Chat(engine, world.supervisor.phone)
    await chat.send("/start")
    labels = chat.labels()
    assert T.MENU_NIL not in labels and "Phát thanh loa" not in labels
    assert T.MENU_LATE in labels
    await chat.send("pt hom nay 2 buoi 30 phut Loa")
    assert await Activity.all().count() == 0 and "Kiểm tra báo cáo" not in chat.text


# -- drafts and forged presses ----------------------------------------------------------------


async def test_a_draft_survives_its_kind_being_shortened(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    for answer in ["1", "hom nay", "2", "30", "1"]:
        await chat.send(answer)
    assert "Phát ở đâu" in chat.text
    kind = await ActivityKind.get(code="phat_thanh")
    kind.fields_spec = [f for f in kind.fields_spec if f["key"] in ("date", "sessions", "topics")]
    await kind.save()
    engine.catalog.invalidate()
    await chat.send("Loa bản")
    assert T.KIND_CHANGED in chat.text and "Kiểm tra báo cáo" in chat.text
    activity = await saved(chat)
    assert activity.data["sessions"] == 2


@pytest.mark.parametrize("payload", ["v:²", "²:0", "1:²", "0:" + "9" * 5000, "①:①", "３:0"])
async def test_a_forged_press_is_a_stale_button(engine: Engine, world: World, payload: str) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    before = await snapshot()
    replies = await engine.handle(Incoming("console", world.reporter.phone, choice=payload))
    assert replies and replies[0].text.startswith(T.STALE_BUTTON)
    assert await snapshot() == before


@pytest.mark.parametrize("text", ["²", "①", "3²", "10⁵", "٣"])
async def test_unicode_digits_at_any_question_get_an_answer(
    engine: Engine, world: World, text: str
) -> None:
    chat = Chat(engine, world.reporter.phone)
    for step in [[], ["1"], ["1", "hom nay"], ["1", "hom nay", "2", "30"]]:
        await chat.send("/huy")
        for answer in step:
            await chat.send(answer)
        await chat.send(text)
        assert T.TRY_AGAIN not in chat.text


# -- every message fits a small screen ----------------------------------------------------------


async def _conversation(engine: Engine, who: str, script: list[str]) -> list[str]:
    shown: list[str] = []
    for text in script:
        for reply in await engine.handle(Incoming("console", who, text=text)):
            shown.append(numbered(reply))
    return shown


async def test_every_message_fits_the_budget(engine: Engine, world: World) -> None:
    await Unit.filter(id=world.cells[0].id).update(locality="bản Một")
    for n in range(12):  # a unit with a long history: lists are paged
        unit = await Unit.get(id=world.cells[1].id)
        await Activity.create(
            unit=unit,
            kind=await ActivityKind.get(code="phat_thanh"),
            period_id=(await _period()).id,
            reporter=world.other_reporter,
            activity_date=date(2026, 11, 1 + n),
            data={"sessions": 1, "minutes": 30, "topics": ["hcm", "nq_dh13"], "place": "x"},
        )
    officer = await Member.create(
        name="Nguyễn Văn Một Tên Rất Dài Để Thử", phone="0900000150", unit=world.cells[1]
    )
    await Identity.create(channel="console", external_id="long", member=officer)
    scripts = {
        world.reporter.phone: [
            "/start",
            "?",
            "xem tiep",
            "menu",
            "1",
            "31/02",
            "hom qua",
            "45 phut",
            "2",
            "2 tieng",
            "xyz",
            "6",
            "7",
            "1",
            "khong bo qua buoi nao",
            "sua",
            "1",
            "quay lai",
            "luu",
            "2",
            "hom nay",
            "3 bang ron 2 khau hieu",
            "1, 2, 3, 4, 5",
            "luu",
            "3",
            "hom nay",
            "9",
            "25",
            "90",
            "1",
            "luu",
            "nhu lan truoc",
            "luu",
            "khong phat sinh",
            "bao cao cua toi",
            "1",
            "sua",
            "huy",
            "/xyz",
            "/huongdan",
        ],
        "long": ["/start", "bao cao cua toi", "5", "khong phat sinh", "1", "bao cao cua toi"],
        world.supervisor.phone: ["/start", "/chuabaocao", "xem them", "menu", "?"],
        world.admin.phone: ["/start", "/chuabaocao", "1", "?", "xem tiep"],
        "stranger": ["xin chao", "ABC123", "AAAAAAAA"],
    }
    longest = 0
    for who, script in scripts.items():
        for text in await _conversation(engine, who, script):
            assert len(text) <= BUDGET, f"{len(text)} characters:\n{text}"
            longest = max(longest, len(text))
    assert longest > 150  # the check saw real messages


async def _period() -> Any:
    from conftest import RULES

    from models.periods import period_for

    return await period_for(date(2026, 11, 1), RULES)


async def test_help_is_paged_and_explains_the_one_line_form(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("huong dan")
    first = numbered(chat.last)
    assert "pt hom qua 2 buoi 45 phut" in first and len(first) <= BUDGET
    await chat.press(T.HELP_MORE)
    second = numbered(chat.last)
    assert "Như lần trước" in second and len(second) <= BUDGET
    assert T.CONSOLE_HELP in second  # on the console, how to send a photo
    # In the middle of a report, help is one line and the question again.
    await chat.send("phat thanh")
    await chat.send("?")
    assert T.HELP_IN_FLOW in chat.text and "Phát thanh ngày nào?" in chat.text


async def test_a_reporter_of_a_non_reporting_role_has_no_report_items(
    engine: Engine, world: World
) -> None:
    admin = Chat(engine, world.admin.phone)
    await admin.send("/start")
    assert (await Member.get(id=world.admin.id)).role == Role.ADMIN
    assert "Phát thanh loa" not in admin.labels()
