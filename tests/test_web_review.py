"""The review queue on the board's page: the chat's actions (approve, send back with a reason),
the same refusals, and the session's scope."""

from __future__ import annotations

import re

import pytest
import test_web
from test_web import Site

from factories import World
from handlers import review_texts as RT
from handlers import reviewing
from models import Activity, AuditEntry, Outbox
from models.review import Review, ReviewState

# The board's page with its seeded data, as tests/test_web.py makes it.
site = pytest.fixture(test_web.site.__wrapped__)  # type: ignore[attr-defined]


async def test_the_queue_approves_and_sends_back_like_the_chat(site: Site, world: World) -> None:
    mine = site.data.photo_activity
    late = await Activity.get(unit_id=world.cells[1].id)
    other = site.data.other_activity  # the other commune's
    for a in (mine, late, other):
        await reviewing.submitted(a, a.reporter_id, site.clock(), [])
    await site.login(world.supervisor)
    html = await (await site.client.get("/web/review")).text()
    assert mine.receipt in html and late.receipt in html and other.receipt not in html
    assert f"/web/u/{world.cells[0].id}/2026-11#r{mine.id}" in html
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    r = await site.client.post(
        f"/web/review/{mine.id}/approve", data={"csrf": csrf, "version": str(mine.version)}
    )
    assert r.status == 200 and RT.APPROVED.format(receipt=mine.receipt) in await r.text()
    assert (await Review.get(activity_id=mine.id)).state == ReviewState.APPROVED
    assert await AuditEntry.filter(entity_id=mine.id, action="approve").count() == 1
    again = await site.client.post(
        f"/web/review/{mine.id}/approve", data={"csrf": csrf, "version": str(mine.version)}
    )
    assert again.status == 409

    # Sending back needs a reason; then the reporter is told (the outbox row the sender drains).
    empty = await site.client.post(
        f"/web/review/{late.id}/send-back", data={"csrf": csrf, "version": "1", "reason": "  "}
    )
    assert empty.status == 400
    stale = await site.client.post(
        f"/web/review/{late.id}/send-back", data={"csrf": csrf, "version": "7", "reason": "x"}
    )
    assert stale.status == 409
    r = await site.client.post(
        f"/web/review/{late.id}/send-back",
        data={"csrf": csrf, "version": "1", "reason": "thiếu ảnh"},
    )
    assert r.status == 200
    review = await Review.get(activity_id=late.id)
    assert review.state == ReviewState.RETURNED and review.reason == "thiếu ảnh"
    told = await Outbox.get(member_id=late.reporter_id, category="returned")
    assert "thiếu ảnh" in told.text

    # Another commune's report, or no CSRF token: refused, nothing changed.
    r = await site.client.post(
        f"/web/review/{other.id}/approve", data={"csrf": csrf, "version": "1"}
    )
    assert r.status == 404
    r = await site.client.post(f"/web/review/{late.id}/approve", data={"version": "1"})
    assert r.status == 403
    assert (await Review.get(activity_id=other.id)).state == ReviewState.PENDING
