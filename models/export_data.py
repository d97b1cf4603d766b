"""What an export reads: the reporting units of a subtree, their parents and reporters, and the
activities of a period or a date range, fetched a page of units at a time so that memory stays
flat however many activities there are."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise import connections

from models.entities import Media, OutboxStatus, Role, Unit
from models.queries import _dt, _sql, subtree_prefix

# Units per activity query: a bounded IN list, a bounded page in memory, and on SQLite the shared
# connection is free between pages for the chat turns that wait on it.
UNITS_PER_PAGE = 300


@dataclass(frozen=True)
class ReportingUnit:
    id: int
    code: str
    name: str
    parent_id: int | None
    path: str


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: int
    unit_id: int
    kind_id: int
    activity_date: date
    data: dict[str, Any]
    version: int
    created_at: datetime
    edited_at: datetime | None  # None until the report is edited (version 1)
    reporter: str


async def _fetch(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    # SQLite keeps dates as ISO text; asyncpg wants date objects.
    if dialect != "postgres":
        params = [p.isoformat() if isinstance(p, date) else p for p in params]
    return await conn.execute_query_dict(_sql(sql, dialect), params)


async def reporting_units(root: Unit | None) -> list[ReportingUnit]:
    """The units that report, in the same order and with the same filter as unit_statuses."""
    rows = await _fetch(
        """
        SELECT id, code, name, parent_id, path FROM units
        WHERE reports = ? AND active = ? AND path LIKE ?
        ORDER BY path
        """,
        [True, True, subtree_prefix(root)],
    )
    return [ReportingUnit(r["id"], r["code"], r["name"], r["parent_id"], r["path"]) for r in rows]


async def unit_names(ids: Iterable[int]) -> dict[int, str]:
    """Names of the given units (parents of reporting units may lie outside the subtree)."""
    wanted = sorted(set(ids))
    names: dict[int, str] = {}
    for i in range(0, len(wanted), UNITS_PER_PAGE):
        page = wanted[i : i + UNITS_PER_PAGE]
        for u in await Unit.filter(id__in=page).values("id", "name"):
            names[u["id"]] = u["name"]
    return names


async def reporter_contacts(root: Unit | None) -> dict[int, list[tuple[str, str]]]:
    """Active reporters (the cells' secretaries) of each unit under `root`: (name, phone)."""
    rows = await _fetch(
        """
        SELECT m.unit_id, m.name, m.phone FROM members m
        JOIN units u ON u.id = m.unit_id
        WHERE m.active = ? AND m.role = ? AND u.path LIKE ?
        ORDER BY m.id
        """,
        [True, Role.REPORTER.value, subtree_prefix(root)],
    )
    out: dict[int, list[tuple[str, str]]] = {}
    for r in rows:
        out.setdefault(r["unit_id"], []).append((r["name"], r["phone"] or ""))
    return out


async def reminders_sent(period_id: int, root: Unit | None) -> dict[int, int]:
    """Reminders of the period actually sent to each unit's members under `root`. Reminder keys
    are "remind:<period id>:<stage>:<member id>" (handlers/reminders.py)."""
    rows = await _fetch(
        """
        SELECT m.unit_id, COUNT(*) AS n FROM outbox o
        JOIN members m ON m.id = o.member_id
        JOIN units u ON u.id = m.unit_id
        WHERE o.category = ? AND o.status = ? AND o.key LIKE ? AND u.path LIKE ?
        GROUP BY m.unit_id
        """,
        ["reminder", OutboxStatus.SENT.value, f"remind:{period_id}:%", subtree_prefix(root)],
    )
    return {r["unit_id"]: int(r["n"]) for r in rows}


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return json.loads(value) if value else {}


def _date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


async def _activity_page(sql: str, params: list[Any]) -> dict[int, list[Any]]:
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    if dialect != "postgres":
        params = [p.isoformat() if isinstance(p, date) else p for p in params]
    # Rows as the driver gives them (sqlite3.Row, asyncpg Record): both read by column name.
    _, rows = await conn.execute_query(_sql(sql, dialect), params)
    by_unit: dict[int, list[Any]] = {}
    for r in rows:
        by_unit.setdefault(r["unit_id"], []).append(r)
    return by_unit


async def activity_rows(
    unit_ids: Sequence[int],
    *,
    period_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> AsyncIterator[ActivityRow]:
    """Live activities of the given units, unit by unit in the order given, then by activity
    date: those of `period_id`, or those whose activity date lies in [start, end]."""
    scope: list[Any]
    if period_id is not None:
        where, scope = "a.period_id = ?", [period_id]
    elif start is not None and end is not None:
        where, scope = "a.activity_date >= ? AND a.activity_date <= ?", [start, end]
    else:
        raise ValueError("activity_rows needs a period or a date range")
    pages = [
        list(unit_ids[i : i + UNITS_PER_PAGE]) for i in range(0, len(unit_ids), UNITS_PER_PAGE)
    ]

    def fetch(page: list[int]) -> asyncio.Task[dict[int, list[Any]]]:
        marks = ", ".join("?" * len(page))
        sql = f"""
            SELECT a.id, a.unit_id, a.kind_id, a.activity_date, a.data, a.version,
                   a.created_at, a.updated_at, m.name AS reporter
            FROM activities a JOIN members m ON m.id = a.reporter_id
            WHERE a.unit_id IN ({marks}) AND {where} AND a.deleted_at IS NULL
            ORDER BY a.unit_id, a.activity_date, a.id
            """
        return asyncio.ensure_future(_activity_page(sql, [*page, *scope]))

    pending = fetch(pages[0]) if pages else None
    try:
        for n, page in enumerate(pages):
            assert pending is not None
            by_unit = await pending
            pending = None
            if n + 1 < len(pages):
                # The next page is read while this one is written out.
                pending = fetch(pages[n + 1])
                await asyncio.sleep(0)
            for unit_id in page:
                for r in by_unit.pop(unit_id, ()):
                    yield ActivityRow(
                        id=r["id"],
                        unit_id=unit_id,
                        kind_id=r["kind_id"],
                        activity_date=_date(r["activity_date"]),
                        data=_json(r["data"]),
                        version=r["version"],
                        created_at=_dt(r["created_at"]) or datetime.min,
                        edited_at=_dt(r["updated_at"]) if r["version"] > 1 else None,
                        reporter=r["reporter"],
                    )
    finally:
        if pending is not None:
            pending.cancel()


def _count(value: Any) -> int:
    # A hand-edited or legacy row may hold anything; only whole numbers count.
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def form_quantities(
    data: dict[str, Any], form_key: str = "form", quantity_key: str | None = "quantity"
) -> dict[str, int]:
    """How many of each form one activity counts: {"Băng rôn": 3, "Khẩu hiệu": 2}.

    Reads both shapes a report may hold under the kind's form field: a dict of form label to
    quantity (several forms in one report), or a single chosen label with the quantity in its
    own field (`quantity_key`; None or absent: the activity counts once, as a meeting does)."""
    value = data.get(form_key)
    if isinstance(value, dict):
        out: dict[str, int] = {}
        for label, n in value.items():
            if isinstance(label, str) and _count(n):
                out[label] = out.get(label, 0) + _count(n)
        return out
    if isinstance(value, str) and value:
        if quantity_key is None or quantity_key not in data:
            return {value: 1}
        n = _count(data.get(quantity_key))
        return {value: n} if n else {}
    return {}


async def media_paths(hashes: Iterable[str]) -> dict[str, str]:
    """Stored paths (relative to the media folder) of the given photos, by SHA-256."""
    wanted = sorted(set(hashes))
    out: dict[str, str] = {}
    for i in range(0, len(wanted), UNITS_PER_PAGE):
        page = wanted[i : i + UNITS_PER_PAGE]
        for m in await Media.filter(sha256__in=page).values("sha256", "path"):
            out[m["sha256"]] = m["path"]
    return out
