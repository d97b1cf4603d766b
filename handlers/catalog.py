"""The activity-kind and topic catalogues: seed data from the directive, and a short-lived cache so
that a turn does not read them from the database each time, while an admin's new kind still shows
within a minute in every process."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from models import ActivityKind, Topic

PHOTOS = {
    "key": "photos",
    "label": "Ảnh",
    "type": "photos",
    "optional": True,
    "prompt": "Gửi ảnh hoạt động.",
}
TOPICS = {
    "key": "topics",
    "label": "Chủ đề",
    "type": "topics",
    "prompt": "Nội dung tuyên truyền về chủ đề nào?",
}

SEED_KINDS: list[dict[str, Any]] = [
    {
        "code": "phat_thanh",
        "name": "Phát thanh loa",
        "aliases": ["pt", "phát thanh", "phát loa", "loa", "truyền thanh"],
        "fields": [
            {"key": "date", "label": "Ngày phát", "type": "date", "prompt": "Phát thanh ngày nào?"},
            {
                "key": "sessions",
                "label": "Số buổi phát",
                "type": "int",
                "min": 1,
                "max": 100,
                "unit": "buổi",
                "prompt": "Phát bao nhiêu buổi (lượt)?",
                "sum": True,
                "soft_max": 40,  # above it the reporter is asked to check, the reviewer told
            },
            {
                "key": "minutes",
                "label": "Tổng thời lượng",
                "type": "int",
                "min": 1,
                "max": 6000,
                "unit": "phút",
                "prompt": "Tổng thời lượng phát bao nhiêu phút?",
                "sum": True,
            },
            TOPICS,
            {
                "key": "place",
                "label": "Nơi phát",
                "type": "place",
                "max_length": 200,
                "prompt": "Phát ở đâu (thôn, bản hoặc cụm loa)?",
            },
            {
                "key": "note",
                "label": "Ghi chú",
                "type": "text",
                "optional": True,
                "prompt": "Ghi chú thêm?",
            },
            PHOTOS,
        ],
    },
    {
        "code": "co_dong",
        "name": "Cổ động trực quan",
        "aliases": ["cđ", "cổ động", "trực quan", "treo", "dán"],
        "fields": [
            {
                "key": "date",
                "label": "Ngày treo, dán",
                "type": "date",
                "prompt": "Treo, dán ngày nào?",
            },
            {
                "key": "forms",
                "label": "Hình thức, số lượng",
                "type": "forms",
                "options": ["Khẩu hiệu", "Băng rôn", "Panô", "Áp phích"],
                "min": 1,
                "max": 1000,
                "unit": "cái",
                "prompt": "Treo, dán gì, bao nhiêu cái? Ví dụ: 3 băng rôn, 2 khẩu hiệu",
                "sum": True,
            },
            {
                "key": "place",
                "label": "Nơi treo, dán",
                "type": "place",
                "max_length": 200,
                "prompt": "Treo, dán ở đâu?",
            },
            TOPICS,
            PHOTOS,
        ],
    },
    {
        "code": "hoi_hop",
        "name": "Hội họp, sinh hoạt",
        "aliases": ["họp", "hội họp", "sinh hoạt", "hội nghị"],
        "fields": [
            {"key": "date", "label": "Ngày họp", "type": "date", "prompt": "Họp ngày nào?"},
            {
                "key": "form",
                "label": "Hình thức",
                "type": "choice",
                "options": [
                    "Sinh hoạt chi bộ",
                    "Họp thôn/bản",
                    "Hội nghị quán triệt",
                    "Sinh hoạt đoàn thể",
                    "Tuyên truyền lưu động",
                ],
                "prompt": "Hình thức họp là gì?",
            },
            {
                "key": "attendees",
                "label": "Số người dự",
                "type": "int",
                "min": 1,
                "max": 5000,
                "soft_max": 1000,
                "unit": "người",
                "prompt": "Bao nhiêu người dự?",
                "sum": True,
            },
            {
                "key": "minutes",
                "label": "Thời lượng",
                "type": "int",
                "min": 1,
                "max": 1440,
                "unit": "phút",
                "prompt": "Họp bao nhiêu phút?",
                "sum": True,
            },
            TOPICS,
            PHOTOS,
        ],
    },
]

SEED_TOPICS: list[tuple[str, str]] = [
    ("nq_dh13", "Nghị quyết Đại hội XIII của Đảng"),
    ("kl_21", "Kết luận 21-KL/TW về xây dựng, chỉnh đốn Đảng"),
    ("nq_21", "Nghị quyết 21-NQ/TW về tổ chức cơ sở đảng"),
    ("nq_28", "Nghị quyết 28-NQ/TW về phương thức lãnh đạo của Đảng"),
    ("qd_37", "Quy định 37-QĐ/TW về những điều đảng viên không được làm"),
    ("hcm", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
    ("bua_liem", "Giải Búa liềm vàng"),
    ("tham_nhung", "Phòng, chống tham nhũng, tiêu cực"),
    ("sai_trai", "Đấu tranh phản bác quan điểm sai trái, thù địch"),
    ("nong_thon", "Xây dựng nông thôn mới, phát triển kinh tế - xã hội"),
    ("khac", "Khác"),
]


async def seed_catalog() -> None:
    """Create the seed kinds and topics that are missing; never overwrite an admin's edits."""
    for pos, kind in enumerate(SEED_KINDS):
        row, created = await ActivityKind.get_or_create(
            code=kind["code"],
            defaults={
                "name": kind["name"],
                "fields_spec": kind["fields"],
                "position": pos,
                "aliases": kind["aliases"],
            },
        )
        if not created and not row.aliases:  # a kind seeded before aliases existed
            row.aliases = kind["aliases"]
            await row.save(update_fields=["aliases"])
    for pos, (code, name) in enumerate(SEED_TOPICS):
        await Topic.get_or_create(code=code, defaults={"name": name, "position": pos})


@dataclass(frozen=True)
class KindInfo:
    id: int
    code: str
    name: str
    fields: list[dict[str, Any]]
    active: bool = True
    aliases: tuple[str, ...] = ()

    def field(self, key: str) -> dict[str, Any] | None:
        return next((f for f in self.fields if f["key"] == key), None)


@dataclass(frozen=True)
class Catalog:
    kinds: list[KindInfo]
    topics: list[tuple[str, str]]  # (code, name)

    @property
    def menu_kinds(self) -> list[KindInfo]:
        return [k for k in self.kinds if k.active and k.fields]

    def kind(self, code: str) -> KindInfo | None:
        return next((k for k in self.kinds if k.code == code), None)

    def kind_by_id(self, kind_id: int) -> KindInfo | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def topic_name(self, code: str) -> str:
        return dict(self.topics).get(code, code)

    @property
    def topic_codes(self) -> list[str]:
        return [code for code, _ in self.topics]


class CatalogCache:
    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl = ttl_seconds
        self._value: Catalog | None = None
        self._loaded_at = 0.0

    def invalidate(self) -> None:
        self._value = None

    async def get(self) -> Catalog:
        if self._value is None or time.monotonic() - self._loaded_at > self.ttl:
            kinds = await ActivityKind.all()
            topics = await Topic.filter(active=True).all()
            self._value = Catalog(
                kinds=[
                    KindInfo(
                        k.id, k.code, k.name, list(k.fields_spec), k.active, tuple(k.aliases or ())
                    )
                    for k in kinds
                ],
                topics=[(t.code, t.name) for t in topics],
            )
            self._loaded_at = time.monotonic()
        return self._value
