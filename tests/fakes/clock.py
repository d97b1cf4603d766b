"""A monotonic clock and sleep for the adapters' pacing and back-off: every wait is recorded and
passes at once."""

from __future__ import annotations

import asyncio


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds
        await asyncio.sleep(0.001)  # a failing poll loop must not starve the event loop
