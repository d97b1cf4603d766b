"""Joining the bot: an invite code from the board, or a phone number already on the roster."""

from __future__ import annotations

from datetime import timedelta

from factories import Chat, World
from handlers.engine import Engine
from handlers.messages import Incoming
from handlers.registration import MAX_FAILED_PER_DAY, issue_invite
from models import Identity, InviteCode, RegistrationAttempt


async def test_deep_link_start_with_code_registers(engine: Engine, world: World) -> None:
    invite = await issue_invite(world.other_reporter, engine.clock(), 30)
    chat = Chat(engine, "tg-42", channel="telegram")
    await chat.send(f"/start {invite.code}")
    assert "Chào Tòng Thị Giả!" in chat.text
    assert "Chọn việc" in chat.text
    ident = await Identity.get(channel="telegram", external_id="tg-42")
    assert ident.member_id == world.other_reporter.id
    # The code is single use.
    other = Chat(engine, "tg-43", channel="telegram")
    await other.send(invite.code)
    assert "không đúng hoặc đã hết hạn" in other.text
    assert not await Identity.exists(external_id="tg-43")


async def test_expired_code_is_refused(engine: Engine, world: World, clock) -> None:
    invite = await issue_invite(world.other_reporter, engine.clock(), 30)
    clock.now += timedelta(days=31)
    chat = Chat(engine, "late-comer")
    await chat.send(invite.code)
    assert "hết hạn" in chat.text
    assert not await Identity.exists(external_id="late-comer")


async def test_a_new_code_replaces_the_old_one(engine: Engine, world: World) -> None:
    old = await issue_invite(world.other_reporter, engine.clock(), 30)
    new = await issue_invite(world.other_reporter, engine.clock(), 30)
    assert old.code != new.code
    chat = Chat(engine, "x")
    await chat.send(old.code)
    assert "không đúng hoặc đã hết hạn" in chat.text
    await chat.send(new.code)
    assert "Chào Tòng Thị Giả" in chat.text


async def test_shared_phone_on_the_roster_registers(engine: Engine, world: World) -> None:
    replies = await engine.handle(
        Incoming("telegram", "tg-7", contact_phone="+84900000102", display_name="Giả")
    )
    assert "Chào Tòng Thị Giả" in replies[0].text
    ident = await Identity.get(channel="telegram", external_id="tg-7")
    assert ident.member_id == world.other_reporter.id and ident.display_name == "Giả"


async def test_a_greeting_is_not_a_code_attempt(engine: Engine, world: World) -> None:
    chat = Chat(engine, "new-person")
    await chat.send("xin chào")
    assert "hãy gửi mã mời" in chat.text and "không đúng hoặc đã hết hạn" not in chat.text
    assert await RegistrationAttempt.all().count() == 0


async def test_the_same_start_message_twice_registers_and_answers_once(
    engine: Engine, world: World
) -> None:
    invite = await issue_invite(world.other_reporter, engine.clock(), 30)
    chat = Chat(engine, "tg-99", channel="telegram")
    first = await chat.send(f"/start {invite.code}", message_id="m-1")
    assert "Chào Tòng Thị Giả" in first[0].text
    assert await chat.send(f"/start {invite.code}", message_id="m-1") == []


async def test_unknown_phone_is_refused(engine: Engine, world: World) -> None:
    replies = await engine.handle(Incoming("telegram", "tg-8", contact_phone="0987654321"))
    assert "chưa có trong danh sách" in replies[0].text
    assert not await Identity.exists(external_id="tg-8")
    assert await RegistrationAttempt.filter(ok=False).count() == 1


async def test_guessing_codes_is_stopped(engine: Engine, world: World) -> None:
    invite = await issue_invite(world.other_reporter, engine.clock(), 30)
    chat = Chat(engine, "guesser")
    for i in range(MAX_FAILED_PER_DAY):
        await chat.send(f"WRNGCD{'ABCDEFGHJK'[i]}")
    await chat.send(invite.code)
    assert "thử quá nhiều lần" in chat.text
    assert not await Identity.exists(external_id="guesser")
    assert (await InviteCode.get(id=invite.id)).used_at is None


async def test_a_member_on_two_channels_keeps_two_conversations(
    engine: Engine, world: World
) -> None:
    """A report started on one channel is not disturbed by messages on the other."""
    invite = await issue_invite(world.reporter, engine.clock(), 30)
    tg = Chat(engine, "tg-1", channel="telegram")
    await tg.send(f"/start {invite.code}")
    console = Chat(engine, world.reporter.phone)
    await console.send("phat thanh")
    await console.send("hom nay")
    await tg.send("hoi hop")
    await tg.send("hom qua")
    await console.send("3")
    assert "Tổng thời lượng" in console.text
    await tg.send("2")
    assert "Bao nhiêu người dự?" in tg.text
    c = await Identity.get(channel="console", external_id=world.reporter.phone)
    t = await Identity.get(channel="telegram", external_id="tg-1")
    assert c.state["kind"] == "phat_thanh" and c.state["values"]["sessions"] == 3
    assert t.state["kind"] == "hoi_hop" and t.state["values"]["form"] == "Họp thôn/bản"
