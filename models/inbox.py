"""The inbox's queries (table `inbox`, models.entities.InboxEntry): an update written once under
its platform id, claimed by one process at a time, the head of each chat first, and marked done
in the transaction of its turn."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections

from models.queries import _sql


@dataclass(frozen=True)
class InboxRow:
    id: int
    account: str
    key: str
    chat: str
    body: Any


def _stamp(dialect: str, at: datetime) -> Any:
    # Text on SQLite, exactly as Tortoise writes it: comparisons between the two must agree.
    at = at.astimezone(UTC)
    return at if dialect == "postgres" else at.isoformat(sep=" ")


async def add(
    channel: str, account: str, key: str, chat: str, body: Any, now: datetime
) -> int | None:
    """Write the update (committed, on disk) unless its key is there already: the new row's id,
    or None for a repeat."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    rows = await conn.execute_query_dict(
        _sql(
            "INSERT INTO inbox (channel, account, key, chat, body, received_at, claimed_by) "
            "VALUES (?, ?, ?, ?, ?, ?, '') "
            "ON CONFLICT (channel, account, key) DO NOTHING RETURNING id",
            dialect,
        ),
        [
            channel,
            account,
            key[:128],
            chat[:64],
            json.dumps(body, separators=(",", ":")),
            _stamp(dialect, now),
        ],
    )
    return int(rows[0]["id"]) if rows else None


# A row may be taken when it is not done, not leased to a live process, and no earlier row of its
# chat is waiting: one chat's updates are handled one after another, in the order received. The
# heads come from one grouped pass over the waiting rows (a correlated NOT EXISTS was quadratic
# when the planner misjudged a table that had just filled up).
_HEADS = """
    SELECT i.id FROM inbox i
    WHERE i.id IN (SELECT MIN(w.id) FROM inbox w WHERE w.channel = ? AND w.done_at IS NULL
                   GROUP BY w.account, w.chat)
      AND (i.claimed_until IS NULL OR i.claimed_until < ?)
      {exclude}
    ORDER BY i.id LIMIT ?
"""


async def claim(
    channel: str,
    owner: str,
    limit: int,
    now: datetime,
    lease: timedelta,
    busy: set[int],
) -> list[InboxRow]:
    """Up to `limit` rows to handle now. On PostgreSQL they are leased to `owner` (SKIP LOCKED:
    two processes never take the same row); SQLite serves one process, which knows its `busy`
    rows."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    if dialect == "postgres":
        heads = _HEADS.format(exclude="") + " FOR UPDATE SKIP LOCKED"
        rows = await conn.execute_query_dict(
            _sql(
                f"UPDATE inbox SET claimed_by = ?, claimed_until = ? WHERE id IN ({heads}) "
                "RETURNING id, account, key, chat, body",
                dialect,
            ),
            [owner, now + lease, channel, now, limit],
        )
    else:
        exclude = f"AND i.id NOT IN ({','.join(str(int(b)) for b in busy)})" if busy else ""
        rows = await conn.execute_query_dict(
            "SELECT id, account, key, chat, body FROM inbox WHERE id IN "
            f"({_HEADS.format(exclude=exclude)})",
            [channel, _stamp(dialect, now), limit],
        )
    out = [
        InboxRow(
            int(r["id"]),
            r["account"],
            r["key"],
            r["chat"],
            json.loads(r["body"]) if isinstance(r["body"], str) else r["body"],
        )
        for r in rows
    ]
    return sorted(out, key=lambda r: r.id)


async def mark_done(row_id: int, now: datetime) -> None:
    """The row is handled (inside the turn's transaction when there is a turn)."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    await conn.execute_query(
        _sql("UPDATE inbox SET done_at = ? WHERE id = ? AND done_at IS NULL", dialect),
        [_stamp(dialect, now), row_id],
    )


async def is_done(row_id: int) -> bool:
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    rows = await conn.execute_query_dict(
        _sql("SELECT done_at FROM inbox WHERE id = ?", dialect), [row_id]
    )
    return not rows or rows[0]["done_at"] is not None


async def extend(owner: str, ids: set[int], until: datetime) -> None:
    """Keep the leases of rows still being handled (a photo download may be slow)."""
    conn = connections.get("default")
    if not ids or conn.capabilities.dialect != "postgres":
        return
    await conn.execute_query(
        "UPDATE inbox SET claimed_until = $1 WHERE claimed_by = $2 AND done_at IS NULL "
        "AND id = ANY($3::bigint[])",
        [until, owner, list(ids)],
    )


async def release(owner: str) -> None:
    """At shutdown: rows this process leased but did not finish go to the next process at once."""
    conn = connections.get("default")
    if conn.capabilities.dialect != "postgres":
        return
    await conn.execute_query(
        "UPDATE inbox SET claimed_until = NULL WHERE claimed_by = $1 AND done_at IS NULL",
        [owner],
    )


async def waiting(channel: str) -> int:
    conn = connections.get("default")
    rows = await conn.execute_query_dict(
        _sql(
            "SELECT COUNT(*) AS n FROM inbox WHERE channel = ? AND done_at IS NULL",
            conn.capabilities.dialect,
        ),
        [channel],
    )
    return int(rows[0]["n"])


async def prune(before: datetime) -> int:
    """Done rows older than any platform's redelivery (Telegram keeps updates 24 h, Zalo OA
    retries for about 2 h): their keys are no longer needed to recognise a repeat."""
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    changed, _ = await conn.execute_query(
        _sql("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", dialect),
        [_stamp(dialect, before)],
    )
    return int(changed)
