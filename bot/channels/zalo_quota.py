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
    # near: past the warning share of the quota; exhausted: our count reached the quota and Zalo
    # answers 429; throttled: 429s for an hour below the quota; token: Zalo refused the token.
    kind: str = "near"

    @property
    def exhausted(self) -> bool:
        return self.kind == "exhausted"

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
        return TEXTS[self.kind].format(**fields)


TEXTS = {
    "near": T.ZL_QUOTA_WARNING,
    "exhausted": T.ZL_QUOTA_EXHAUSTED,
    "throttled": T.ZL_RATE_LIMITED,
    "token": T.ZL_TOKEN_INVALID,
}


OnWarning = Callable[[QuotaWarning], Awaitable[None]]


async def queue_quota_warning(warning: QuotaWarning) -> None:
    """Tell the admins through the outbox: once per bot, month and kind of warning; a refused
    token or an hour of 429s once a day."""
    now = datetime.now(UTC)
    when = warning.month
    if warning.kind in ("throttled", "token"):
        when = now.astimezone(VN_TZ).strftime("%Y-%m-%d")
    key = f"quota:{warning.channel}:{warning.account}:{when}:{warning.kind}"
    await notify_admins(key, warning.text, now)
    log.warning(
        "Zalo bot %s%s: %d/%d messages in %s, %s (admins told through the outbox)",
        warning.account,
        f" ({warning.unit})" if warning.unit else "",
        warning.sent,
        warning.quota,
        warning.month,
        warning.kind,
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

    async def sent(self, account: str, now: datetime) -> int:
        """This month's count of the bot's messages."""
        key = {"channel": self.channel, "account": account, "month": vn_month(now)}
        row = await ChannelCounter.get_or_none(**key)
        return row.sent if row else 0

    async def alert(self, kind: str, account: str, unit: str, now: datetime) -> None:
        sent = await self.sent(account, now)
        await self.on_warning(
            QuotaWarning(self.channel, account, unit, vn_month(now), sent, self.quota, kind)
        )
