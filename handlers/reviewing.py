"""The review's actions, one function each, called by the chat (handlers/review.py) and by any
other face (a web page) alike: a report submitted or resubmitted, approved, sent back; a
commune's figures closed or reopened. Every notification is an outbox row under a unique key, so
that it is written once whoever calls and however often.

Notifications (`notify`, run on each outbox tick):
    new or fixed report, to the parent unit's supervisors   review:new:<activity>:<version>:<m>
        at once, or gathered in one digest a day             review:digest:<date>:<m>
    sent back, to the reporter (with "Sửa báo cáo")           review:back:<activity>:<version>:<m>
    not fixed, chased every `every_days` like a missing one  review:chase:<a>:<v>:<k>:<m>
    approvals of the day, to the reporters                   review:ok:<date>:<m>"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from handlers import review_texts as RT
from handlers import texts as T
from handlers.audit import record
from handlers.reminders import ReminderPlan, _reachable
from handlers.supervise import scope_unit
from models import Activity, Member, Outbox, Period, Role, Unit
from models.periods import VN_TZ, is_locked, vn_today
from models.queries import Status, _dt, fetch, unit_statuses
from models.review import Closing, Review, ReviewState, closing_over, unit_reviews


@dataclass(frozen=True)
class Decision:
    done: bool
    message: str
    version: int = 0  # the report's current version, when the decision was refused as stale


async def submitted(
    activity: Activity, member_id: int, now: datetime, flags: list[dict[str, Any]]
) -> None:
    """A new report enters the queue."""
    await Review.get_or_create(
        activity_id=activity.id,
        defaults={"version": activity.version, "queued_at": now, "flags": flags},
    )


async def resubmitted(
    activity_id: int, version: int, member_id: int, now: datetime, flags: list[dict[str, Any]]
) -> bool:
    """An edited report is a new version in the queue, whatever its state was; True when it had
    been sent back (the supervisor is then told it is fixed)."""
    review = await Review.get_or_none(activity_id=activity_id)
    if review is None:
        await Review.create(
            activity_id=activity_id,
            version=version,
            queued_at=now,
            flags=flags,
            edited_by_id=member_id,
        )
        return False
    await Review.filter(id=review.id).update(
        state=ReviewState.PENDING,
        version=version,
        queued_at=now,
        flags=flags,
        edited_by_id=member_id,
        decided_at=None,
    )
    return review.state == ReviewState.RETURNED


async def may_review(member: Member, unit: Unit) -> bool:
    if member.role == Role.REPORTER:
        return False
    home = await Unit.get(id=member.unit_id)
    scope = await scope_unit(member, home)
    return unit.path.startswith(scope.path) and unit.id != scope.id


async def _load(activity_id: int) -> Activity | None:
    return (
        await Activity.filter(id=activity_id, deleted_at=None)
        .select_related("unit", "kind", "reporter")
        .first()
    )


async def _check(activity_id: int, version: int, member: Member) -> Decision | Activity:
    receipt = f"BC-{activity_id:06d}"
    activity = await _load(activity_id)
    if activity is None:
        return Decision(False, RT.GONE.format(receipt=receipt))
    if not await may_review(member, activity.unit):
        return Decision(False, RT.NOT_YOURS.format(receipt=receipt))
    if activity.version != version:
        return Decision(
            False, RT.STALE.format(receipt=receipt, version=activity.version), activity.version
        )
    return activity


async def approve(activity_id: int, version: int, member: Member, now: datetime) -> Decision:
    """Approve the version the reviewer saw; a second approval, or one of an older version,
    changes nothing and says why."""
    checked = await _check(activity_id, version, member)
    if isinstance(checked, Decision):
        return checked
    receipt = checked.receipt
    changed = await Review.filter(
        activity_id=activity_id,
        version=version,
        state__in=[ReviewState.PENDING, ReviewState.RETURNED],
    ).update(state=ReviewState.APPROVED, reviewer_id=member.id, decided_at=now)
    if not changed:
        review = await Review.get_or_none(activity_id=activity_id)
        if review is not None and review.version != version:
            return Decision(False, RT.STALE.format(receipt=receipt, version=review.version))
        if review is not None:
            return Decision(False, RT.ALREADY_APPROVED.format(receipt=receipt, version=version))
        # A report from before reviews existed: approved now, explicitly.
        _, created = await Review.get_or_create(
            activity_id=activity_id,
            defaults={
                "version": version,
                "queued_at": now,
                "state": ReviewState.APPROVED,
                "reviewer_id": member.id,
                "decided_at": now,
            },
        )
        if not created:
            return Decision(False, RT.ALREADY_APPROVED.format(receipt=receipt, version=version))
    await record(member.id, "activity", activity_id, "approve", None, {"version": version})
    return Decision(True, RT.APPROVED.format(receipt=receipt))


async def send_back(
    activity_id: int, version: int, member: Member, reason: str, now: datetime
) -> Decision:
    """Return the report to its reporter with the reason; they are told at once (outbox)."""
    checked = await _check(activity_id, version, member)
    if isinstance(checked, Decision):
        return checked
    activity = checked
    review, _ = await Review.get_or_create(
        activity_id=activity_id,
        defaults={"version": version, "queued_at": now, "state": ReviewState.APPROVED},
    )
    changed = await Review.filter(
        id=review.id, version=version, state__in=[ReviewState.PENDING, ReviewState.APPROVED]
    ).update(state=ReviewState.RETURNED, reason=reason, reviewer_id=member.id, decided_at=now)
    if not changed:
        return Decision(False, RT.ALREADY_RETURNED.format(receipt=activity.receipt))
    await record(
        member.id,
        "activity",
        activity_id,
        "send_back",
        None,
        {"version": version, "reason": reason},
    )
    text = RT.RETURNED.format(
        receipt=activity.receipt,
        kind=activity.kind.name,
        date=activity.activity_date.strftime("%d/%m"),
        reason=reason,
    )
    await Outbox.get_or_create(
        key=f"review:back:{activity_id}:{version}:{activity.reporter_id}",
        defaults={
            "member_id": activity.reporter_id,
            "category": "returned",
            "text": text,
            "payload": {"activity": activity_id, "version": version},
            "not_before": now,
        },
    )
    return Decision(
        True,
        RT.SENT_BACK.format(receipt=activity.receipt, name=activity.reporter.name, reason=reason),
    )


async def has_cells(unit: Unit) -> bool:
    return (
        await Unit.filter(path__startswith=unit.path, reports=True, active=True)
        .exclude(id=unit.id)
        .exists()
    )


async def close_figures(unit: Unit, period: Period, member: Member, now: datetime) -> Decision:
    """The commune's "chốt số liệu" for the period, once every report of its cells is reviewed."""
    label = T.period_label(period.start, period.end)
    if member.role == Role.REPORTER or member.unit_id != unit.id:
        return Decision(False, RT.NOT_A_REVIEWER)
    if not await has_cells(unit):
        return Decision(False, RT.NOT_A_COMMUNE.format(unit=unit.name))
    reviews = (await unit_reviews(period.id, unit)).values()
    pending, returned = sum(r.pending for r in reviews), sum(r.returned for r in reviews)
    if pending or returned:
        return Decision(
            False, RT.OPEN_REVIEWS.format(pending=pending, returned=returned, period=label)
        )
    closing, created = await Closing.get_or_create(
        unit_id=unit.id,
        period_id=period.id,
        defaults={"closed": True, "member_id": member.id, "changed_at": now},
    )
    if not created:
        changed = await Closing.filter(id=closing.id, closed=False).update(
            closed=True, member_id=member.id, changed_at=now
        )
        if not changed:
            return Decision(False, RT.ALREADY_CLOSED.format(period=label, unit=unit.name))
    await record(member.id, "closing", unit.id, "close", None, {"period": period.id})
    return Decision(True, RT.CLOSED_DONE.format(period=label, unit=unit.name))


async def reopen(unit: Unit, period: Period, member: Member, now: datetime) -> Decision:
    """Undo a closing, so that the cells may edit again; audited like the closing."""
    label = T.period_label(period.start, period.end)
    if member.role == Role.REPORTER or member.unit_id != unit.id:
        return Decision(False, RT.NOT_A_REVIEWER)
    changed = await Closing.filter(unit_id=unit.id, period_id=period.id, closed=True).update(
        closed=False, member_id=member.id, changed_at=now
    )
    if not changed:
        return Decision(False, RT.NOT_CLOSED.format(period=label, unit=unit.name))
    await record(member.id, "closing", unit.id, "reopen", {"period": period.id}, None)
    return Decision(True, RT.REOPENED.format(period=label, unit=unit.name))


async def closed_by(unit: Unit, period_id: int) -> Unit | None:
    return await closing_over(unit, period_id)


# -- notifications -------------------------------------------------------------------------------


async def _supervisors(unit_ids: set[int]) -> dict[int, list[Member]]:
    members = await _reachable(
        await Member.filter(unit_id__in=list(unit_ids), role=Role.SUPERVISOR, active=True)
    )
    out: dict[int, list[Member]] = {}
    for m in members:
        out.setdefault(m.unit_id, []).append(m)
    return out


async def _write(rows: list[Outbox]) -> int:
    if not rows:
        return 0
    existing = set(await Outbox.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    fresh = [r for r in rows if r.key not in existing]
    await Outbox.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def _flag(review: Review) -> str:
    return RT.NOTIFY_FLAG if review.flags else ""


async def notify(now: datetime, plan: ReminderPlan, gathered: bool, digest_hour: int) -> int:
    """Write the review's notifications that are due now; how many rows were written. Runs on
    every outbox tick: each part reads only what it may still have to write."""
    local = now.astimezone(VN_TZ)
    today = local.date()
    digest_at = datetime.combine(today, time(digest_hour), VN_TZ).astimezone(UTC)
    not_before = plan.not_before(now)
    rows: list[Outbox] = []
    if not gathered:
        rows += await _at_once(not_before)
    elif now >= digest_at:
        rows += await _digest(today, not_before)
    if now >= digest_at:
        rows += await _approved_digest(digest_at - timedelta(days=1), digest_at, today, not_before)
    if local.hour >= plan.send_hour and not plan.is_day_off(today):
        rows += await _chases(now, today, plan, not_before)
    return await _write(rows)


async def _untold() -> list[Review]:
    """Waiting versions not yet told to the supervisors."""
    untold = await fetch(
        "SELECT id FROM reviews WHERE state = ? AND notified_version < version",
        [ReviewState.PENDING.value],
    )
    if not untold:
        return []
    query = Review.filter(id__in=[r["id"] for r in untold], activity__deleted_at=None)
    return list(
        await query.select_related("activity", "activity__unit", "activity__kind").order_by(
            "queued_at", "id"
        )
    )


async def _at_once(not_before: datetime) -> list[Outbox]:
    """One message per new or fixed version, to each supervisor of the unit's parent."""
    waiting = await _untold()
    supervisors = await _supervisors({r.activity.unit.parent_id or 0 for r in waiting})
    rows = []
    for r in waiting:
        a = r.activity
        for s in supervisors.get(a.unit.parent_id or 0, []):
            if r.version > 1 and r.reason:
                text = RT.NOTIFY_FIXED.format(
                    receipt=a.receipt, unit=a.unit.name, version=r.version, flag=_flag(r)
                )
            else:
                text = RT.NOTIFY_NEW.format(
                    receipt=a.receipt,
                    unit=a.unit.name,
                    kind=a.kind.name,
                    date=a.activity_date.strftime("%d/%m"),
                    flag=_flag(r),
                )
            rows.append(
                Outbox(
                    key=f"review:new:{a.id}:{r.version}:{s.id}",
                    member_id=s.id,
                    category="review",
                    text=text,
                    payload={"activity": a.id, "version": r.version},
                    not_before=not_before,
                )
            )
        # Only the version read here: one edited meanwhile is told of at the next tick.
        await Review.filter(id=r.id, version=r.version).update(notified_version=r.version)
    return rows


async def _digest(today: Any, not_before: datetime) -> list[Outbox]:
    """One message a day to each supervisor: how many reports wait, how many were fixed (one
    aggregate query, so that each tick after the digest hour stays cheap)."""
    waiting = await fetch(
        """
        SELECT u.parent_id, COUNT(*) AS n, MIN(r.queued_at) AS oldest,
               SUM(CASE WHEN r.version > 1 AND r.reason <> '' THEN 1 ELSE 0 END) AS fixed
        FROM reviews r
        JOIN activities a ON a.id = r.activity_id
        JOIN units u ON u.id = a.unit_id
        WHERE r.state = ? AND a.deleted_at IS NULL AND u.parent_id IS NOT NULL
        GROUP BY u.parent_id
        """,
        [ReviewState.PENDING.value],
    )
    supervisors = await _supervisors({w["parent_id"] for w in waiting})
    rows = []
    for w in waiting:
        oldest = _dt(w["oldest"]) or datetime.now(UTC)
        fixed = int(w["fixed"] or 0)
        text = RT.DIGEST.format(
            n=int(w["n"]),
            fixed=RT.DIGEST_FIXED.format(n=fixed) if fixed else "",
            oldest=oldest.astimezone(VN_TZ).strftime("%d/%m"),
        )
        for s in supervisors.get(w["parent_id"], []):
            rows.append(
                Outbox(
                    key=f"review:digest:{today.isoformat()}:{s.id}",
                    member_id=s.id,
                    category="review",
                    text=text,
                    not_before=not_before,
                )
            )
    return rows


async def _approved_digest(
    since: datetime, until: datetime, today: Any, not_before: datetime
) -> list[Outbox]:
    """To each reporter, the reports approved since the last digest hour."""
    approved = (
        await Review.filter(
            state=ReviewState.APPROVED,
            decided_at__gte=since,
            decided_at__lt=until,
            activity__deleted_at=None,
        )
        .select_related("activity", "activity__unit")
        .order_by("activity_id")
    )
    by_reporter: dict[int, list[Activity]] = {}
    for r in approved:
        by_reporter.setdefault(r.activity.reporter_id, []).append(r.activity)
    rows = []
    for member_id, activities in by_reporter.items():
        receipts = ", ".join(a.receipt for a in activities[:6])
        if len(activities) > 6:
            receipts += f" +{len(activities) - 6}"
        rows.append(
            Outbox(
                key=f"review:ok:{today.isoformat()}:{member_id}",
                member_id=member_id,
                category="review",
                text=RT.APPROVED_DIGEST.format(
                    n=len(activities), unit=activities[0].unit.name, receipts=receipts
                ),
                not_before=not_before,
            )
        )
    return rows


async def _chases(
    now: datetime, today: Any, plan: ReminderPlan, not_before: datetime
) -> list[Outbox]:
    """A report sent back and not fixed is chased like a missing one: every `every_days` days
    after it was returned, while its period is open."""
    every = max(plan.every_days, 1)
    returned = await Review.filter(
        state=ReviewState.RETURNED,
        activity__deleted_at=None,
        decided_at__lte=now - timedelta(days=every),
    ).select_related("activity", "activity__kind", "activity__period")
    rows = []
    for r in returned:
        a = r.activity
        if r.decided_at is None or is_locked(a.period, today):
            continue
        days = (today - vn_today(r.decided_at)).days
        if days < every:
            continue
        rows.append(
            Outbox(
                key=f"review:chase:{a.id}:{r.version}:{days // every}:{a.reporter_id}",
                member_id=a.reporter_id,
                category="returned",
                text=RT.CHASE.format(
                    receipt=a.receipt,
                    kind=a.kind.name,
                    date=a.activity_date.strftime("%d/%m"),
                    returned=vn_today(r.decided_at).strftime("%d/%m"),
                    reason=r.reason,
                ),
                payload={"activity": a.id, "version": r.version},
                not_before=not_before,
            )
        )
    return rows


async def still_due(category: str, payload: dict[str, Any]) -> bool:
    """Whether an outbox row of the review still says something true when it is sent: a report
    sent back is still waiting for its fix, a new version still waits for review."""
    activity_id, version = payload.get("activity"), payload.get("version")
    if activity_id is None:
        return True
    state = ReviewState.RETURNED if category == "returned" else ReviewState.PENDING
    return await Review.exists(activity_id=activity_id, version=version, state=state)


async def review_lines(period: Period, scope: Unit) -> list[str]:
    """For /chuabaocao: how many reporting units are fully approved, which are not, and which
    communes have closed the period."""
    statuses = await unit_statuses(period, scope)
    names = {s.unit_id: s.name for s in statuses}
    reported = [s.unit_id for s in statuses if s.status != Status.MISSING]
    reviews = await unit_reviews(period.id, scope)
    open_units = [u for u in reported if u in reviews and not reviews[u].all_approved]
    lines = [RT.REVIEW_LINE.format(done=len(reported) - len(open_units), reported=len(reported))]
    if open_units:
        shown = ", ".join(names[u] for u in open_units[:2])
        lines.append(
            RT.REVIEW_OPEN.format(
                units=shown + (f" +{len(open_units) - 2}" if len(open_units) > 2 else "")
            )
        )
    closed = await Closing.filter(
        period_id=period.id, closed=True, unit__path__startswith=scope.path
    ).select_related("unit")
    if closed:
        shown = ", ".join(c.unit.name for c in closed[:2])
        lines.append(
            RT.CLOSED_LINE.format(units=shown + (f" +{len(closed) - 2}" if len(closed) > 2 else ""))
        )
    return lines
