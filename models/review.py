"""The review of reports: each report's state (chờ duyệt, đã duyệt, cần bổ sung), a commune's
closing of a period's figures, and the queries the review queue and the exports read.

A report saved before reviews existed has no Review row: it counts as approved, as it was then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.entities import Activity, Member, Period, Unit
from models.queries import _dt, fetch, subtree_prefix


class ReviewState(StrEnum):
    PENDING = "pending"  # chờ duyệt
    APPROVED = "approved"  # đã duyệt
    RETURNED = "returned"  # cần bổ sung


class Review(Model):
    id = fields.IntField(primary_key=True)
    activity: fields.OneToOneRelation[Activity] = fields.OneToOneField(
        "models.Activity", related_name="review", on_delete=fields.CASCADE
    )
    state = fields.CharEnumField(ReviewState, max_length=16, default=ReviewState.PENDING)
    # The version of the report this state is about: an approval names the version it saw.
    version = fields.IntField(default=1)
    reason = fields.CharField(max_length=200, default="")
    reviewer: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    edited_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # What the reviewer should look at: a figure kept though far beyond the unit's history, a
    # photo already sent with another report.
    flags: fields.Field[list[dict[str, Any]]] = fields.JSONField(default=list)
    queued_at = fields.DatetimeField()  # when this version entered the queue: oldest first
    decided_at = fields.DatetimeField(null=True)
    notified_version = fields.IntField(default=0)  # supervisors told of versions up to this
    activity_id: int
    reviewer_id: int | None
    edited_by_id: int | None

    class Meta:
        table = "reviews"
        indexes = (("state", "queued_at"),)


# A commune's "chốt số liệu" of a period; reopened, the row stays with closed = False.
class Closing(Model):
    id = fields.IntField(primary_key=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "models.Unit", related_name=False, on_delete=fields.RESTRICT
    )
    period: fields.ForeignKeyRelation[Period] = fields.ForeignKeyField(
        "models.Period", related_name=False, on_delete=fields.RESTRICT
    )
    closed = fields.BooleanField(default=True)
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    changed_at = fields.DatetimeField()
    unit_id: int
    period_id: int

    class Meta:
        table = "closings"
        unique_together = (("unit", "period"),)


@dataclass(frozen=True)
class QueueItem:
    activity_id: int
    unit_name: str
    kind_id: int
    activity_date: date
    version: int
    flagged: bool
    queued_at: datetime

    @property
    def receipt(self) -> str:
        return f"BC-{self.activity_id:06d}"


def _pending_in(root: Unit) -> Any:
    return Review.filter(
        state=ReviewState.PENDING,
        activity__deleted_at=None,
        activity__unit__path__startswith=root.path,
    ).exclude(activity__unit_id=root.id)


async def review_queue(root: Unit, offset: int, limit: int) -> tuple[int, list[QueueItem]]:
    """Reports waiting in `root`'s subtree, oldest first: how many, and one page of them."""
    total = await _pending_in(root).count()
    rows = (
        await _pending_in(root)
        .select_related("activity", "activity__unit")
        .order_by("queued_at", "id")
        .offset(offset)
        .limit(limit)
    )
    return total, [
        QueueItem(
            r.activity_id,
            r.activity.unit.name,
            r.activity.kind_id,
            r.activity.activity_date,
            r.version,
            bool(r.flags),
            r.queued_at,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class UnitReview:
    pending: int = 0
    returned: int = 0
    approved: int = 0

    @property
    def all_approved(self) -> bool:
        return self.pending == 0 and self.returned == 0


async def unit_reviews(period_id: int, root: Unit | None = None) -> dict[int, UnitReview]:
    """Per unit under `root`: its live reports of the period by review state (no row: approved)."""
    rows = await fetch(
        """
        SELECT unit_id, state, COUNT(*) AS n FROM (
            SELECT a.unit_id, COALESCE(r.state, ?) AS state
            FROM activities a
            JOIN units u ON u.id = a.unit_id
            LEFT JOIN reviews r ON r.activity_id = a.id
            WHERE a.period_id = ? AND a.deleted_at IS NULL AND u.path LIKE ?
        ) x
        GROUP BY unit_id, state
        """,
        [ReviewState.APPROVED.value, period_id, subtree_prefix(root)],
    )
    counts: dict[int, dict[str, int]] = {}
    for r in rows:
        counts.setdefault(r["unit_id"], {})[r["state"]] = int(r["n"])
    return {
        unit: UnitReview(c.get("pending", 0), c.get("returned", 0), c.get("approved", 0))
        for unit, c in counts.items()
    }


async def closed_units(period_id: int) -> dict[int, datetime]:
    """Units whose figures for the period are closed, with when."""
    rows = await fetch(
        "SELECT unit_id, changed_at FROM closings WHERE period_id = ? AND closed = ?",
        [period_id, True],
    )
    return {r["unit_id"]: _dt(r["changed_at"]) or datetime.min for r in rows}


async def closing_over(unit: Unit, period_id: int) -> Unit | None:
    """The unit itself or an ancestor that has closed the period's figures, if any."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    closing = (
        await Closing.filter(unit_id__in=ids, period_id=period_id, closed=True)
        .select_related("unit")
        .first()
    )
    return closing.unit if closing else None


async def activities_with_photo(sha256s: list[str], exclude: int) -> dict[str, Activity]:
    """For each photo hash, the earliest other live report whose photos hold it."""
    out: dict[str, Activity] = {}
    for sha in sha256s:
        rows = await fetch(
            "SELECT id FROM activities WHERE deleted_at IS NULL AND id <> ? "
            "AND CAST(data AS TEXT) LIKE ? ORDER BY id LIMIT 1",
            [exclude, f"%{sha}%"],
        )
        if rows:
            activity = await Activity.filter(id=rows[0]["id"]).select_related("unit").first()
            if activity is not None:
                out[sha] = activity
    return out
