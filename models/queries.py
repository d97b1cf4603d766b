"""Queries that need SQL thinking: per-unit status of a period, in one statement."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from tortoise import connections

from models.entities import Activity, Identity, Member, Period, Unit
from models.periods import end_of_day_utc


class Status(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NIL = "nil"
    NOT_DUE = "not_due"  # nothing yet, and the deadline has not passed (only when asked)


@dataclass(frozen=True)
class UnitStatus:
    unit_id: int
    code: str
    name: str
    parent_id: int | None
    path: str
    depth: int
    activities: int
    first_report_at: datetime | None
    nil_at: datetime | None
    status: Status

    @property
    def reported_at(self) -> datetime | None:
        return self.first_report_at or self.nil_at


def _dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _sql(sql: str, dialect: str) -> str:
    """Write queries with `?`; PostgreSQL wants $1, $2, ..."""
    if dialect != "postgres":
        return sql
    parts = sql.split("?")
    return "".join(p + (f"${i + 1}" if i < len(parts) - 1 else "") for i, p in enumerate(parts))


async def fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    conn = connections.get("default")
    return await conn.execute_query_dict(_sql(sql, conn.capabilities.dialect), params)


async def fetch_rows(sql: str, params: list[Any]) -> list[Any]:
    """Rows as the driver gives them (tuples by position): no dict per row, for big reads."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(_sql(sql, conn.capabilities.dialect), params)
    return list(rows)


def tree_order(path: str) -> list[int]:
    """Sort key for a materialised path: /1/9/ before /1/10/ (as text it would come after)."""
    return [int(part) for part in path.strip("/").split("/") if part]


def subtree_prefix(root: Unit | None) -> str:
    return (root.path if root else "/") + "%"


async def unit_statuses(
    period: Period, root: Unit | None = None, today: date | None = None
) -> list[UnitStatus]:
    """Every reporting unit under `root` (or everywhere) with its status for `period`: reported on
    time, late, explicitly nil, or missing. An explicit nil report counts as reported; one made
    after the deadline is late like any other report. Given `today` (Vietnam's date), a unit
    with nothing yet is "not due" until the deadline has passed."""
    rows = await fetch(
        """
        SELECT u.id, u.code, u.name, u.parent_id, u.path, u.depth,
               a.first_at, COALESCE(a.n, 0) AS n, nr.created_at AS nil_at
        FROM units u
        LEFT JOIN (
            SELECT unit_id, MIN(created_at) AS first_at, COUNT(*) AS n
            FROM activities
            WHERE period_id = ? AND deleted_at IS NULL
            GROUP BY unit_id
        ) a ON a.unit_id = u.id
        LEFT JOIN nil_reports nr ON nr.unit_id = u.id AND nr.period_id = ?
        WHERE u.reports = ? AND u.active = ? AND u.path LIKE ?
        ORDER BY u.path
        """,
        [period.id, period.id, True, True, subtree_prefix(root)],
    )
    deadline = end_of_day_utc(period.deadline)
    out = []
    for r in sorted(rows, key=lambda r: tree_order(r["path"])):
        first, nil_at = _dt(r["first_at"]), _dt(r["nil_at"])
        if first is not None:
            status = Status.ON_TIME if first < deadline else Status.LATE
        elif nil_at is not None:
            status = Status.NIL if nil_at < deadline else Status.LATE
        elif today is not None and today <= period.deadline:
            status = Status.NOT_DUE
        else:
            status = Status.MISSING
        out.append(
            UnitStatus(
                unit_id=r["id"],
                code=r["code"],
                name=r["name"],
                parent_id=r["parent_id"],
                path=r["path"],
                depth=r["depth"],
                activities=int(r["n"]),
                first_report_at=first,
                nil_at=nil_at,
                status=status,
            )
        )
    return out


_IDENTITY_SQL: dict[str, str] = {}


def _identity_sql(dialect: str) -> str:
    """Identity, member and unit in one statement, built once: the read at the top of every
    turn, locked on PostgreSQL so that a second process waits for the first."""
    if dialect not in _IDENTITY_SQL:
        parts = []
        for model, alias in ((Identity, "i"), (Member, "m"), (Unit, "u")):
            parts += [f'{alias}."{c}" AS "{alias}__{c}"' for c in model._meta.db_fields]
        sql = (
            f"SELECT {', '.join(parts)} FROM identities i "
            "JOIN members m ON m.id = i.member_id JOIN units u ON u.id = m.unit_id "
            "WHERE i.channel = ? AND i.account = ? AND i.external_id = ?"
        )
        if dialect == "postgres":
            sql += " FOR UPDATE OF i"
        _IDENTITY_SQL[dialect] = _sql(sql, dialect)
    return _IDENTITY_SQL[dialect]


async def load_identity(channel: str, account: str, external_id: str) -> Identity | None:
    """The chat's identity with `.member` and `.member.unit` loaded, row-locked for the
    transaction it runs in (PostgreSQL)."""
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        _identity_sql(conn.capabilities.dialect), [channel, account, external_id]
    )
    if not rows:
        return None
    split: dict[str, dict[str, Any]] = {"i": {}, "m": {}, "u": {}}
    for key, value in rows[0].items():
        alias, _, column = key.partition("__")
        split[alias][column] = value
    identity = Identity._init_from_db(**split["i"])
    member = Member._init_from_db(**split["m"])
    member.unit = Unit._init_from_db(**split["u"])
    identity.member = member
    return identity


@dataclass(frozen=True)
class DueUnit:
    unit_id: int
    code: str
    name: str
    parent_id: int | None
    path: str


async def due_units(period: Period, root: Unit | None = None) -> list[DueUnit]:
    """The one query that decides who is due: reporting units under `root` with neither a live
    activity nor a nil report for `period`."""
    rows = await fetch(
        """
        SELECT u.id, u.code, u.name, u.parent_id, u.path
        FROM units u
        WHERE u.reports = ? AND u.active = ? AND u.path LIKE ?
          AND NOT EXISTS (SELECT 1 FROM activities a
                          WHERE a.unit_id = u.id AND a.period_id = ? AND a.deleted_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM nil_reports n
                          WHERE n.unit_id = u.id AND n.period_id = ?)
        ORDER BY u.path
        """,
        [True, True, subtree_prefix(root), period.id, period.id],
    )
    return [
        DueUnit(r["id"], r["code"], r["name"], r["parent_id"], r["path"])
        for r in sorted(rows, key=lambda r: tree_order(r["path"]))
    ]


_SAVE_STATE_SQL = (
    "UPDATE identities SET flow = ?, step = ?, state = ?, state_version = ?, "
    "state_updated_at = ?, recent_messages = ?, blocked_at = NULL WHERE id = ?"
)


async def save_state(identity: Identity, now: datetime) -> None:
    """The state at the end of every turn, in one prepared statement (the hot path: a Model.save
    rebuilds its values and query each time). Writing clears blocked_at: they wrote to us."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    stamp: Any = now if dialect == "postgres" else now.isoformat(sep=" ", timespec="microseconds")
    await conn.execute_query(
        _sql(_SAVE_STATE_SQL, dialect),
        [
            identity.flow,
            identity.step,
            json.dumps(identity.state, separators=(",", ":")),
            identity.state_version,
            stamp,
            json.dumps(identity.recent_messages, separators=(",", ":")),
            identity.id,
        ],
    )


async def recent_activity(unit_id: int, kind_id: int | None = None) -> Activity | None:
    """The unit's latest report (of a kind), for "như lần trước"."""
    query = Activity.filter(unit_id=unit_id, deleted_at=None)
    if kind_id is not None:
        query = query.filter(kind_id=kind_id)
    return await query.order_by("-activity_date", "-id").first()


async def recent_topics(unit_id: int, reports: int = 10, limit: int = 5) -> list[str]:
    """The topics of the unit's last reports, the most used first: what it is likely to pick."""
    rows = (
        await Activity.filter(unit_id=unit_id, deleted_at=None)
        .order_by("-id")
        .limit(reports)
        .values_list("data", flat=True)
    )
    counts: dict[str, int] = {}
    for data in rows:
        topics = data.get("topics") if isinstance(data, dict) else None
        code: Any
        for code in topics if isinstance(topics, list) else []:
            if isinstance(code, str):
                counts[code] = counts.get(code, 0) + 1
    return sorted(counts, key=lambda c: -counts[c])[:limit]
