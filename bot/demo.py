"""A demo province with invented names, so a newcomer sees the whole product at once."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from handlers.audit import record
from handlers.catalog import TOPICS, seed_catalog
from handlers.directive_actions import Draft, create_directive, deliver_directive, tie_report
from handlers.media import store_photo
from handlers.messages import Photo
from handlers.registration import issue_invite, link_identity
from models import Activity, ActivityKind, InviteCode, Member, NilReport, Role, Unit
from models.periods import (
    VN_TZ,
    ReportRules,
    bounds_for,
    period_for,
    previous_bounds,
    vn_today,
)
from models.tree import add_unit

TOPIC_FIELDS = [TOPICS]
# Every name here is invented.
PROVINCE = ("TU", "Tỉnh ủy Bắc Vân", "Tỉnh ủy")
# Since 1 July 2025: no district level (communes answer to the province), and the province's
# propaganda board is the "Ban Tuyên giáo và Dân vận".
BOARD = ("BTGDV", "Ban Tuyên giáo và Dân vận Tỉnh ủy Bắc Vân", "Ban")
COMMUNES = [
    (
        "X01",
        "Đảng ủy xã Nậm Vân",
        [
            ("X01-NK", "Chi bộ bản Nà Khum"),
            ("X01-PL", "Chi bộ bản Phiêng Lọng"),
            ("X01-HM", "Chi bộ bản Huổi Mây"),
            ("X01-CS", "Chi bộ bản Co Sáng"),
        ],
    ),
    (
        "X02",
        "Đảng ủy xã Pa Lướt",
        [
            ("X02-TC", "Chi bộ bản Tà Chải"),
            ("X02-NL", "Chi bộ bản Nậm Lìn"),
            ("X02-SP", "Chi bộ bản Sín Pả"),
            ("X02-TK", "Chi bộ trường Tiểu học Pa Lướt"),
        ],
    ),
]
REPORTERS = {
    "X01-NK": ("Lò Văn Sáng", "0900000011"),
    "X01-PL": ("Tòng Thị Mai", "0900000012"),
    "X01-HM": ("Vàng A Lử", "0900000013"),
    "X01-CS": ("Lường Văn Khiêm", "0900000014"),
    "X02-TC": ("Giàng Thị Dua", "0900000021"),
    "X02-NL": ("Sùng A Pao", "0900000022"),
    "X02-SP": ("Hạng Văn Chu", "0900000023"),
    "X02-TK": ("Đèo Thị Hoa", "0900000024"),
}
SUPERVISORS = {"X01": ("Quàng Văn Thắng", "0900000010"), "X02": ("Lý Thị Nhung", "0900000020")}
ADMIN = ("Nguyễn Thị Demo", "0900000001")
DEMO_PHONE = "0900000011"  # the reporter the console speaks as by default


@dataclass
class DemoResult:
    created: bool
    invites: list[tuple[str, str, str]]  # (name, unit, code)


async def seed_demo(rules: ReportRules, now: datetime, media_dir: Path | None = None) -> DemoResult:
    """Seed once; a database that already has units is left alone. With `media_dir`, a few
    reports carry drawn photos (the narrative report's photo appendix shows them)."""
    await seed_catalog()
    if await Unit.exists():
        return DemoResult(False, [])
    province = await add_unit(*PROVINCE[:2], None, level=PROVINCE[2], reports=False)
    board = await add_unit(*BOARD[:2], province, level=BOARD[2], reports=False)
    await Member.create(name=ADMIN[0], phone=ADMIN[1], role=Role.ADMIN, unit=board)
    cells: dict[str, Unit] = {}
    for code, name, cell_list in COMMUNES:
        commune = await add_unit(code, name, province, level="Đảng ủy xã", reports=False)
        sup = SUPERVISORS[code]
        await Member.create(name=sup[0], phone=sup[1], role=Role.SUPERVISOR, unit=commune)
        for cell_code, cell_name in cell_list:
            cells[cell_code] = await add_unit(
                cell_code,
                cell_name,
                commune,
                level="Chi bộ",
                locality=cell_name.removeprefix("Chi bộ "),
            )
    members = {}
    for cell_code, (name, phone) in REPORTERS.items():
        members[cell_code] = await Member.create(
            name=name, phone=phone, role=Role.REPORTER, unit=cells[cell_code]
        )
    await link_identity(members["X01-NK"], "console", DEMO_PHONE)
    await _demo_reports(rules, now, cells, members, media_dir)
    await _demo_directive(province, now, rules)
    invites = []
    for cell_code in ("X01-PL", "X02-TC"):
        m = members[cell_code]
        invite = await issue_invite(m, now, rules.invite_ttl_days)
        invites.append((m.name, cells[cell_code].name, invite.code))
    return DemoResult(True, invites)


# Modelled on a district board's 2023 directive on promoting Party building, in invented words.
DIRECTIVE_NUMBER = "41-HD/BTGTU"
DIRECTIVE_TITLE = "Tăng cường tuyên truyền xây dựng, chỉnh đốn Đảng và hệ thống chính trị ở cơ sở"
DIRECTIVE_SUMMARY = (
    "Mỗi chi bộ phát thanh loa về xây dựng Đảng ít nhất 2 buổi mỗi tháng, treo khẩu hiệu ở nhà "
    "văn hóa bản, đưa nội dung vào sinh hoạt chi bộ và họp bản; báo cáo kết quả qua bot trước "
    "ngày 5 hằng tháng."
)
DIRECTIVE_TOPICS = ["kl_21", "nq_21", "nq_28"]


def six_months_on(start: date) -> date:
    """The day before the same day six months later (a first of the month: a half-year)."""
    month = start.month + 6
    return date(start.year + (month - 1) // 12, (month - 1) % 12 + 1, 1) - timedelta(days=1)


async def _demo_directive(province: Unit, now: datetime, rules: ReportRules) -> None:
    """One directive of the province, running since the previous period began: the demo's
    reports on its topics answer it, and the console's reporter receives it."""
    previous = previous_bounds(bounds_for(vn_today(now), rules), rules)
    draft = Draft(
        number=DIRECTIVE_NUMBER,
        issued_on=previous.start - timedelta(days=7),
        title=DIRECTIVE_TITLE,
        summary=DIRECTIVE_SUMMARY,
        starts_on=previous.start,
        ends_on=six_months_on(previous.start),
        topics=DIRECTIVE_TOPICS,
    )
    directive = await create_directive(province, None, draft)
    for a in await Activity.all().select_related("unit"):
        await tie_report(a.id, a.unit, a.activity_date, TOPIC_FIELDS, a.data)
    await deliver_directive(directive, now)


def _drawing(color: tuple[int, int, int]) -> bytes:
    """An invented "photo": sky, a hill, the ground and a coloured banner on two poles."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (800, 600), (196, 224, 240))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 420, 800, 600), fill=(120, 160, 90))  # the ground
    draw.polygon([(80, 420), (260, 250), (440, 420)], fill=(110, 130, 110))  # a hill
    draw.rectangle((110, 140, 124, 470), fill=(90, 70, 50))  # poles
    draw.rectangle((676, 140, 690, 470), fill=(90, 70, 50))
    draw.rectangle((124, 150, 676, 270), fill=color, outline=(250, 220, 60), width=6)
    for x in range(170, 640, 60):  # the banner's lettering, seen from afar
        draw.rectangle((x, 195, x + 36, 225), fill=(255, 230, 110))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


async def _photos(media_dir: Path | None, color: tuple[int, int, int]) -> list[str]:
    if media_dir is None:
        return []
    media, _ = await store_photo(Photo(_drawing(color)), media_dir)
    return [media.sha256]


async def _demo_reports(
    rules: ReportRules,
    now: datetime,
    cells: dict[str, Unit],
    members: dict[str, Member],
    media_dir: Path | None = None,
) -> None:
    """Last period: most cells reported, one late, one nil, one silent. This period: a few."""
    kinds = {k.code: k for k in await ActivityKind.all()}
    today = vn_today(now)
    current = bounds_for(today, rules)
    prev = previous_bounds(current, rules)
    prev_period = await period_for(prev.start, rules)
    cur_period = await period_for(current.start, rules)
    samples = [
        (
            "X01-NK",
            "phat_thanh",
            prev.start + timedelta(days=3),
            prev_period,
            {
                "sessions": 8,
                "minutes": 240,
                "topics": ["nq_dh13", "hcm"],
                "place": "Cụm loa trung tâm bản",
                "note": None,
                "photos": await _photos(media_dir, (40, 90, 160)),
            },
        ),
        (
            "X01-NK",
            "co_dong",
            prev.start + timedelta(days=10),
            prev_period,
            {
                "forms": {"Băng rôn": 4, "Khẩu hiệu": 2},
                "place": "Nhà văn hóa bản",
                "topics": ["bua_liem"],
                "photos": await _photos(media_dir, (200, 30, 30)),
            },
        ),
        (
            "X01-HM",
            "hoi_hop",
            prev.start + timedelta(days=12),
            prev_period,
            {
                "form": "Sinh hoạt chi bộ",
                "attendees": 23,
                "minutes": 90,
                "topics": ["kl_21", "qd_37"],
                "photos": [],
            },
        ),
        (
            "X02-TC",
            "hoi_hop",
            prev.start + timedelta(days=15),
            prev_period,
            {
                "form": "Họp thôn/bản",
                "attendees": 64,
                "minutes": 120,
                "topics": ["nong_thon", "tham_nhung"],
                "photos": await _photos(media_dir, (150, 60, 40)),
            },
        ),
        (
            "X02-NL",
            "phat_thanh",
            prev.start + timedelta(days=20),
            prev_period,
            {
                "sessions": 12,
                "minutes": 360,
                "topics": ["sai_trai"],
                "place": "Loa bản Nậm Lìn",
                "note": "Phát song ngữ Kinh - Mông",
                "photos": [],
            },
        ),
        (
            "X02-SP",
            "co_dong",
            current.start,
            cur_period,
            {
                "forms": {"Khẩu hiệu": 6},
                "place": "Đầu bản",
                "topics": ["nq_dh13"],
                "photos": [],
            },
        ),
    ]
    for cell_code, kind_code, day, period, values in samples:
        if day > today:
            continue
        data = {"date": day.isoformat(), **values}
        activity = await Activity.create(
            unit=cells[cell_code],
            kind=kinds[kind_code],
            period=period,
            reporter=members[cell_code],
            activity_date=day,
            data=data,
            channel="demo",
            draft_token=uuid.uuid4().hex,
        )
        await record(members[cell_code].id, "activity", activity.id, "create", None, data)
        # Received the evening of the activity, as a secretary on time would report it.
        received = datetime.combine(day, time(19), VN_TZ)
        if received < now:
            await Activity.filter(id=activity.id).update(created_at=received)
    # A cell that reported nothing: an explicit nil report, which counts as reported.
    nil = await NilReport.create(
        unit=cells["X01-CS"], period=prev_period, reporter=members["X01-CS"]
    )
    nil_at = datetime.combine(prev.end, time(19), VN_TZ)
    if nil_at < now:
        await NilReport.filter(id=nil.id).update(created_at=nil_at)
    # One late report: stamped after the previous period's deadline.
    late_at = datetime.combine(
        prev.deadline + timedelta(days=2), datetime.min.time(), now.tzinfo
    ) + timedelta(hours=3)
    if late_at <= now:
        late = await Activity.create(
            unit=cells["X02-TK"],
            kind=kinds["phat_thanh"],
            period=prev_period,
            reporter=members["X02-TK"],
            activity_date=prev.end,
            channel="demo",
            data={
                "date": prev.end.isoformat(),
                "sessions": 2,
                "minutes": 30,
                "topics": ["hcm"],
                "place": "Loa trường",
                "note": None,
                "photos": [],
            },
            draft_token=uuid.uuid4().hex,
        )
        await Activity.filter(id=late.id).update(created_at=late_at)


async def demo_invites(now: datetime) -> list[tuple[str, str, str]]:
    rows = await InviteCode.filter(used_at=None, expires_at__gt=now).select_related("member__unit")
    return [(i.member.name, i.member.unit.name, i.code) for i in rows]
