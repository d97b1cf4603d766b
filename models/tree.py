"""The unit tree's materialised path ("/1/4/17/"), kept in one place."""

from __future__ import annotations

from models.entities import Unit


def child_path(parent: Unit | None, unit_id: int) -> str:
    return f"{parent.path if parent else '/'}{unit_id}/"


async def add_unit(
    code: str,
    name: str,
    parent: Unit | None = None,
    *,
    level: str = "",
    reports: bool = True,
    locality: str = "",
) -> Unit:
    """A new unit under `parent` (or a root), with its path and depth."""
    unit = await Unit.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        reports=reports,
        locality=locality,
        depth=parent.depth + 1 if parent else 0,
    )
    unit.path = child_path(parent, unit.id)
    await unit.save(update_fields=["path"])
    return unit
