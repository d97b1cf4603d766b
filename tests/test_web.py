"""The board's web page read as HTML through aiohttp's test client: login links, the grid, a
unit's reports and photos, documents, the roster, and the scope every URL keeps."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from conftest import Clock
from webdata import RULES, Seeded, good_roster, report, roster_with_bad_row, seed

from bot.config import Settings
from bot.web.auth import COOKIE, HEADERS
from bot.web.board import Board
from factories import Chat, World
from handlers import review_texts as RT
from handlers import reviewing
from handlers import texts as T
from handlers import texts_web as W
from handlers.engine import Engine
from handlers.weblogin import issue_login
from models import (
    Activity,
    AuditEntry,
    DocumentStatus,
    Member,
    Period,
    Unit,
    WebDocument,
    WebLogin,
    WebSession,
)
from models.periods import VN_TZ
from models.review import Closing
from models.tree import add_unit

PUBLIC = "http://baocao.test"


@dataclass
class Site:
    board: Board
    client: TestClient
    clock: Clock
    media: Path
    data: Seeded

    async def link(self, member: Member) -> str:
        url = await issue_login(member.id, self.clock())
        assert url.startswith(PUBLIC + "/web/login/")
        return url.removeprefix(PUBLIC)

    async def login(self, member: Member) -> str:
        """Log in as the member through a fresh link; the grid's HTML."""
        path = await self.link(member)
        page = await self.client.get(path)
        assert page.status == 200 and "data-autosubmit" in await page.text()
        r = await self.client.post(path, allow_redirects=False)
        assert r.status == 303 and r.headers["Location"] == "/web/"
        grid = await self.client.get("/web/")
        assert grid.status == 200
        return await grid.text()

    async def csrf(self, path: str = "/web/documents") -> str:
        html = await (await self.client.get(path)).text()
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        assert m, html[:500]
        return m.group(1)


@pytest.fixture
async def site(world: World, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    media = tmp_path / "media"
    board = Board(RULES, media, PUBLIC, b"test-secret", Settings(_env_file=None), clock)
    app = web.Application()
    board.install(app)
    data = await seed(world, media)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield Site(board, client, clock, media, data)
    finally:
        await board.stop()
        await client.close()


# -- login ---------------------------------------------------------------------------------------


async def test_web_in_the_chat_answers_a_one_time_link(
    site: Site, engine: Engine, world: World
) -> None:
    supervisor = Chat(engine, world.supervisor.phone or "")
    await supervisor.send("/web")
    m = re.search(r"(http://\S+/web/login/\S+)", supervisor.text)
    assert m and len(supervisor.text) <= 300, supervisor.text
    assert await WebLogin.filter(member_id=world.supervisor.id).count() == 1
    reporter = Chat(engine, world.reporter.phone or "")
    await reporter.send("/web")
    assert reporter.text == T.NOT_ALLOWED
    assert await WebLogin.filter(member_id=world.reporter.id).count() == 0
    await supervisor.send("menu")
    assert W.MENU_WEB in supervisor.labels()


async def test_a_link_opens_one_session_with_a_safe_cookie(site: Site, world: World) -> None:
    site.board.sessions.secure = True  # as when PUBLIC_URL is https
    r = await site.client.post(await site.link(world.supervisor), allow_redirects=False)
    assert "Secure" in r.headers["Set-Cookie"]
    site.board.sessions.secure = False  # this test client speaks plain http
    path = await site.link(world.supervisor)
    r = await site.client.post(path, allow_redirects=False)
    cookie = r.headers["Set-Cookie"]
    assert COOKIE in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/web" in cookie and "Max-Age=36000" in cookie
    session = await WebSession.filter(member_id=world.supervisor.id).order_by("-id").first()
    assert session is not None and session.token_hash not in cookie  # only the digest is stored
    assert await AuditEntry.filter(entity="web_session", action="login").count() == 2
    grid = await (await site.client.get("/web/")).text()
    assert "Chi bộ bản Một" in grid and "Quàng Văn Xem" in grid

    # The same link again, in this browser or another: refused with a clear page.
    again = await site.client.post(path, allow_redirects=False)
    assert again.status == 403 and W.LINK_USED in await again.text()
    assert (await site.client.get(path)).status == 403
    assert await WebSession.filter(member_id=world.supervisor.id).count() == 2


async def test_expired_and_tampered_links_are_refused(site: Site, world: World) -> None:
    path = await site.link(world.supervisor)
    site.clock.now += timedelta(minutes=11)
    r = await site.client.get(path)
    assert r.status == 403 and W.LINK_EXPIRED in await r.text()
    r = await site.client.post(path, allow_redirects=False)
    assert r.status == 403 and W.LINK_EXPIRED in await r.text()

    fresh = await site.link(world.supervisor)
    token = fresh.rsplit("/", 1)[1]
    raw, mac = token.split(".")
    for bad in (f"{raw[:-1]}x.{mac}", f"{raw}.{mac[:-2]}zz", raw, "abc"):
        r = await site.client.post(f"/web/login/{bad}", allow_redirects=False)
        assert r.status == 403 and W.LINK_BAD in await r.text(), bad
    assert await WebSession.all().count() == 0


async def test_a_session_ends_at_logout_and_after_a_working_day(site: Site, world: World) -> None:
    await site.login(world.supervisor)
    csrf = await site.csrf()
    r = await site.client.post("/web/logout", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303
    assert (await WebSession.get(member_id=world.supervisor.id)).ended_at is not None
    r = await site.client.get("/web/", allow_redirects=False)
    assert r.status == 302 and r.headers["Location"] == "/web/logged-out"

    await site.login(world.supervisor)
    site.clock.now += timedelta(hours=10, minutes=1)
    r = await site.client.get("/web/documents", allow_redirects=False)
    assert r.status == 302
    assert await AuditEntry.filter(entity="web_session", action="logout").count() == 1


async def test_no_cookie_sees_nothing(site: Site) -> None:
    for path in ("/web/", "/web/documents", "/web/roster", "/web/directives", "/web/u/1/2026-10"):
        r = await site.client.get(path, allow_redirects=False)
        assert r.status == 302, path


# -- the grid and a unit -------------------------------------------------------------------------


def cell(html: str, unit: Unit, month: str) -> str:
    m = re.search(
        rf'<td class="([\w ]+)"(?: title="[^"]*")?><a href="/web/u/{unit.id}/{month}">([^<]*)</a>',
        html,
    )
    assert m, (unit.name, month)
    return f"{m.group(1)} {m.group(2)}"


async def test_the_grid_shows_the_subtree_by_month(site: Site, world: World) -> None:
    html = await site.login(world.supervisor)
    c1, c2, c3 = world.cells
    # Reports saved before reviews existed count as approved (the seeded ones have no review).
    assert cell(html, c1, "2026-10") == "ok ap ✓"  # on time
    assert cell(html, c2, "2026-10") == "late ap M"  # after the 5th of November
    assert cell(html, c1, "2026-11") == "ok ap ✓"  # November's first report, before its deadline
    assert cell(html, c2, "2026-11") == "nd ·"  # not due until 05/12
    assert cell(html, c1, "2026-09") == "miss ✗"
    assert cell(html, world.commune, "2026-10") == "ok 2/2"
    assert cell(html, world.commune, "2026-09") == "miss 0/2"
    assert "Chi bộ bản Ba" not in html and world.other_commune.name not in html
    r = await site.client.get("/web/")
    for name, value in HEADERS.items():
        assert r.headers[name] == value
    css = await site.client.get("/web/static/board.css")
    assert css.status == 200 and css.headers["Cache-Control"] == "public, max-age=3600"
    assert css.headers["X-Content-Type-Options"] == "nosniff"

    admin = await site.login(world.admin)
    assert cell(admin, world.province, "2026-10") == "late 2/3"
    assert cell(admin, world.province, "2026-11") == "nd 2/3"
    assert cell(admin, world.other_commune, "2026-10") == "miss 0/1"
    # The communes' cells come when a commune is opened (or with "open every level").
    assert "Chi bộ bản Ba" not in admin
    x2 = world.other_commune.id
    assert f'data-id="{x2}" class="l1 g" data-load' in admin
    rows = await (await site.client.get(f"/web/rows?nam=2026&dv={x2}&l=1")).text()
    assert cell(rows, c3, "2026-10") == "miss ✗" and 'data-l="2"' in rows
    assert "Chi bộ bản Một" not in rows and "<html" not in rows
    everything = await (await site.client.get("/web/?mo=1")).text()
    assert cell(everything, c3, "2026-10") == "miss ✗" and cell(everything, c1, "2026-10")
    # The filter by subtree and year.
    only = await (await site.client.get(f"/web/?nam=2025&dv={world.other_commune.id}")).text()
    assert "Chi bộ bản Ba" in only and "Chi bộ bản Một" not in only
    assert cell(only, c3, "2025-10") == "miss ✗"


async def test_a_unit_page_shows_every_field_the_photo_and_the_history(
    site: Site, world: World
) -> None:
    await site.login(world.supervisor)
    html = await (await site.client.get(f"/web/u/{world.cells[0].id}/2026-11")).text()
    a = site.data.photo_activity
    assert a.receipt in html and "Lò Văn Thử" in html
    assert "45 phút" in html and "bản Một" in html  # the fields, as edited
    assert "Phát thanh loa" in html
    src = f"/web/photo/{a.id}/{site.data.photo_sha}"
    assert f'<img src="{src}"' in html
    assert "Sửa" in html and "30 phút → 45 phút" in html  # the history from the audit trail
    photo = await site.client.get(src)
    assert photo.status == 200 and photo.headers["Content-Type"] == "image/png"
    assert (await photo.read()).startswith(b"\x89PNG")
    commune = await (await site.client.get(f"/web/u/{world.commune.id}/2026-10")).text()
    assert "Chi bộ bản Hai" in commune and "Muộn" not in commune.split("<h2>")[0]


async def test_the_grid_and_unit_page_show_approval_send_back_and_closing(
    site: Site, world: World
) -> None:
    """A unit-month reads approved only when all its live reports are; a commune's closed
    period is marked on its cell; the unit page shows each report's review and its history."""
    c1, c2, _ = world.cells
    now = site.clock()
    october = await Activity.get(unit_id=c1.id, activity_date__lt=date(2026, 11, 1))
    late = await Activity.get(unit_id=c2.id, activity_date__lt=date(2026, 11, 1))
    mine = site.data.photo_activity  # C1, November
    for a in (october, late, mine):
        await reviewing.submitted(a, a.reporter_id, now, [])
    assert (await reviewing.approve(october.id, october.version, world.supervisor, now)).done
    sent = await reviewing.send_back(late.id, late.version, world.supervisor, "thiếu ảnh", now)
    assert sent.done
    period = await Period.get(id=october.period_id)
    await Closing.create(unit=world.commune, period=period, member=world.supervisor, changed_at=now)

    html = await site.login(world.supervisor)
    assert cell(html, c1, "2026-10") == "ok ap ✓"  # approved
    assert cell(html, c2, "2026-10") == "late M"  # sent back: not approved
    assert cell(html, c1, "2026-11") == "ok ✓"  # waiting
    assert cell(html, world.commune, "2026-10") == "ok cl 2/2"  # the commune closed October
    assert cell(html, world.commune, "2026-11").startswith("nd ")  # November is open
    assert f'title="{W.GRID_CLOSED}"><a href="/web/u/{world.commune.id}/2026-10"' in html
    assert f'title="{W.GRID_APPROVED}"><a href="/web/u/{c1.id}/2026-10"' in html
    legend = html.split('class="legend"')[1].split("</ul>")[0]
    assert W.GRID_APPROVED in legend and W.GRID_CLOSED in legend

    page = await (await site.client.get(f"/web/u/{c2.id}/2026-10")).text()
    assert RT.STATE_NAMES["returned"] in page and "Lý do trả lại: thiếu ảnh" in page
    assert world.supervisor.name in page
    assert W.HISTORY_ACTIONS["send_back"] in page  # the history from the audit trail
    assert W.UNIT_CLOSED.format(unit=world.commune.name) in page
    page = await (await site.client.get(f"/web/u/{c1.id}/2026-10")).text()
    assert RT.STATE_NAMES["approved"] in page and W.HISTORY_ACTIONS["approve"] in page
    page = await (await site.client.get(f"/web/u/{c1.id}/2026-11")).text()
    closed = W.UNIT_CLOSED.format(unit=world.commune.name)
    assert RT.STATE_NAMES["pending"] in page and closed not in page


async def test_another_communes_unit_report_photo_and_document_are_not_found(
    site: Site, world: World
) -> None:
    await site.login(world.supervisor)
    other = site.data.other_activity
    for path in (
        f"/web/u/{world.cells[2].id}/2026-11",
        f"/web/u/{world.other_commune.id}/2026-11",
        f"/web/u/{world.province.id}/2026-11",
        f"/web/photo/{other.id}/{site.data.other_sha}",
        f"/web/photo/{site.data.photo_activity.id}/{site.data.other_sha}",
        f"/web/documents/{site.data.other_document.id}/file",
        f"/web/?dv={world.other_commune.id}",
        f"/web/rows?nam=2026&dv={world.other_commune.id}&l=0",
        "/web/u/999999/2026-11",
        "/web/u/abc/2026-11",
    ):
        r = await site.client.get(path)
        assert r.status == 404, path
        assert W.NOT_FOUND in await r.text()
    # The admin of the province sees them.
    await site.login(world.admin)
    assert (await site.client.get(f"/web/photo/{other.id}/{site.data.other_sha}")).status == 200
    r = await site.client.get(f"/web/documents/{site.data.other_document.id}/file")
    assert r.status == 200


# -- documents -----------------------------------------------------------------------------------


async def test_a_month_workbook_is_built_then_downloaded(site: Site, world: World) -> None:
    await site.login(world.supervisor)
    csrf = await site.csrf()
    r = await site.client.post(
        "/web/documents",
        data={"csrf": csrf, "kind": "month", "month": "2026-10"},
        allow_redirects=False,
    )
    assert r.status == 303
    doc = await WebDocument.get(kind="month", unit_id=world.commune.id)
    await site.board.documents.settled()
    doc = await WebDocument.get(id=doc.id)
    assert doc.status == DocumentStatus.READY, doc.summary
    html = await (await site.client.get("/web/documents")).text()
    assert "tháng 10/2026" in html and f"/web/documents/{doc.id}/file" in html
    assert "2 đơn vị, 2 hoạt động, 0 chưa báo cáo" in html
    r = await site.client.get(f"/web/documents/{doc.id}/file")
    assert r.status == 200 and (await r.read()).startswith(b"PK")
    assert "attachment" in r.headers["Content-Disposition"]
    assert await AuditEntry.filter(entity="web_document", action="request").count() == 1


async def test_a_quarter_review_with_its_word_report(site: Site, world: World) -> None:
    """Sơ kết quý: the workbook and the narrative .docx, both downloaded; a quarter not yet begun
    is refused with a clear answer."""
    await site.login(world.supervisor)
    csrf = await site.csrf()
    form = {"csrf": csrf, "kind": "review", "span": "quý 4/2026", "docx": "1"}
    r = await site.client.post("/web/documents", data=form, allow_redirects=False)
    assert r.status == 303
    await site.board.documents.settled()
    doc = await WebDocument.get(kind="review")
    assert doc.status == DocumentStatus.READY, doc.summary
    assert doc.label == "quý IV/2026" and doc.unit_id == world.commune.id
    html = await (await site.client.get("/web/documents")).text()
    assert f"/web/documents/{doc.id}/word" in html
    r = await site.client.get(f"/web/documents/{doc.id}/file")
    assert r.status == 200 and (await r.read()).startswith(b"PK")
    r = await site.client.get(f"/web/documents/{doc.id}/word")
    assert r.status == 200 and "wordprocessingml" in r.headers["Content-Type"]
    assert (await r.read()).startswith(b"PK")
    for span in ("quý 1/2027", "quý 9/2026", "bất kỳ"):
        bad = {"csrf": csrf, "kind": "review", "span": span}
        r = await site.client.post("/web/documents", data=bad, allow_redirects=False)
        assert r.status == 400 and W.DOC_BAD_SPAN in await r.text()
    assert await WebDocument.filter(kind="review").count() == 1


async def test_a_date_range_and_bad_requests(site: Site, world: World) -> None:
    await site.login(world.supervisor)
    csrf = await site.csrf()
    form = {"csrf": csrf, "kind": "range", "from": "2026-10-01", "to": "2026-11-20"}
    assert (
        await site.client.post("/web/documents", data=form, allow_redirects=False)
    ).status == 303
    await site.board.documents.settled()
    doc = await WebDocument.get(kind="range")
    assert doc.status == DocumentStatus.READY and doc.label == "01/10/2026 - 20/11/2026"
    assert "3 hoạt động" in doc.summary
    for bad, error in (
        ({"kind": "range", "from": "2026-11-20", "to": "2026-10-01"}, W.DOC_BAD_RANGE),
        ({"kind": "month", "month": "2027-01"}, W.DOC_BAD_MONTH),
        ({"kind": "month", "month": "tháng mười"}, W.DOC_BAD_MONTH),
        ({"kind": "directive", "directive": "1"}, W.DOC_BAD_DIRECTIVE),
    ):
        r = await site.client.post("/web/documents", data={"csrf": csrf, **bad})
        assert r.status == 400 and error in await r.text(), bad
    # No CSRF token, or another's: refused, nothing built.
    for token in ("", "forged"):
        r = await site.client.post(
            "/web/documents", data={"csrf": token, "kind": "month", "month": "2026-10"}
        )
        assert r.status == 403
    assert await WebDocument.filter(unit_id=world.commune.id).count() == 1


# -- roster --------------------------------------------------------------------------------------


async def test_a_roster_with_a_bad_row_changes_nothing(
    site: Site, world: World, tmp_path: Path
) -> None:
    await site.login(world.admin)
    csrf = await site.csrf("/web/roster")
    before = await Unit.all().count(), await Member.all().count()
    bad = roster_with_bad_row(tmp_path / "bad.xlsx")
    r = await site.client.post("/web/roster", data={"csrf": csrf, "file": bad.open("rb")})
    html = await r.text()
    assert r.status == 400 and "NguoiDung dòng 3" in html and "12345" in html
    assert (await Unit.all().count(), await Member.all().count()) == before
    assert await AuditEntry.filter(entity="roster", action="import_failed").count() == 1

    text_file = tmp_path / "danhsach.xlsx"
    text_file.write_text("không phải Excel")
    r = await site.client.post("/web/roster", data={"csrf": csrf, "file": text_file.open("rb")})
    assert r.status == 400 and W.ROSTER_NOT_XLSX in await r.text()

    good = good_roster(tmp_path / "good.xlsx")
    r = await site.client.post("/web/roster", data={"csrf": csrf, "file": good.open("rb")})
    html = await r.text()
    assert r.status == 200 and W.ROSTER_DONE in html
    assert await Member.filter(phone="0900000199").exists()
    invites = await WebDocument.get(kind="invites")
    assert f"/web/documents/{invites.id}/file" in html
    sheet = await site.client.get(f"/web/documents/{invites.id}/file")
    assert sheet.status == 200 and (await sheet.read()).startswith(b"PK")
    template = await site.client.get("/web/roster/template")
    assert template.status == 200 and (await template.read()).startswith(b"PK")


async def test_the_roster_is_for_admins_only(site: Site, world: World, tmp_path: Path) -> None:
    await site.login(world.supervisor)
    csrf = await site.csrf()
    assert (await site.client.get("/web/roster")).status == 403
    good = good_roster(tmp_path / "good.xlsx")
    r = await site.client.post("/web/roster", data={"csrf": csrf, "file": good.open("rb")})
    assert r.status == 403
    assert not await Member.filter(phone="0900000199").exists()


async def test_directives_page_lists_the_scopes_directives(site: Site, world: World) -> None:
    from models import Directive

    d = await Directive.create(
        unit=world.commune,
        number="5-HD/DU",
        issued_on=site.clock().date(),
        title="Tuyên truyền phòng chống cháy rừng",
        starts_on=site.clock().date(),
        ends_on=site.clock().date() + timedelta(days=30),
    )
    await site.login(world.supervisor)
    html = await (await site.client.get("/web/directives")).text()
    assert "5-HD/DU" in html and "phòng chống cháy rừng" in html
    csrf = await site.csrf()
    r = await site.client.post(
        "/web/documents",
        data={"csrf": csrf, "kind": "directive", "directive": str(d.id)},
        allow_redirects=False,
    )
    assert r.status == 303
    await site.board.documents.settled()
    doc = await WebDocument.get(kind="directive")
    assert doc.status == DocumentStatus.READY and doc.label == "5-HD/DU"


async def test_a_build_cut_short_by_a_restart_shows_as_failed(site: Site, world: World) -> None:
    doc = await WebDocument.create(
        kind="month", label="tháng 10/2026", unit=world.commune, file_name="month_lost.xlsx"
    )
    await WebDocument.filter(id=doc.id).update(created_at=site.clock() - timedelta(hours=1))
    await site.login(world.supervisor)
    html = await (await site.client.get("/web/documents")).text()
    assert W.DOCS_FAILED in html and 'http-equiv="refresh"' not in html
    assert (await WebDocument.get(id=doc.id)).status == DocumentStatus.FAILED
    assert (await site.client.get(f"/web/documents/{doc.id}/file")).status == 404


async def test_the_deadline_day_ends_at_midnight_in_vietnam(site: Site, world: World) -> None:
    """The groups' counts (counted by the database) and a cell's status (read in Python) agree
    on the last minute of the deadline day, 05/11 23:59 in Vietnam, and the first one after."""
    last = await add_unit("C8", "Chi bộ bản Tám", world.commune)
    after = await add_unit("C9", "Chi bộ bản Chín", world.commune)
    await report(
        last, world.reporter.id, date(2026, 10, 30), datetime(2026, 11, 5, 23, 59, tzinfo=VN_TZ)
    )
    await report(
        after, world.reporter.id, date(2026, 10, 30), datetime(2026, 11, 6, 0, 1, tzinfo=VN_TZ)
    )
    html = await site.login(world.supervisor)
    assert cell(html, last, "2026-10") == "ok ap ✓"
    assert cell(html, after, "2026-10") == "late ap M"
    # C1 in October and November and C8 on time; C2 and C9 late.
    assert re.search(r"Đúng hạn: <b>3</b>", html) and re.search(r"Muộn: <b>2</b>", html)
    assert cell(html, world.commune, "2026-10") == "ok 4/4"
    province = await (await site.client.get(f"/web/?dv={world.province.id}")).text()
    assert W.NOT_FOUND in province  # the province is above the supervisor
