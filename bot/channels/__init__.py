"""Channel adapters: each turns its platform's updates into Incoming and Replies into platform calls.

Besides answering, a channel delivers proactive messages (reminders, escalations, digests) for the
outbox sender through `deliver`, and says how it went in a `Delivery`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum, StrEnum
from typing import Protocol, runtime_checkable

from handlers.messages import Reply


class DeliveryStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"  # worth another try later (network, 5xx, timeouts after retries)
    BLOCKED = "blocked"  # the user blocked the bot / unfollowed: try their other channel
    OUTSIDE_WINDOW = "outside_window"  # Zalo OA: no free-form message after 7 days of silence
    QUOTA = "quota"  # this bot's message quota is spent: try another channel, or later
    REFUSED = "refused"  # refused for good (bad request, bad token, user restrictions): no retry


@dataclass(frozen=True)
class Delivery:
    status: DeliveryStatus
    detail: str = ""


class Reach(IntEnum):
    """Whether a channel may carry a proactive message to one chat now (Zalo OA's window)."""

    FREE = 0  # as usual
    LATER = 1  # possible but billed: the member's other channels are tried first
    NEVER = 2  # not to be tried


@runtime_checkable
class Windowed(Protocol):
    """A channel that may reach a chat only for a while after the user's last interaction."""

    def reach(self, last_seen: datetime, now: datetime) -> Reach: ...


@runtime_checkable
class Deliverer(Protocol):
    """What the outbox sender needs of a channel."""

    name: str  # the Identity.channel value it serves, e.g. "telegram", "zalo_bot", "zalo_oa"

    async def deliver(self, external_id: str, account: str, replies: list[Reply]) -> Delivery: ...
