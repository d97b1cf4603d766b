"""The audit trail: every create, edit and delete of a report, with who and what changed."""

from __future__ import annotations

from typing import Any

from models import AuditEntry


async def record(
    member_id: int | None, entity: str, entity_id: int, action: str, before: Any, after: Any
) -> None:
    await AuditEntry.create(
        member_id=member_id,
        entity=entity,
        entity_id=entity_id,
        action=action,
        before=before,
        after=after,
    )
