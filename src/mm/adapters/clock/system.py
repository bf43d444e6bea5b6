"""`Clock` on the machine's wall clock: what live apps run on."""

from __future__ import annotations

import asyncio
import time


class SystemClock:
    """Epoch milliseconds from `time.time_ns`, never going backwards; sleeps really wait."""

    def __init__(self) -> None:
        self._last_ms = 0

    def now_ms(self) -> int:
        # An NTP step can move the wall clock back; callers assume time never runs backwards.
        now_ms = time.time_ns() // 1_000_000
        self._last_ms = max(self._last_ms, now_ms)
        return self._last_ms

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
