"""Reports, photos and documents for the board's page tests (HTML and browser), invented data."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from factories import World
from handlers.audit import record
from handlers.media import store_photo
from handlers.messages import Photo
from models import Activity, ActivityKind, DocumentStatus, NilReport, Unit, WebDocument
from models.periods import VN_TZ, ReportRules, period_for

RULES = ReportRules(period_months=1, deadline_day=5, lock_days=10)


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (a browser draws it), made without an image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def vn(y: int, m: int, d: int, h: int = 9) -> datetime:
    return datetime(y, m, d, h, tzinfo=VN_TZ)


@dataclass
class Seeded:
    photo_activity: Activity  # C1's November broadcast, with a photo
    photo_sha: str
    other_activity: Activity  # C3's (the other commune's) report, with a photo
    other_sha: str
    other_document: WebDocument  # a workbook of the other commune


async def report(
    unit: Unit, reporter_id: int, day: date, received: datetime, photos: list[str] | None = None
) -> Activity:
    kind = await ActivityKind.get(code="phat_thanh")
    period = await period_for(day, RULES)
    data = {
        "date": day.isoformat(),
        "sessions": 2,
        "minutes": 30,
        "topics": ["nq_dh13"],
        "place": "bản Một",
        "photos": photos or [],
    }
    a = await Activity.create(
        unit=unit,
        kind=kind,
        period=period,
        reporter_id=reporter_id,
        activity_date=day,
        data=data,
        channel="telegram",
    )
    await Activity.filter(id=a.id).update(created_at=received, updated_at=received)
    await record(reporter_id, "activity", a.id, "create", None, data)
    return await Activity.get(id=a.id)


async def seed(world: World, media_dir: Path) -> Seeded:
    """October: C1 on time, C2 late, C3 (other commune) nothing; November (not due yet on
    20/11/2026): C1 with a photo, later edited; C3 with a photo."""
    c1, c2, c3 = world.cells
    await report(c1, world.reporter.id, date(2026, 10, 12), vn(2026, 10, 12))
    await report(c2, world.other_reporter.id, date(2026, 10, 28), vn(2026, 11, 7))
    media, _ = await store_photo(Photo(png(160, 120, (46, 125, 50)), "image/png"), media_dir)
    a = await report(c1, world.reporter.id, date(2026, 11, 15), vn(2026, 11, 15), [media.sha256])
    before = dict(a.data)
    a.data = {**a.data, "minutes": 45}
    a.version = 2
    await a.save()
    await record(world.reporter.id, "activity", a.id, "edit", before, a.data)
    other, _ = await store_photo(Photo(png(80, 60, (200, 40, 40)), "image/png"), media_dir)
    b = await report(c3, world.reporter.id, date(2026, 11, 3), vn(2026, 11, 3), [other.sha256])
    doc = await WebDocument.create(
        kind="month",
        label="tháng 10/2026",
        unit=world.other_commune,
        status=DocumentStatus.READY,
        file_name="month_other.xlsx",
    )
    folder = media_dir / "exports" / "web"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / doc.file_name).write_bytes(b"PK\x03\x04 other commune")
    return Seeded(a, media.sha256, b, other.sha256, doc)


async def nil_report(unit: Unit, reporter_id: int, day: date, at: datetime) -> None:
    period = await period_for(day, RULES)
    n = await NilReport.create(unit=unit, period=period, reporter_id=reporter_id)
    await NilReport.filter(id=n.id).update(created_at=at)


def roster_with_bad_row(path: Path) -> Path:
    """A roster whose second person has a phone number that is not one."""
    wb = Workbook()
    units = wb.active
    assert units is not None
    units.title = "DonVi"
    units.append(["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Báo cáo"])
    units.append(["C9", "Chi bộ bản Chín", "X1", "Chi bộ", "có"])
    people = wb.create_sheet("NguoiDung")
    people.append(["Họ và tên", "Số điện thoại", "Vai trò", "Mã đơn vị"])
    people.append(["Lường Văn Chín", "0900000199", "báo cáo viên", "C9"])
    people.append(["Cà Thị Sai", "12345", "báo cáo viên", "C9"])
    wb.save(path)
    return path


def good_roster(path: Path) -> Path:
    wb = Workbook()
    units = wb.active
    assert units is not None
    units.title = "DonVi"
    units.append(["Mã đơn vị", "Tên đơn vị", "Mã đơn vị cấp trên", "Cấp", "Báo cáo"])
    units.append(["C9", "Chi bộ bản Chín", "X1", "Chi bộ", "có"])
    people = wb.create_sheet("NguoiDung")
    people.append(["Họ và tên", "Số điện thoại", "Vai trò", "Mã đơn vị"])
    people.append(["Lường Văn Chín", "0900000199", "báo cáo viên", "C9"])
    wb.save(path)
    return path
