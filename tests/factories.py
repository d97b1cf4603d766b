"""A small invented organisation for tests, and a chat helper that talks to the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handlers.engine import Engine
from handlers.messages import Incoming, Location, Photo, Reply
from handlers.registration import link_identity
from models import Activity, AuditEntry, Identity, Member, NilReport, Role, Unit
from models.tree import add_unit


@dataclass
class World:
    province: Unit
    commune: Unit
    other_commune: Unit
    cells: list[Unit]
    reporter: Member
    other_reporter: Member
    supervisor: Member
    admin: Member
    extra: dict[str, Any] = field(default_factory=dict)


async def make_world() -> World:
    province = await add_unit("T", "Tỉnh ủy Thử Nghiệm", reports=False)
    commune = await add_unit("X1", "Đảng ủy xã Mường Thử", province, reports=False)
    other = await add_unit("X2", "Đảng ủy xã Nà Giả", province, reports=False)
    cells = [
        await add_unit("C1", "Chi bộ bản Một", commune),
        await add_unit("C2", "Chi bộ bản Hai", commune),
        await add_unit("C3", "Chi bộ bản Ba", other),
    ]
    reporter = await Member.create(name="Lò Văn Thử", phone="0900000101", unit=cells[0])
    other_reporter = await Member.create(name="Tòng Thị Giả", phone="0900000102", unit=cells[1])
    supervisor = await Member.create(
        name="Quàng Văn Xem", phone="0900000103", role=Role.SUPERVISOR, unit=commune
    )
    admin = await Member.create(
        name="Nguyễn Thị Quản", phone="0900000104", role=Role.ADMIN, unit=province
    )
    for m in (reporter, other_reporter, supervisor, admin):
        await link_identity(m, "console", m.phone or "")
    return World(province, commune, other, cells, reporter, other_reporter, supervisor, admin)


class Chat:
    """One person talking to the engine, as a channel adapter would."""

    def __init__(
        self, engine: Engine, external_id: str, channel: str = "console", account: str = ""
    ) -> None:
        self.engine = engine
        self.external_id = external_id
        self.channel = channel
        self.account = account
        self.replies: list[Reply] = []
        self._n = 0

    def _inc(self, **kw: Any) -> Incoming:
        return Incoming(self.channel, self.external_id, account=self.account, **kw)

    async def send(self, text: str, message_id: str | None = None) -> list[Reply]:
        return await self._go(self._inc(text=text, message_id=message_id))

    async def photo(self, content: bytes) -> list[Reply]:
        return await self._go(self._inc(photo=Photo(content)))

    async def pin(self, latitude: float, longitude: float) -> list[Reply]:
        return await self._go(self._inc(location=Location(latitude, longitude)))

    async def other(self, what: str) -> list[Reply]:
        return await self._go(self._inc(unsupported=what))

    async def press(self, label: str, reply: Reply | None = None) -> list[Reply]:
        """Press the button whose label contains `label` on the last (or a given) reply."""
        reply = reply or self.last
        matches = [c for c in reply.choices if label.lower() in c.label.lower()]
        assert matches, f"no button {label!r} in {[c.label for c in reply.choices]}"
        return await self._go(self._inc(choice=matches[0].payload))

    async def _go(self, inc: Incoming) -> list[Reply]:
        self.replies = await self.engine.handle(inc)
        return self.replies

    @property
    def last(self) -> Reply:
        assert self.replies, "the bot said nothing"
        return self.replies[-1]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    def labels(self) -> list[str]:
        return [c.label for c in self.last.choices]


async def snapshot() -> dict[str, Any]:
    """What a bad input must leave untouched: reports, nil reports, audit, identities' flows."""
    return {
        "activities": [
            (a.id, a.version, a.data, a.deleted_at) for a in await Activity.all().order_by("id")
        ],
        "nil": await NilReport.all().count(),
        "audit": await AuditEntry.all().count(),
        "identities": [(i.id, i.member_id) for i in await Identity.all().order_by("id")],
    }


async def report_state(external_id: str) -> tuple[str | None, str | None, dict[str, Any]]:
    ident = await Identity.get(channel="console", external_id=external_id)
    return ident.flow, ident.step, ident.state.get("values", {})
