"""One character never blocks a month's exports: every odd kind of character a phone (or a
forger) can send is cleaned at the engine's door, stored on either database, and exported."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from conftest import RULES
from openpyxl import load_workbook

from exports.lines import Letterhead
from exports.report import ReportScope, write_report
from exports.safety import writable
from factories import Chat, World
from handlers import texts as T
from handlers.clean import clean_text
from handlers.engine import Engine
from handlers.messages import Incoming
from handlers.registration import issue_invite
from models import Activity, Identity
from models.periods import period_for

# Each class of character that has broken, or could break, a database or a workbook.
ODD = {
    "lone surrogate": "Cụm loa \udfff",
    "high surrogate": "\ud800Bản Một",
    "NUL": "Nà\x00 Khum",
    "C0 controls": "Loa\x01\x08\x0b\x0c\x1b trung tâm",
    "DEL and C1": "Loa\x7f\x85\x9f bản",
    "XML non-characters": "Loa \ufffe\uffff",
    "BOM and zero width": "\ufeffLoa\u200b\u200d bản",
    "bidi override": "Loa \u202ebản\u202c",
    "combining alone": "\u0301\u0323Loa",
    "astral": "Loa 👍🏽 𠀀 𝔘",
    "private use": "Loa \ue000",
    "formula start": '=HYPERLINK("x")',
    "tab and newline": "Loa\tbản\nMột",
}


async def test_odd_characters_are_cleaned_stored_and_exported(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    chat = Chat(engine, world.reporter.phone)
    for name, place in ODD.items():
        await chat.send("phat thanh")
        await chat.send("hom nay")
        await chat.send("2")
        await chat.send("45")
        await chat.send("1")
        await chat.send(place)
        await chat.send(place)  # the note, at the summary
        await chat.send("luu")
        assert "Đã lưu BC-" in chat.text, (name, chat.text)
        assert T.TRY_AGAIN not in chat.text
    stored = [a.data["place"] for a in await Activity.all().order_by("id")]
    # Cleaned, and in the NFC form the parser keeps text in.
    assert stored == [unicodedata.normalize("NFC", clean_text(p)).strip() for p in ODD.values()]
    for text in stored:  # what is stored is plain UTF-8 now
        text.encode("utf-8")
    assert "\udfff" not in stored[0] and stored[0] == "Cụm loa"
    period = await period_for(date(2026, 11, 20), RULES)
    scope = ReportScope(period.start, period.end, period, None, "tháng 11/2026")
    result = await write_report(
        tmp_path / "bc.xlsx", scope, Letterhead("BAN TUYÊN GIÁO", "Sơn Lâm"), date(2026, 11, 20)
    )
    assert result.activities == len(ODD)
    book = load_workbook(result.path)
    cells = {
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    }
    for text in stored:
        assert text in cells, text


async def test_strings_stored_by_other_ways_still_export(
    engine: Engine, world: World, tmp_path: Path
) -> None:
    """Text that reached the database without the engine (an import, an older version) is
    written without what XML cannot carry, never failing the workbook."""
    chat = Chat(engine, world.reporter.phone)
    await chat.send("phat thanh")
    for answer in ("hom nay", "2", "45", "1", "Cụm loa", "bo qua", "bo qua", "luu"):
        await chat.send(answer)
    activity = await Activity.get()
    # SQLite stores what PostgreSQL refuses (NUL, lone surrogates in JSON): write the worst
    # each database takes.
    odd = "Loa\x01\x1f\ufffe bản"
    await Activity.filter(id=activity.id).update(data={**activity.data, "place": odd})
    period = await period_for(date(2026, 11, 20), RULES)
    scope = ReportScope(period.start, period.end, period, None, "tháng 11/2026")
    result = await write_report(
        tmp_path / "bc.xlsx", scope, Letterhead("BAN", ""), date(2026, 11, 20)
    )
    book = load_workbook(result.path)
    cells = {
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    }
    assert writable(odd) in cells and writable(odd) == "Loa bản"


def test_the_cleaners_keep_what_is_fine() -> None:
    for text in ("Nà Khum", "Loa\tbản\nMột", "👍🏽 𠀀", "\u202eabc", "\ue000", "=1+1"):
        assert clean_text(text) == text and writable(text) == text


async def test_a_newcomers_odd_display_name_is_stored_clean(engine: Engine, world: World) -> None:
    invite = await issue_invite(world.other_reporter, engine.clock(), 30)
    await engine.handle(
        Incoming("zalo_bot", "z1", account="b1", text=invite.code, display_name="Giả\udfff\x00")
    )
    ident = await Identity.get(channel="zalo_bot", external_id="z1")
    assert ident.display_name == "Giả"
