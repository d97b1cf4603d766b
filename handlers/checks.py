"""Checks that catch what a reviewer would want to look at twice: a figure far beyond the unit's
own history or a kind's soft limit (asked once before saving, flagged if kept), and a photo that
is the same picture as one sent with another report, even resized or recompressed by the chat
app (a perceptual hash beside the SHA-256)."""

from __future__ import annotations

import asyncio
import io
import statistics
from datetime import date
from typing import Any

from tortoise import connections

from handlers import review_texts as RT
from handlers.catalog import KindInfo
from handlers.fields import Field, Question, show
from handlers.turn import Turn
from models import Activity, Media, Period
from models.periods import ReportRules, bounds_for
from models.review import activities_with_photo

TIMES_MEDIAN = 5  # a value more than this many times the unit's median is questioned
HISTORY_PERIODS = 6
MIN_HISTORY = 3  # fewer earlier values than this: no median to judge by
PHASH_DISTANCE = 8  # of 64 bits: a resized or recompressed copy stays well within it


def figure(f: Field, value: Any) -> int | None:
    """The number a field holds: an int field's value, or a forms field's total."""
    if f["type"] == "int" and isinstance(value, int):
        return value
    if f["type"] == "forms" and isinstance(value, dict):
        return sum(v for v in value.values() if isinstance(v, int))
    return None


def history_start(period: Period, rules: ReportRules) -> date:
    """The first day of the period HISTORY_PERIODS before `period`."""
    start = period.start
    for _ in range(HISTORY_PERIODS):
        start = bounds_for(date.fromordinal(start.toordinal() - 1), rules).start
    return start


async def suspicious(
    unit_id: int,
    kind: KindInfo,
    values: dict[str, Any],
    period: Period,
    rules: ReportRules,
    exclude: int | None = None,
) -> list[tuple[Field, int]]:
    """Fields whose figure is above the field's soft_max, or more than TIMES_MEDIAN times the
    median of the unit's reports of this kind over the last HISTORY_PERIODS periods."""
    fields = [f for f in kind.fields if figure(f, values.get(f["key"])) is not None]
    if not fields:
        return []
    query = Activity.filter(
        unit_id=unit_id,
        kind_id=kind.id,
        deleted_at=None,
        period__start__gte=history_start(period, rules),
        period__start__lt=period.start,
    )
    if exclude is not None:
        query = query.exclude(id=exclude)
    earlier = await query.values_list("data", flat=True)
    out = []
    for f in fields:
        value = figure(f, values.get(f["key"]))
        assert value is not None
        past: list[int] = []
        for data in earlier:
            n = figure(f, data.get(f["key"])) if isinstance(data, dict) else None
            if n is not None:
                past.append(n)
        soft_max = f.get("soft_max")
        too_high = isinstance(soft_max, int) and value > soft_max
        if len(past) >= MIN_HISTORY:
            too_high |= value > TIMES_MEDIAN * statistics.median(past)
        if too_high:
            out.append((f, value))
    return out


async def question_figures(
    turn: Turn, kind: KindInfo, values: dict[str, Any], period: Period
) -> bool:
    """Ask about the first suspicious figure not yet confirmed; True when a question was asked."""
    kept: dict[str, int] = turn.state.setdefault("kept", {})
    found = await suspicious(
        turn.unit.id, kind, values, period, turn.rules, exclude=turn.state.get("edit")
    )
    turn.state["flagged"] = [
        {"kind": "figure", "label": f["label"], "value": show(f, values[f["key"]], turn.catalog)}
        for f, value in found
        if kept.get(f["key"]) == value
    ]
    doubt = next(((f, v) for f, v in found if kept.get(f["key"]) != v), None)
    if doubt is None:
        return False
    f, value = doubt
    turn.goto("report", "doubt")
    turn.state["doubt"] = [f["key"], value]
    shown = show(f, values[f["key"]], turn.catalog, brief=True)
    turn.ask(
        Question(
            RT.SUSPICIOUS.format(label=f["label"], value=shown),
            [("keep", RT.KEEP), ("fix", RT.FIX_VALUE)],
            free=False,
        )
    )
    return True


def perceptual_hash(content: bytes) -> str | None:
    """The 64-bit pHash of an image as 16 hex digits; None when Pillow cannot read it."""
    import imagehash
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            return str(imagehash.phash(image))
    except (UnidentifiedImageError, OSError, ValueError):
        return None


async def phash_of(content: bytes) -> str | None:
    return await asyncio.to_thread(perceptual_hash, content)


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


async def photo_flags(activity_id: int, photos: list[str]) -> list[dict[str, Any]]:
    """For each photo of the report that another report already holds, by its bytes or as a
    near copy of the picture (resized, recompressed), a flag naming the earlier report."""
    if not photos:
        return []
    mine = {m.sha256: m.phash for m in await Media.filter(sha256__in=photos)}
    known: list[tuple[str, int]] | None = None
    flags: list[dict[str, Any]] = []
    for sha in photos:
        probes = [sha]
        phash = mine.get(sha)
        if phash is not None:
            if known is None:  # every stored photo's hash, read once, compared as integers
                _, rows = await connections.get("default").execute_query(
                    "SELECT sha256, phash FROM media WHERE phash IS NOT NULL"
                )
                known = [(r[0], int(r[1], 16)) for r in rows]
            mine_int = int(phash, 16)
            probes += [
                s for s, p in known if s != sha and (mine_int ^ p).bit_count() <= PHASH_DISTANCE
            ]
        earlier = await activities_with_photo(probes, activity_id)
        match = min(earlier.values(), key=lambda a: a.id, default=None)
        if match is not None:
            flags.append({"kind": "photo", "receipt": match.receipt, "unit": match.unit.name})
    return flags
