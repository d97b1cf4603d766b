"""Scripted console sessions: the whole conversation as a person types it in a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from bot.channels.console import run_console
from factories import World
from handlers.engine import Engine
from handlers.registration import issue_invite
from models import Activity, AuditEntry, Identity, NilReport


async def talk(engine: Engine, who: str, script: str) -> str:
    out = io.StringIO()
    lines = [line for line in script.strip().splitlines()]
    await run_console(engine, who, lines, out)
    return out.getvalue()


async def test_console_broadcast_report(engine: Engine, world: World) -> None:
    out = await talk(
        engine,
        world.reporter.phone,
        """
        1
        12/11
        4
        2 tiếng
        1, 2
        Loa bản Một
        Phát cả tiếng Thái
        1
    """,
    )
    assert "Đã lưu BC-000001" in out
    a = await Activity.get()
    assert a.activity_date == date(2026, 11, 12)
    assert a.data["sessions"] == 4 and a.data["minutes"] == 120  # "2 tiếng" is 120 minutes
    assert a.data["topics"] == ["nq_dh13", "kl_21"]
    assert a.data["note"] == "Phát cả tiếng Thái"
    assert a.data.get("photos") in (None, [])


async def test_console_visual_report(engine: Engine, world: World) -> None:
    out = await talk(
        engine,
        world.reporter.phone,
        """
        co dong truc quan
        hom nay
        2 pano, 3 khẩu hiệu
        Ngã ba đầu bản
        giai bua liem vang
        luu bao cao
    """,
    )
    assert "Đã lưu BC-000001 (Cổ động trực quan" in out
    a = await Activity.get().select_related("kind")
    assert a.kind.code == "co_dong"
    assert a.data["forms"] == {"Panô": 2, "Khẩu hiệu": 3}
    assert a.data["topics"] == ["bua_liem"]


async def test_console_meeting_report(engine: Engine, world: World) -> None:
    out = await talk(
        engine,
        world.reporter.phone,
        """
        3
        20/11/2026
        hop thon ban
        45 người
        1 tiếng rưỡi
        Nghị quyết 21
        1
    """,
    )
    assert "Đã lưu BC-000001 (Hội họp, sinh hoạt" in out
    a = await Activity.get().select_related("kind")
    assert a.kind.code == "hoi_hop"
    assert a.data["form"] == "Họp thôn/bản" and a.data["attendees"] == 45
    assert a.data["minutes"] == 90
    assert a.data["topics"] == ["nq_21"]


async def test_console_nil_report(engine: Engine, world: World) -> None:
    # On 20/11 October is locked (deadline 05/11, locked from 16/11): only November is offered,
    # so the bot asks to confirm straight away.
    out = await talk(
        engine,
        world.reporter.phone,
        """
        khong phat sinh
        1
    """,
    )
    assert "không có hoạt động tuyên truyền nào trong tháng 11/2026" in out
    assert "Đã ghi nhận Chi bộ bản Một không phát sinh" in out
    nil = await NilReport.get().select_related("period", "unit")
    assert nil.unit.id == world.cells[0].id and nil.period.start == date(2026, 11, 1)
    assert await AuditEntry.filter(entity="nil_report", action="create").count() == 1


async def test_console_registration_with_invite_code(engine: Engine, world: World) -> None:
    identities = await Identity.all().count()
    invite = await issue_invite(world.other_reporter, engine.clock(), 30)
    out = await talk(
        engine,
        "guest-1",
        f"""
        xin chao
        ABCD-EFGH
        ABC123
        {invite.code[:4].lower()} {invite.code[4:].lower()}
        6
    """,
    )
    assert "hãy gửi mã mời" in out
    assert "Mã mời “ABCD-EFGH” không đúng" in out
    # A code typed wrong is told so, not greeted again as a stranger.
    answer = out.split("ABC123\n")[1].split("\n> ")[0]
    assert "Mã mời “ABC123” không đúng" in answer and "hãy gửi mã mời" not in answer
    assert "Chào Tòng Thị Giả! Bạn đã được ghi nhận là người báo cáo của Chi bộ bản Hai." in out
    assert "Báo cáo các kỳ đang mở" in out or "chưa có báo cáo nào" in out
    assert await Identity.all().count() == identities + 1
    ident = await Identity.get(external_id="guest-1").select_related("member")
    assert ident.member.id == world.other_reporter.id
    await invite.refresh_from_db()
    assert invite.used_at is not None and invite.used_by_id == ident.id


async def _one_saved_broadcast(engine: Engine, who: str) -> None:
    await talk(
        engine,
        who,
        """
        1
        hom nay
        2
        30
        1
        Loa bản
        1
    """,
    )


async def test_console_edit_a_saved_report(engine: Engine, world: World) -> None:
    await _one_saved_broadcast(engine, world.reporter.phone)
    out = await talk(
        engine,
        world.reporter.phone,
        """
        bao cao cua toi
        1
        sua
        so buoi
        5 buổi
        luu thay doi
    """,
    )
    assert "Đã lưu thay đổi báo cáo BC-000001 (lần sửa 2)" in out
    a = await Activity.get()
    assert a.data["sessions"] == 5 and a.version == 2
    edit = await AuditEntry.get(entity="activity", action="edit")
    assert edit.before["sessions"] == 2 and edit.after["sessions"] == 5


async def test_console_delete_a_saved_report(engine: Engine, world: World) -> None:
    await _one_saved_broadcast(engine, world.reporter.phone)
    out = await talk(
        engine,
        world.reporter.phone,
        """
        6
        1
        xoa
        1
    """,
    )
    assert "Đã xóa báo cáo BC-000001" in out
    a = await Activity.get()
    assert a.deleted_at is not None
    assert await AuditEntry.filter(entity="activity", action="delete").count() == 1


async def test_console_cancel_halfway_saves_nothing(engine: Engine, world: World) -> None:
    out = await talk(
        engine,
        world.reporter.phone,
        """
        1
        hom nay
        3
        huy
    """,
    )
    assert "Đã hủy. Không có gì được lưu." in out
    assert await Activity.all().count() == 0
    ident = await Identity.get(external_id=world.reporter.phone)
    assert ident.flow == "menu"


async def test_console_back_goes_to_the_previous_question(engine: Engine, world: World) -> None:
    out = await talk(
        engine,
        world.reporter.phone,
        """
        1
        hom nay
        3
        quay lai
        4
        60
    """,
    )
    assert out.count("Phát bao nhiêu buổi") == 2
    ident = await Identity.get(external_id=world.reporter.phone)
    assert ident.state["values"]["sessions"] == 4 and ident.state["values"]["minutes"] == 60


def _cli(db_url: str, media: Path, script: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": db_url, "MEDIA_DIR": str(media), "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", *args],
        input="\n".join(line.strip() for line in script.strip().splitlines()) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


async def test_console_resumes_after_the_process_restarts(
    db: str, world: World, tmp_path: Path
) -> None:
    """The real `baocao chat` process stops halfway through a report; a new one carries on."""
    first = _cli(
        db,
        tmp_path,
        """
        1
        hom qua
        6
    """,
        "--as",
        world.reporter.phone,
    )
    assert "Tổng thời lượng phát bao nhiêu phút?" in first
    assert await Activity.all().count() == 0
    second = _cli(
        db,
        tmp_path,
        """
        150
        1
        Loa bản Một
        1
    """,
        "--as",
        world.reporter.phone,
    )
    # Greeted with the question it stopped at, not a fresh menu.
    assert second.index("đang làm dở báo cáo Phát thanh loa") < second.index("> 150")
    assert "Đã lưu BC-000001" in second
    a = await Activity.get()
    assert a.data["sessions"] == 6 and a.data["minutes"] == 150
