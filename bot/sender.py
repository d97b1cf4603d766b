"""The outbox sender: claims due rows, delivers each through the member's channels in turn, and
records what happened (sent, failed, blocked, outside the Zalo window, cancelled).

Claims are leases: a row is marked "sending" until `claimed_until`; rows are claimed with
SELECT ... FOR UPDATE SKIP LOCKED, so two processes never take the same row. A process that dies
mid-send leaves its rows to be claimed again when the lease runs out: the one window where a
message can go twice is a crash after the platform accepted it and before the row was marked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from bot.channels import Deliverer, DeliveryStatus, Reach, Windowed
from handlers import ack, remind, reviewing
from handlers import review_texts as RT
from handlers import texts as T
from handlers import texts_directives as D
from handlers.engine import Engine
from handlers.messages import Reply
from handlers.reminders import ReminderPlan
from models import (
    Activity,
    Directive,
    DirectiveAck,
    Identity,
    NilReport,
    Outbox,
    OutboxStatus,
    Period,
)
from models.periods import is_locked, vn_today

log = logging.getLogger(__name__)

REMINDER_CHOICES = [(remind.NOW, T.REMIND_NOW), (remind.NIL, T.MENU_NIL), (remind.SNOOZE, T.SNOOZE)]
FIX_CHOICES = [(remind.FIX, RT.FIX)]  # a report sent back: one tap into editing it
# category -> (the flow that reads the answer, its choices, the note for a member who is busy)
QUESTIONS = {
    "reminder": ("remind", REMINDER_CHOICES, T.REMIND_BUSY),
    "directive": ("ack", ack.CHOICES, D.ACK_BUSY),
    "returned": ("remind", FIX_CHOICES, T.REMIND_BUSY),
}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
RETRYABLE = (DeliveryStatus.FAILED, DeliveryStatus.QUOTA)
NO_WINDOW = "không thử: quá 7 ngày từ lần cuối người dùng nhắn"
FINAL = {
    DeliveryStatus.BLOCKED: OutboxStatus.BLOCKED,
    DeliveryStatus.OUTSIDE_WINDOW: OutboxStatus.OUTSIDE_WINDOW,
    DeliveryStatus.REFUSED: OutboxStatus.REFUSED,
}


class OutboxSender:
    def __init__(
        self,
        engine: Engine,
        deliverers: list[Deliverer],
        plan: ReminderPlan,
        clock: Callable[[], datetime],
        *,
        batch: int = 200,
        concurrency: int = 50,
        lease: timedelta = timedelta(minutes=10),
        max_attempts: int = 5,
        retry_after: timedelta = timedelta(minutes=5),
    ) -> None:
        self.engine = engine
        self.deliverers = {d.name: d for d in deliverers}
        self.plan = plan
        self.clock = clock
        self.batch = batch
        self.lease = lease
        self.max_attempts = max_attempts
        self.retry_after = retry_after
        self._slots = asyncio.Semaphore(concurrency)

    async def drain(self) -> dict[str, int]:
        """Send everything due now, batch after batch; counts of outcomes."""
        counts: dict[str, int] = {}
        while not self.plan.is_quiet(self.clock()):
            rows = await self.claim()
            if not rows:
                break
            for status in await asyncio.gather(*(self._send(r) for r in rows)):
                counts[status] = counts.get(status, 0) + 1
        return counts

    async def claim(self) -> list[Outbox]:
        now = self.clock()
        async with in_transaction():
            rows = await (
                Outbox.filter(
                    Q(status=OutboxStatus.PENDING, not_before__lte=now)
                    | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
                )
                .order_by("id")
                .limit(self.batch)
                .select_for_update(skip_locked=True)
            )
            if rows:
                await Outbox.filter(id__in=[r.id for r in rows]).update(
                    status=OutboxStatus.SENDING,
                    claimed_until=now + self.lease,
                    attempts=F("attempts") + 1,
                )
        return list(rows)

    async def _still_due(self, row: Outbox) -> bool:
        """A reminder stops as soon as the unit reports or files nil, or the period locks; a
        directive when it is withdrawn, its reminder when the member has acknowledged it; a
        review notice when the report is no longer in the state it tells of."""
        if row.category in ("returned", "review"):
            return await reviewing.still_due(row.category, row.payload)
        if row.category == "directive":
            directive_id = row.payload.get("directive", 0)
            if not await Directive.exists(id=directive_id, withdrawn_at=None):
                return False
            acked = row.payload.get("reminder") and await DirectiveAck.exists(
                directive_id=directive_id, member_id=row.member_id
            )
            return not acked
        if row.category != "reminder":
            return True
        period = await Period.get_or_none(id=row.payload.get("period", 0))
        unit = row.payload.get("unit")
        if period is None or is_locked(period, vn_today(self.clock())):
            return False
        reported = await Activity.exists(unit_id=unit, period_id=period.id, deleted_at=None)
        return not (reported or await NilReport.exists(unit_id=unit, period_id=period.id))

    async def _send(self, row: Outbox) -> str:
        async with self._slots:
            try:
                return await self._deliver(row)
            except Exception as e:  # one bad row must not stop the others
                log.exception("outbox %s failed", row.key)
                await self._finish(row, OutboxStatus.FAILED, "", f"{type(e).__name__}: {e}")
                return OutboxStatus.FAILED

    async def _deliver(self, row: Outbox) -> str:
        if not await self._still_due(row):
            why = {
                "directive": "đã thu hồi hoặc đã nhận",
                "returned": "đã sửa hoặc đã duyệt",
                "review": "đã duyệt hoặc đã sửa",
            }.get(row.category, "đã báo cáo hoặc kỳ đã khóa")
            await self._finish(row, OutboxStatus.CANCELLED, "", why)
            return OutboxStatus.CANCELLED
        # The channel the member used last comes first; never-used ones last (in Python, since
        # SQLite and PostgreSQL put NULLs at opposite ends of a descending sort). A Zalo OA chat
        # past its free 48 hours goes after the others, past 7 days it is not tried at all.
        now = self.clock()
        identities = sorted(
            await Identity.filter(member_id=row.member_id, blocked_at=None),
            key=lambda i: (
                self._reach(i, now),
                i.state_updated_at is None,
                -(i.state_updated_at or EPOCH).timestamp(),
                i.id,
            ),
        )
        flow, choices, busy = QUESTIONS.get(row.category, ("remind", [], ""))
        state = {
            "period": row.payload.get("period"),
            "snooze_hours": self.plan.snooze_hours,
            "directive": row.payload.get("directive"),
            "activity": row.payload.get("activity"),
        }
        outcomes: list[tuple[str, DeliveryStatus, str]] = []
        attempt = row.attempts + 1  # the claim counted this attempt in the database
        for ident in identities:
            deliverer = self.deliverers.get(ident.channel)
            if deliverer is None:
                continue
            reach = self._reach(ident, now)
            if reach == Reach.NEVER:
                outcomes.append((ident.channel, DeliveryStatus.OUTSIDE_WINDOW, NO_WINDOW))
                continue
            # A billed message only when the free channels cannot take it at all: one that
            # failed for now is tried again later, until the last attempt.
            busy = any(s in RETRYABLE for _, s, _ in outcomes)
            if reach == Reach.LATER and busy and attempt < self.max_attempts:
                continue
            replies = await self.engine.proactive(
                ident.channel,
                ident.account,
                ident.external_id,
                row.text,
                choices,
                state,
                flow=flow,
                busy=busy,
            )
            replies = self._with_parts(row, replies)
            result = await deliverer.deliver(ident.external_id, ident.account, replies)
            outcomes.append((ident.channel, result.status, result.detail))
            if result.status == DeliveryStatus.SENT:
                await self._finish(row, OutboxStatus.SENT, ident.channel, "", sent=True)
                return OutboxStatus.SENT
            if result.status == DeliveryStatus.BLOCKED:
                await Identity.filter(id=ident.id).update(blocked_at=self.clock())
        error = "; ".join(f"{c}: {s} {d}".strip() for c, s, d in outcomes) or "không có kênh nào"
        retryable = any(s in RETRYABLE for _, s, _ in outcomes)
        if retryable and attempt < self.max_attempts:
            await Outbox.filter(id=row.id).update(
                status=OutboxStatus.PENDING,
                claimed_until=None,
                last_error=error[:300],
                not_before=self.plan.not_before(self.clock() + self.retry_after * attempt),
            )
            return "retry"
        final = next((FINAL[s] for _, s, _ in outcomes if s in FINAL), OutboxStatus.FAILED)
        await self._finish(row, final, outcomes[-1][0] if outcomes else "", error)
        return final

    def _reach(self, ident: Identity, now: datetime) -> Reach:
        deliverer = self.deliverers.get(ident.channel)
        if not isinstance(deliverer, Windowed):
            return Reach.FREE
        # Rows from before last_seen_at was kept: the last turn, else the registration.
        last_seen = ident.last_seen_at or ident.state_updated_at or ident.created_at
        return deliverer.reach(last_seen, now)

    def _with_parts(self, row: Outbox, replies: list[Reply]) -> list[Reply]:
        """A directive's or notice's texts before its question, its file on the first of them
        (a document on Telegram, a link on Zalo)."""
        if not replies:
            return replies
        out = [Reply(text) for text in row.payload.get("before") or []] + replies
        file = row.payload.get("file")
        if file:
            out[0].file = self.engine.media_dir / file
        return out

    async def _finish(
        self, row: Outbox, status: OutboxStatus, channel: str, error: str, sent: bool = False
    ) -> None:
        await Outbox.filter(id=row.id).update(
            status=status,
            channel=channel,
            last_error=error[:300],
            claimed_until=None,
            sent_at=self.clock() if sent else None,
        )
