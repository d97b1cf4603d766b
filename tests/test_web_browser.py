"""The board's page in a real headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium): the login link arrives through the fake Telegram server, then a person reads the grid,
opens a report and its photo, downloads a workbook, uploads a roster with a bad row; and a
commune's supervisor cannot open another commune's pages.

One browser serves the whole module. Set BAOCAO_SCREENSHOTS=docs to refresh the README's
screenshots."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import Clock
from openpyxl import load_workbook
from test_telegram import Harness, free_port, start_channel
from webdata import RULES, Seeded, nil_report, report, roster_with_bad_row, seed, vn

from bot.config import Settings
from bot.sender import OutboxSender
from bot.web import WebServer
from bot.web.board import Board
from factories import World
from fakes.telegram_server import FakeTelegram, FakeUser
from handlers import reviewing
from handlers import texts_web as W
from handlers.engine import Engine
from handlers.registration import link_identity
from handlers.reminders import ReminderPlan
from models import Activity, Member, Period
from models.review import Closing, Review, ReviewState
from models.tree import add_unit

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
DESKTOP = (1280, 900)
PHONE = (360, 780)
SECRETARY_TG = 8103


def _missing() -> str:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.path.exists(path):
            return f"{path} is missing (apt-get install chromium chromium-driver)"
    return ""


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    options.add_argument("--lang=vi-VN")
    downloads = tmp_path_factory.mktemp("downloads")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    d.downloads = downloads
    yield d
    d.quit()


class Browser:
    """The blocking WebDriver run in a thread: the server under test shares this event loop."""

    def __init__(self, driver: Any, shots: Path) -> None:
        self.d = driver
        self.shots = shots

    async def do(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    async def get(self, url: str) -> None:
        await self.do(self.d.get, url)

    async def find(self, css: str, within: float = 15) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        wait = WebDriverWait(self.d, within)
        return await self.do(wait.until, EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    async def text(self) -> str:
        return str(await self.do(lambda: self.d.find_element("css selector", "body").text))

    async def shot(self, name: str, size: tuple[int, int]) -> None:
        await self.do(self.d.set_window_size, *size)
        await asyncio.sleep(0.2)
        await self.do(self.d.save_screenshot, str(self.shots / f"{name}.png"))
        await self.do(self.d.set_window_size, *DESKTOP)


@dataclass
class Site:
    tg: Harness
    server: WebServer
    b: Browser
    data: Seeded

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("BAOCAO_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
async def site(
    engine: Engine, world: World, clock: Clock, shots: Path, driver: Any
) -> AsyncIterator[Site]:
    media = engine.media_dir
    data = await seed(world, media)
    await more_units(world)
    fake = FakeTelegram()
    await fake.start()
    port = free_port()
    server = WebServer("127.0.0.1", port)
    board = Board(
        RULES,
        media,
        f"http://127.0.0.1:{port}",
        b"browser-secret",
        Settings(_env_file=None),
        clock,
    )
    board.install(server.app)
    await server.start()
    tg = await start_channel(engine, fake)
    browser = Browser(driver, shots)
    try:
        yield Site(tg, server, browser, data)
    finally:
        await browser.get(f"http://127.0.0.1:{port}/web/logged-out")
        await browser.do(driver.delete_all_cookies)
        await tg.channel.stop()
        await server.stop()
        await board.stop()
        await fake.stop()


async def more_units(world: World) -> None:
    """A few more cells with a year of reports, so that the grid looks like a real one."""
    names = ["Chi bộ bản Nà Khum", "Chi bộ bản Phiêng Lọng", "Chi bộ bản Co Muông"]
    for i, name in enumerate(names):
        parent = world.commune if i < 2 else world.other_commune
        unit = await add_unit(f"CX{i}", name, parent)
        for month in range(1, 11):
            pattern = (month + i * 3) % 7
            if pattern in (0, 1, 2, 3):
                received = vn(2026, month, 20) if pattern else vn(2026, month + 1, 9)
                await report(unit, world.reporter.id, date(2026, month, 18), received)
            elif pattern == 4:
                await nil_report(unit, world.reporter.id, date(2026, month, 1), vn(2026, month, 28))


async def link_from_chat(tg: Harness, member_phone: str, member: Any, user_id: int) -> str:
    await link_identity(member, "telegram", str(user_id))
    user = FakeUser(tg.server, user_id, "Xem")
    text = "\n".join(c.text for c in await tg.send(user, user.text("/web")))
    m = re.search(r"(http://\S+/web/login/\S+)", text)
    assert m, text
    return m.group(1)


async def test_an_admin_reads_opens_downloads_and_uploads(
    site: Site, world: World, tmp_path: Path, clock: Clock
) -> None:
    tg, b, data, base = site.tg, site.b, site.data, site.base
    # Some reports waiting for review (the others, saved before reviews, count as approved),
    # and the commune's October closed: the grid shows both.
    for a in await Activity.filter(unit__code="CX1"):
        await reviewing.submitted(a, a.reporter_id, clock(), [])
    october = await Period.get(start=date(2026, 10, 1))
    await Closing.create(unit=world.commune, period=october, changed_at=clock())
    url = await link_from_chat(tg, world.admin.phone or "", world.admin, 8001)
    await b.get(url)  # the page's script sends the login form at once
    await b.find("#grid")
    assert "Tỉnh ủy Thử Nghiệm" in await b.text()
    c1 = world.cells[0]
    # Cells are folded under their commune until it is opened (their rows fetched then).
    assert "Chi bộ bản Một" not in await b.text()
    toggle = await b.find(f'tr[data-p="{world.commune.path}"] button.t')
    await b.do(toggle.click)
    cell = await b.find(f'a[href="/web/u/{c1.id}/2026-10"]')
    assert await b.do(cell.is_displayed)
    # Seeded before reviews existed: approved, and coloured so.
    assert await b.do(lambda: cell.find_element("xpath", "..").get_attribute("class")) == "ok ap"
    closed = await b.find(f'a[href="/web/u/{world.commune.id}/2026-10"]')
    classes = await b.do(lambda: closed.find_element("xpath", "..").get_attribute("class"))
    assert "cl" in classes.split()
    await b.do(toggle.click)  # closed again, then open: no second fetch
    assert not await b.do(cell.is_displayed)
    await b.do(toggle.click)
    assert await b.do(cell.is_displayed)
    await b.shot("web-grid-desktop", DESKTOP)
    await b.shot("web-grid-phone", PHONE)

    # A unit and month: every field, and the photo drawn from this session.
    link = await b.find(f'a[href="/web/u/{c1.id}/2026-11"]')
    await b.do(link.click)
    img = await b.find(".photos img")
    await b.do(lambda: b.d.execute_script("return arguments[0].decode()", img))
    assert await b.do(lambda: b.d.execute_script("return arguments[0].naturalWidth", img)) == 160
    page = await b.text()
    assert data.photo_activity.receipt in page and "45 phút" in page
    await b.shot("web-unit-phone", PHONE)
    history = await b.find("details summary")
    await b.do(history.click)  # the edit from the audit trail: which field, from what to what
    assert "30 phút → 45 phút" in await b.text()
    await b.shot("web-unit-desktop", DESKTOP)

    # A workbook for the month, built while the page shows it pending, then downloaded.
    await b.get(f"{base}/web/documents")
    button = await b.find('form.kind input[value="month"] ~ button')
    await b.do(button.click)
    download = await b.find(".docs li:first-child.ready a[download]", within=60)
    assert "tháng 11/2026" in await b.text()
    await b.shot("web-documents-desktop", DESKTOP)
    await b.do(download.click)
    files: list[Path] = []
    for _ in range(100):
        files = [p for p in b.d.downloads.iterdir() if p.suffix == ".xlsx"]
        if files:
            break
        await asyncio.sleep(0.1)
    assert files, "nothing downloaded"
    book = load_workbook(files[0], read_only=True)
    assert len(book.sheetnames) >= 2  # the summary, a sheet per kind, ...
    book.close()

    # A roster with a bad row: the row's error, and nothing written.
    bad = roster_with_bad_row(tmp_path / "danh_sach.xlsx")
    await b.get(f"{base}/web/roster")
    field = await b.find('input[type="file"]')
    await b.do(field.send_keys, str(bad))
    submit = await b.find("form.upload button[type=submit]")
    await b.do(submit.click)
    await b.find("ul.errors")
    page = await b.text()
    assert "NguoiDung dòng 3" in page and W.ROSTER_ERRORS in page
    await b.shot("web-roster-phone", PHONE)


async def test_a_supervisor_cannot_open_another_communes_pages(site: Site, world: World) -> None:
    tg, b, data, base = site.tg, site.b, site.data, site.base
    url = await link_from_chat(tg, world.supervisor.phone or "", world.supervisor, 8002)
    await b.get(url)
    await b.find("#grid")
    assert "Chi bộ bản Ba" not in await b.text()
    other = data.other_activity
    for path in (
        f"/web/u/{world.cells[2].id}/2026-11",  # the unit
        f"/web/u/{world.cells[2].id}/2026-11#r{other.id}",  # its report
        f"/web/photo/{other.id}/{data.other_sha}",  # its photo
        f"/web/documents/{data.other_document.id}/file",  # its workbook
    ):
        await b.get(base + path)
        assert W.NOT_FOUND in await b.text(), path
    # The same link a second time: refused, with a clear page.
    await b.do(b.d.delete_all_cookies)
    await b.get(url)
    await b.find(".refused")
    assert W.LINK_USED in await b.text()


async def test_a_report_sent_back_on_the_page_reaches_its_reporter(
    site: Site, world: World, engine: Engine, clock: Clock
) -> None:
    """The supervisor sends a report back from the review page; the outbox, drained by the
    sender as in production, brings the reason to the secretary on Telegram."""
    tg, b = site.tg, site.b
    a = site.data.photo_activity
    await reviewing.submitted(a, a.reporter_id, clock(), [])
    reporter = await Member.get(id=a.reporter_id)
    await link_identity(reporter, "telegram", str(SECRETARY_TG))
    url = await link_from_chat(tg, world.supervisor.phone or "", world.supervisor, 8003)
    await b.get(url)
    await b.find("#grid")
    await b.get(f"{site.base}/web/review")
    reason = await b.find(f'#q{a.id} form[action$="send-back"] input[name="reason"]')
    await b.do(reason.send_keys, "thiếu ảnh hội nghị")
    await b.shot("web-review-desktop", DESKTOP)
    button = await b.find(f'#q{a.id} form[action$="send-back"] button[type="submit"]')
    await b.do(button.click)
    await b.find("p.notice")
    assert a.receipt in await b.text()
    assert (await Review.get(activity_id=a.id)).state == ReviewState.RETURNED

    before = len(tg.server.sent(SECRETARY_TG))
    sender = OutboxSender(engine, [tg.channel], ReminderPlan(), clock)
    await sender.drain()
    await tg.channel.settled()
    told = [c.text for c in tg.server.sent(SECRETARY_TG)[before:]]
    assert any(f"{a.receipt}" in t and "bị trả lại: thiếu ảnh hội nghị" in t for t in told), told

    # The unit page now reads "cần bổ sung", with the reason and the step in its history.
    await b.get(f"{site.base}/web/u/{a.unit_id}/2026-11")
    await b.find(f"#r{a.id} dd.review")
    page = await b.text()
    assert "cần bổ sung" in page and "thiếu ảnh hội nghị" in page
