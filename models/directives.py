"""Directives ("Hướng dẫn số 122-HD/BTGTU") and notices sent down the unit tree, who acknowledged
them, which reports answer them, and the queries over them that need SQL thinking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.entities import Activity, Member, Outbox, Role, Unit
from models.queries import fetch, tree_order

SUMMARY_MAX = 300


class Directive(Model):
    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name="directives", on_delete=fields.RESTRICT
    )
    number = fields.CharField(max_length=60, unique=True)  # "122-HD/BTGTU"
    issued_on = fields.DateField()
    title = fields.CharField(max_length=300)
    summary = fields.CharField(max_length=SUMMARY_MAX, default="")
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    file: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.Media", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    file_name = fields.CharField(max_length=120, default="")
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    withdrawn_at = fields.DatetimeField(null=True)
    unit_id: int
    file_id: int | None

    class Meta:
        table = "directives"
        indexes = (("unit_id", "starts_on", "ends_on"),)


class DirectiveTopic(Model):
    id = fields.IntField(primary_key=True)
    directive: fields.ForeignKeyRelation[Directive] = fields.ForeignKeyField(
        "models.Directive", related_name="topic_links", on_delete=fields.CASCADE
    )
    topic: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.Topic", related_name=False, on_delete=fields.RESTRICT
    )
    position = fields.IntField(default=0)
    directive_id: int
    topic_id: int

    class Meta:
        table = "directive_topics"
        unique_together = (("directive", "topic"),)


# "Đã nhận": the member has the directive. Written once per member.
class DirectiveAck(Model):
    id = fields.IntField(primary_key=True)
    directive: fields.ForeignKeyRelation[Directive] = fields.ForeignKeyField(
        "models.Directive", related_name="acks", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()
    channel = fields.CharField(max_length=16, default="")
    directive_id: int
    member_id: int

    class Meta:
        table = "directive_acks"
        unique_together = (("directive", "member"),)


# A report that answers a directive (its topics are among the directive's, its date in the
# window, its unit in the subtree). Rewritten whenever the report is saved.
class ActivityDirective(Model):
    id = fields.IntField(primary_key=True)
    activity: fields.ForeignKeyRelation[Activity] = fields.ForeignKeyField(
        "models.Activity", related_name=False, on_delete=fields.CASCADE
    )
    directive: fields.ForeignKeyRelation[Directive] = fields.ForeignKeyField(
        "models.Directive", related_name="activity_links", on_delete=fields.CASCADE
    )
    # The reporter said so (not found by the topics): kept when the report is saved again.
    manual = fields.BooleanField(default=False)
    activity_id: int
    directive_id: int

    class Meta:
        table = "activity_directives"
        unique_together = (("activity", "directive"),)


# A free-text notice to a subtree ("thông báo"), delivered like a directive.
class Notice(Model):
    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name=False, on_delete=fields.RESTRICT
    )
    text = fields.TextField()
    file: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.Media", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    file_name = fields.CharField(max_length=120, default="")
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    unit_id: int
    file_id: int | None

    class Meta:
        table = "notices"


# -- queries ---------------------------------------------------------------------------------


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and every unit above it, from its materialised path."""
    return [int(p) for p in unit.path.strip("/").split("/") if p]


async def running_directives(unit: Unit, on_date: date) -> list[Directive]:
    """Directives issued by this unit or one above it, not withdrawn, whose window holds
    `on_date`; the newest first."""
    return (
        await Directive.filter(
            unit_id__in=ancestor_ids(unit),
            withdrawn_at=None,
            starts_on__lte=on_date,
            ends_on__gte=on_date,
        )
        .order_by("-issued_on", "-id")
        .all()
    )


async def directive_topic_codes(unit: Unit, on_date: date) -> list[str]:
    """The topic codes of the directives running for `unit` on `on_date`: what a reporter of
    that unit sees first when picking topics. Most directive-free turns cost one indexed read."""
    directives = await running_directives(unit, on_date)
    if not directives:
        return []
    rows = (
        await DirectiveTopic.filter(directive_id__in=[d.id for d in directives])
        .order_by("position", "id")
        .values("directive_id", "topic__code")
    )
    order = {d.id: i for i, d in enumerate(directives)}
    rows.sort(key=lambda r: order[r["directive_id"]])
    out: list[str] = []
    for r in rows:
        if r["topic__code"] not in out:
            out.append(r["topic__code"])
    return out


async def tie_activity(
    activity_id: int, unit: Unit, activity_date: date, topic_codes: list[str]
) -> list[int]:
    """Tie a saved report to every directive it answers (running on its date for its unit,
    sharing a topic), replacing the ties an earlier version had. The directive ids tied."""
    await ActivityDirective.filter(activity_id=activity_id, manual=False).delete()
    if not topic_codes:
        return []
    directives = await running_directives(unit, activity_date)
    if not directives:
        return []
    found = await DirectiveTopic.filter(
        directive_id__in=[d.id for d in directives], topic__code__in=topic_codes
    ).values_list("directive_id", flat=True)
    ids = sorted({int(str(i)) for i in found})
    await ActivityDirective.bulk_create(
        [ActivityDirective(activity_id=activity_id, directive_id=i) for i in ids],
        ignore_conflicts=True,
    )
    return ids


async def subtree_recipients(unit: Unit) -> list[int]:
    """Who a directive or notice of `unit` reaches (member ids): the active reporters and
    supervisors of the units below it who have a chat the bot can write to. Never anyone
    outside the roster."""
    rows = await fetch(
        """
        SELECT DISTINCT m.id FROM members m
        JOIN units u ON u.id = m.unit_id
        JOIN identities i ON i.member_id = m.id
        WHERE u.path LIKE ? AND m.unit_id <> ? AND m.active = ? AND m.role IN (?, ?)
          AND i.blocked_at IS NULL
        ORDER BY m.id
        """,
        [unit.path + "%", unit.id, True, Role.REPORTER.value, Role.SUPERVISOR.value],
    )
    return [int(r["id"]) for r in rows]


async def existing_keys(keys: list[str]) -> set[str]:
    """Which of these outbox keys are written already, a bounded IN list at a time."""
    found: set[str] = set()
    for i in range(0, len(keys), 5000):
        page = keys[i : i + 5000]
        found.update(
            str(k) for k in await Outbox.filter(key__in=page).values_list("key", flat=True)
        )
    return found


def delivery_key(directive_id: int, member_id: int) -> str:
    return f"directive:{directive_id}:{member_id}"


@dataclass
class Addressee:
    member_id: int
    name: str
    unit_name: str
    status: str  # the outbox row's status: sent, pending, failed, ...
    acked_at: datetime | None


async def addressees(directive: Directive) -> list[Addressee]:
    """Everyone the directive was addressed to (an outbox row each), with whether they have
    acknowledged it."""
    rows = await Outbox.filter(key__startswith=f"directive:{directive.id}:").values(
        "member_id", "status"
    )
    status = {r["member_id"]: str(r["status"]) for r in rows}
    acks = dict(await DirectiveAck.filter(directive_id=directive.id).values_list("member_id", "at"))
    members = sorted(
        await Member.filter(id__in=list(status)).select_related("unit"),
        key=lambda m: (tree_order(m.unit.path), m.name),
    )
    return [
        Addressee(m.id, m.name, m.unit.name, status[m.id], acks.get(m.id))  # type: ignore[arg-type]
        for m in members
    ]


@dataclass
class Figures:
    activities: int = 0
    sessions: int = 0
    minutes: int = 0
    items: int = 0
    meetings: int = 0
    attendees: int = 0

    def add(self, kind_code: str, data: dict[str, Any]) -> None:
        self.activities += 1
        self.sessions += _int(data.get("sessions"))
        self.minutes += _int(data.get("minutes"))
        self.items += _int(data.get("quantity"))
        if kind_code == "hoi_hop":
            self.meetings += 1
            self.attendees += _int(data.get("attendees"))


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class UnitResult:
    id: int
    code: str
    name: str
    parent_name: str
    figures: Figures


@dataclass
class DirectiveResults:
    directive: Directive
    issuer: Unit
    topics: list[tuple[str, str]]  # (code, name) in the directive's order
    units: list[UnitResult]
    by_topic: dict[str, Figures]
    total: Figures
    addressees: list[Addressee] = field(default_factory=list)

    @property
    def idle_units(self) -> list[UnitResult]:
        return [u for u in self.units if u.figures.activities == 0]


async def directive_results(directive: Directive) -> DirectiveResults:
    """Counts per reporting unit of the issuer's subtree and per topic of the directive, from
    the live reports tied to it whose date lies in its window."""
    issuer = await Unit.get(id=directive.unit_id)
    links = (
        await DirectiveTopic.filter(directive_id=directive.id)
        .order_by("position", "id")
        .values_list("topic__code", "topic__name")
    )
    topics = [(str(c), str(n)) for c, n in links]
    units = sorted(
        await Unit.filter(path__startswith=issuer.path, reports=True, active=True),
        key=lambda u: tree_order(u.path),
    )
    parents = dict(
        await Unit.filter(id__in=[u.parent_id for u in units if u.parent_id]).values_list(
            "id", "name"
        )
    )
    by_unit = {
        u.id: UnitResult(u.id, u.code, u.name, str(parents.get(u.parent_id, "")), Figures())
        for u in units
    }
    by_topic = {code: Figures() for code, _ in topics}
    total = Figures()
    activity_ids = await ActivityDirective.filter(directive_id=directive.id).values_list(
        "activity_id", flat=True
    )
    rows = await Activity.filter(
        id__in=list(activity_ids),
        deleted_at=None,
        activity_date__gte=directive.starts_on,
        activity_date__lte=directive.ends_on,
    ).values("unit_id", "kind__code", "data")
    per_topic: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for r in rows:
        data = r["data"] if isinstance(r["data"], dict) else {}
        total.add(r["kind__code"], data)
        if r["unit_id"] in by_unit:
            by_unit[r["unit_id"]].figures.add(r["kind__code"], data)
        codes = {c for v in data.values() if isinstance(v, list) for c in v if isinstance(c, str)}
        for code in by_topic:
            if code in codes:
                per_topic[code].append((r["kind__code"], data))
    for code, items in per_topic.items():
        for kind_code, data in items:
            by_topic[code].add(kind_code, data)
    return DirectiveResults(
        directive,
        issuer,
        topics,
        list(by_unit.values()),
        by_topic,
        total,
        await addressees(directive),
    )
