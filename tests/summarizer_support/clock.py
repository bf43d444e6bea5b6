"""A hand-driven `Clock` for the summarizer's tests (until the shared `SimulatedClock` lands).

`sleep` records the request and advances time at once; with `sleeps_forever` it never returns,
so a test can check that stopping does not wait for the interval.
"""

from __future__ import annotations

import asyncio


class ManualClock:
    def __init__(self, now_ms: int, *, sleeps_forever: bool = False) -> None:
        self._now_ms = now_ms
        self._sleeps_forever = sleeps_forever
        self.sleeps_s: list[float] = []

    def now_ms(self) -> int:
        return self._now_ms

    def advance_ms(self, delta_ms: int) -> None:
        self._now_ms += delta_ms

    async def sleep(self, seconds: float) -> None:
        self.sleeps_s.append(seconds)
        if self._sleeps_forever:
            await asyncio.Event().wait()
        self._now_ms += round(seconds * 1000)
        await asyncio.sleep(0)
