"""Directives from the command line and an Excel sheet, and delivery by real second processes:
`baocao directive import|add`, `baocao remind --now` run twice, `baocao export --directive`."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook, load_workbook

from factories import World
from handlers.directive_io import HEADERS, SHEET
from models import Directive, DirectiveTopic, Media, Outbox, OutboxStatus
from models.periods import VN_TZ

PDF = b"%PDF-1.4\n% thu nghiem\n%%EOF\n"


def _baocao(
    db_url: str, media: Path, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "MEDIA_DIR": str(media),
        "LOG_LEVEL": "WARNING",
        "QUIET_HOURS": "0-0",  # whatever the hour the test runs at
        "DAYS_OFF": "",
        "HOLIDAYS": "",
        "TELEGRAM_BOT_TOKEN": "",
        "ZALO_BOT_TOKENS": "",
        "ZALO_OA_ID": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=check,
    )


def _sheet(path: Path, rows: list[list[object]]) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)


def _today() -> str:
    return datetime.now(UTC).astimezone(VN_TZ).strftime("%d/%m/%Y")


def _later(days: int) -> str:
    return (datetime.now(UTC).astimezone(VN_TZ) + timedelta(days=days)).strftime("%d/%m/%Y")


async def test_an_excel_sheet_of_directives_is_checked_whole_then_sent_once_by_each_process(
    db: str, world: World, tmp_path: Path
) -> None:
    (tmp_path / "hd.pdf").write_bytes(PDF)
    sheet = tmp_path / "huong-dan.xlsx"
    good = [
        "22-HD/DUX",
        _today(),
        "T",
        "Tuyên truyền chuyển đổi số",
        "Phát loa 1 buổi/tuần.",
        "Chuyển đổi số ở bản; Giải Búa liềm vàng",
        _today(),
        _later(30),
        "hd.pdf",
    ]
    bad = ["23-HD/DUX", _today(), "KHONGCO", "Tên", "", "Chủ đề", _later(30), _today(), ""]
    _sheet(sheet, [good, bad])
    failed = _baocao(db, tmp_path / "media", "directive", "import", str(sheet), check=False)
    assert failed.returncode == 1
    assert "HuongDan dòng 3: không có đơn vị mã “KHONGCO”." in failed.stdout
    assert await Directive.all().count() == 0 and await Outbox.all().count() == 0

    _sheet(sheet, [good])
    done = _baocao(db, tmp_path / "media", "directive", "import", str(sheet))
    assert "22-HD/DUX: xếp lịch gửi tới 3 người" in done.stdout  # two reporters, a supervisor
    d = await Directive.get(number="22-HD/DUX")
    assert await DirectiveTopic.filter(directive=d).count() == 2
    media = await Media.get(id=d.file_id)
    assert (tmp_path / "media" / media.path).read_bytes() == PDF

    # Two processes in turn: the first sends to everyone on the console, the second nothing.
    first = _baocao(db, tmp_path / "media", "remind", "--now")
    assert first.stdout.count("Hướng dẫn số 22-HD/DUX") == 3
    assert first.stdout.count("📎") == 3
    second = _baocao(db, tmp_path / "media", "remind", "--now")
    assert "Hướng dẫn số 22-HD/DUX" not in second.stdout
    assert await Outbox.filter(category="directive", status=OutboxStatus.SENT).count() == 3

    # The same number again from the command line is refused, and writes nothing.
    again = _baocao(
        db,
        tmp_path / "media",
        "directive",
        "add",
        "--number",
        "22-hd/dux",
        "--date",
        _today(),
        "--unit",
        "T",
        "--title",
        "Khác",
        "--topics",
        "Khác",
        "--from",
        _today(),
        "--to",
        _later(5),
        check=False,
    )
    assert again.returncode == 1 and "Đã có văn bản số 22-HD/DUX" in again.stdout
    assert await Directive.all().count() == 1

    out = tmp_path / "ket-qua.xlsx"
    result = _baocao(db, tmp_path / "media", "export", "--directive", "22-HD/DUX", "-o", str(out))
    assert "0 hoạt động của 0/3 đơn vị; 0/3 người đã nhận" in result.stdout
    acks = [r for r in load_workbook(out)["Xác nhận đã nhận"].iter_rows(values_only=True)]
    assert [r[1] for r in acks[2:]] == ["Quàng Văn Xem", "Lò Văn Thử", "Tòng Thị Giả"]
    assert all(r[3] == "đã gửi" and r[4] == "Chưa xác nhận" for r in acks[2:])
