"""One unit, one period, one truth: a nil report ("không phát sinh") and a live report of the
same unit and period never both stand.

The database enforces it (migration 0006): on PostgreSQL every insert or move of a report and
every nil report first takes a transaction lock on (unit, period), a nil report is refused while
a live report exists, and a commit that would leave both fails; on SQLite (one writer) triggers
refuse the nil report and a report moved into a period drops that period's nil report. Flows
call `hold` before they look, so that the loser of a race gets a clear answer instead of an
error."""

from __future__ import annotations

from tortoise import connections

# The error text the triggers raise (matched by callers that want to answer it).
NIL_REFUSED = "unit_period_has_reports"


async def hold(unit_id: int, period_id: int) -> None:
    """Lock (unit, period) until the transaction ends (PostgreSQL; SQLite has one writer)."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1, $2)", [unit_id, period_id])
