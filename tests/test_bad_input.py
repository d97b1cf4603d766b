"""Bad input gets a short Vietnamese answer, the same question again, and changes nothing."""

from __future__ import annotations

import pytest

from factories import Chat, World, report_state, snapshot
from handlers.engine import RECENT_MESSAGES, Engine
from models import Activity, Identity, RegistrationAttempt


async def at_question(engine: Engine, world: World, answers: list[str]) -> Chat:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("phát thanh loa")
    for a in answers:
        await chat.send(a)
    return chat


@pytest.mark.parametrize(
    ("answers", "bad", "expected", "question"),
    [
        ([], "25/11", "Ngày này chưa tới (hôm nay là 20/11/2026)", "Phát thanh ngày nào?"),
        ([], "21/11/2026", "Ngày này chưa tới", "Phát thanh ngày nào?"),
        ([], "12/10/2026", "Kỳ báo cáo tháng 10/2026 đã khóa sổ sau ngày 15/11/2026", None),
        ([], "31/02", "Tháng 2 không có ngày 31", "Phát thanh ngày nào?"),
        ([], "12/13", "Không có tháng 13", "Phát thanh ngày nào?"),
        ([], "thứ hai tuần trước", "Chưa hiểu ngày", "Phát thanh ngày nào?"),
        (["hom nay"], "-3", "Số không được âm", "Phát bao nhiêu buổi"),
        (["hom nay"], "0", "Số nhỏ nhất là 1 buổi", "Phát bao nhiêu buổi"),
        (["hom nay"], "5000", "Số quá lớn: tối đa 100 buổi", "Phát bao nhiêu buổi"),
        (["hom nay"], "2,5", "số nguyên", "Phát bao nhiêu buổi"),
        (["hom nay"], "3 hoặc 4", "Hãy gõ một số thôi", "Phát bao nhiêu buổi"),
        (["hom nay"], "nhiều lắm", "Chưa hiểu số", "Phát bao nhiêu buổi"),
        (["hom nay"], "45 phút", "hỏi số buổi, không phải số phút", "Phát bao nhiêu buổi"),
        (["hom nay"], "nhắc bà con", "Chưa hiểu số", "Phát bao nhiêu buổi"),
        (["hom nay"], "²", "chữ số 0–9", "Phát bao nhiêu buổi"),
        (["hom nay"], "10⁵", "chữ số 0–9", "Phát bao nhiêu buổi"),
        (["hom nay"], "①", "chữ số 0–9", "Phát bao nhiêu buổi"),
        (["hom nay", "3"], "3 buổi", "hỏi số phút, không phải số buổi", "bao nhiêu phút"),
        (["hom nay", "3"], "3²", "chữ số 0–9", "bao nhiêu phút"),
        (["hom nay", "3", "60"], "99", "Chỉ có các số từ 1 đến 5", "chủ đề nào"),
        (["hom nay", "3", "60"], "xyz abc", "Chưa hiểu “xyz abc”", "chủ đề nào"),
        (["hom nay", "3", "60", "1"], "   ", "Nội dung đang trống", "Phát ở đâu"),
        (["hom nay", "3", "60", "1"], "bo qua", "Mục này cần trả lời", "Phát ở đâu"),
        (["hom nay", "3", "60", "1"], "không", "Mục này cần trả lời", "Phát ở đâu"),
        (["hom nay", "3", "60", "1"], "😀😀😀", "Chưa có chữ nào", "Phát ở đâu"),
        (
            ["hom nay", "3", "60", "1"],
            "x" * 4000,
            "Nội dung quá dài (4000 ký tự, tối đa 200)",
            "Phát ở đâu",
        ),
        (
            ["hom nay", "3", "60", "1", "Loa"],
            "ghi chú " * 499 + "ghi chú!",
            "Nội dung quá dài (4000 ký tự, tối đa 1000)",
            "chọn Lưu",
        ),
    ],
)
async def test_bad_answer_is_explained_and_asked_again(
    engine: Engine, world: World, answers: list[str], bad: str, expected: str, question: str | None
) -> None:
    chat = await at_question(engine, world, answers)
    before_values = (await report_state(world.reporter.phone))[2]
    before = await snapshot()
    await chat.send(bad)
    assert expected in chat.text
    if question:
        assert question in chat.last.text.split("\n\n")[-1]
    assert (await report_state(world.reporter.phone))[2] == before_values
    assert await snapshot() == before


async def test_sticker_and_voice_get_a_hint(engine: Engine, world: World) -> None:
    chat = await at_question(engine, world, ["hom nay"])
    before = await snapshot()
    await chat.other("sticker")
    assert "Bot chưa đọc được nhãn dán (sticker)" in chat.text
    assert "Phát bao nhiêu buổi" in chat.text
    await chat.other("voice")
    assert "tin nhắn thoại" in chat.text
    assert await snapshot() == before


async def test_unknown_command_is_named(engine: Engine, world: World) -> None:
    chat = await at_question(engine, world, ["hom nay"])
    before = await snapshot()
    await chat.send("/xoahet")
    assert "Không có lệnh /xoahet" in chat.text
    assert "Phát bao nhiêu buổi" in chat.text
    assert await snapshot() == before


async def test_photo_where_none_is_asked(engine: Engine, world: World) -> None:
    chat = await at_question(engine, world, [])
    await chat.photo(b"\x89PNG fake image")
    assert "Bước này chưa cần ảnh" in chat.text
    assert "Phát thanh ngày nào?" in chat.text


async def test_stale_button_changes_nothing(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    menu = chat.last
    await chat.press("Phát thanh loa", menu)
    await chat.press("Hôm nay")
    before_state = await report_state(world.reporter.phone)
    await chat.press("Hội họp", menu)  # a button from the menu shown two steps ago
    assert "Nút này đã cũ" in chat.text
    assert "Phát bao nhiêu buổi" in chat.text
    assert await report_state(world.reporter.phone) == before_state


async def test_a_forged_payload_is_a_stale_button(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/start")
    for payload in ("999:0", "abc", "1:99", ":"):
        replies = await engine.handle(chat._inc(choice=payload))
        assert "Nút này đã cũ" in replies[0].text
    assert await Activity.all().count() == 0


async def test_a_stranger_is_told_how_to_join_and_nothing_is_kept(
    engine: Engine, world: World
) -> None:
    before = await snapshot()
    stranger = Chat(engine, "someone-new")
    await stranger.send("cho tôi xem báo cáo")
    assert "hãy gửi mã mời" in stranger.text
    await stranger.send("/chuabaocao")
    assert "hãy gửi mã mời" in stranger.text
    assert await snapshot() == before
    assert not await Identity.exists(external_id="someone-new")
    assert await RegistrationAttempt.all().count() == 0


async def test_duplicate_message_is_answered_once(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("1", message_id="m1")
    assert "Phát thanh ngày nào?" in chat.text
    replies = await chat.send("1", message_id="m1")
    assert replies == []
    assert (await report_state(world.reporter.phone))[1] == "field"
    await chat.send("hom nay", message_id="m2")
    assert "Phát bao nhiêu buổi" in chat.text


async def test_the_ids_kept_against_repeats_stay_few(engine: Engine, world: World) -> None:
    """The chat's last message ids live on its identity row: read and written by the turn's own
    two statements, and never more than RECENT_MESSAGES of them."""
    chat = Chat(engine, world.reporter.phone)
    for i in range(RECENT_MESSAGES + 10):
        await chat.send("?", message_id=f"m{i}")
    ident = await Identity.get(external_id=world.reporter.phone)
    assert len(ident.recent_messages) == RECENT_MESSAGES
    assert ident.recent_messages[-1] == f"m{RECENT_MESSAGES + 9}"
    assert await chat.send("1", message_id=f"m{RECENT_MESSAGES + 9}") == []
    assert await chat.send("?", message_id="x" * 500) != []
    assert (
        await chat.send("?", message_id="x" * 500) == []
    )  # a long id is kept cut, and still known


async def test_reporter_cannot_ask_for_late_units(engine: Engine, world: World) -> None:
    chat = Chat(engine, world.reporter.phone)
    await chat.send("/chuabaocao")
    assert "dành cho cán bộ theo dõi" in chat.text
