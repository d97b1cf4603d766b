"""Writing outbox rows when another sweep (a second process, a second `remind --now`) may write
the same keys at the same moment: one statement that inserts what is new and says which rows it
wrote, so that a count printed is the count of rows this call wrote."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from models.entities import OutboxStatus
from models.queries import _sql

CHUNK = 500  # rows per statement: well under SQLite's 32,766 parameters at 10 a row


@dataclass(frozen=True)
class NewOutbox:
    key: str
    member_id: int
    category: str
    text: str
    payload: dict[str, Any]
    not_before: datetime


async def write_new(rows: list[NewOutbox], now: datetime) -> set[str]:
    """Insert the rows whose key is not taken; the keys this call wrote."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect

    def stamp(at: datetime) -> Any:
        # In UTC, and on SQLite as text exactly as Tortoise writes it: comparisons must agree.
        at = at.astimezone(UTC)
        return at if dialect == "postgres" else at.isoformat(sep=" ")

    written: set[str] = set()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        values: list[Any] = []
        for r in chunk:
            values += [
                r.key,
                r.member_id,
                r.category,
                r.text,
                json.dumps(r.payload, separators=(",", ":")),
                OutboxStatus.PENDING.value,
                "",
                0,
                stamp(r.not_before),
                stamp(now),
                "",
            ]
        placeholders = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
        result = await conn.execute_query_dict(
            _sql(
                "INSERT INTO outbox (key, member_id, category, text, payload, status, channel, "
                f"attempts, not_before, created_at, last_error) VALUES {placeholders} "
                "ON CONFLICT (key) DO NOTHING RETURNING key",
                dialect,
            ),
            values,
        )
        written.update(r["key"] for r in result)
    return written
