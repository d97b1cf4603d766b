"""Messages sent per Zalo bot per month (Vietnam time), and a warning to the admins when a bot
nears its monthly quota: the free plan allows about 3,000 messages a month per bot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from handlers import texts as T
from handlers.reminders import notify_admins
from models import ChannelCounter
from models.periods import VN_TZ

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QuotaWarning:
    channel: str
    account: str  # the bot's id
    unit: str  # the unit code the bot was configured for, or ""
    month: str  # YYYY-MM, Vietnam time
    sent: int
    quota: int
    exhausted: bool = False  # Zalo refused a message (429), not merely near the quota

    @property
    def text(self) -> str:
        """What the admins read."""
        fields = {
            "bot": self.account,
            "unit": f" ({self.unit})" if self.unit else "",
            "sent": self.sent,
            "quota": self.quota,
            "month": f"{self.month[5:]}/{self.month[:4]}",
        }
        return (T.ZL_QUOTA_EXHAUSTED if self.exhausted else T.ZL_QUOTA_WARNING).format(**fields)


OnWarning = Callable[[QuotaWarning], Awaitable[None]]


async def queue_quota_warning(warning: QuotaWarning) -> None:
    """Tell the admins through the outbox, once per bot, month and kind of warning."""
    kind = "exhausted" if warning.exhausted else "near"
    key = f"quota:{warning.channel}:{warning.account}:{warning.month}:{kind}"
    await notify_admins(key, warning.text, datetime.now(UTC))
    log.warning(
        "Zalo bot %s%s: %d/%d messages in %s%s (admins told through the outbox)",
        warning.account,
        f" ({warning.unit})" if warning.unit else "",
        warning.sent,
        warning.quota,
        warning.month,
        ", quota exhausted (429)" if warning.exhausted else "",
    )


def vn_month(now: datetime) -> str:
    return now.astimezone(VN_TZ).strftime("%Y-%m")


class QuotaCounter:
    def __init__(
        self,
        channel: str,
        quota: int,
        warn_ratio: float,
        on_warning: OnWarning = queue_quota_warning,
    ) -> None:
        self.channel = channel
        self.quota = quota
        self.threshold = max(1, int(quota * warn_ratio))
        self.on_warning = on_warning

    async def count(self, account: str, unit: str, now: datetime, n: int = 1) -> int:
        """Add `n` sent messages; warn once a month per bot past the threshold. Returns the
        month's count so far."""
        month = vn_month(now)
        key: dict[str, Any] = {"channel": self.channel, "account": account, "month": month}
        # An UPDATE first: one statement in the usual case, and atomic across processes.
        if not await ChannelCounter.filter(**key).update(sent=F("sent") + n):
            try:
                await ChannelCounter.create(**key, sent=n)
            except IntegrityError:  # another process created this month's row meanwhile
                await ChannelCounter.filter(**key).update(sent=F("sent") + n)
        row = await ChannelCounter.get(**key)
        if row.sent >= self.threshold and not row.warned:
            # Only the process whose update flips the flag warns.
            if await ChannelCounter.filter(id=row.id, warned=False).update(warned=True):
                await self.on_warning(
                    QuotaWarning(self.channel, account, unit, month, row.sent, self.quota)
                )
        return row.sent

    async def exhausted(self, account: str, unit: str, now: datetime) -> None:
        month = vn_month(now)
        row = await ChannelCounter.get_or_none(channel=self.channel, account=account, month=month)
        sent = row.sent if row else 0
        await self.on_warning(
            QuotaWarning(self.channel, account, unit, month, sent, self.quota, exhausted=True)
        )
