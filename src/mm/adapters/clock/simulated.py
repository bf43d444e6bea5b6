"""`Clock` whose time moves only when its driver says so: the backtest's and the tests' time source.

A replay loop owns time: it calls `advance_to(ts_ms)` (synchronous, for a loop that calls the
engine itself) or `await run_until(ts_ms)` (for engines running as tasks that `sleep`). Sleepers
never wait on the wall clock; they wake in deadline order once time reaches their deadline.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math

_MS_PER_S = 1000


def _duration_ms(seconds: float) -> int:
    """Whole milliseconds a sleep lasts: rounded up, so a sleep never ends early."""
    # round() first: 0.3 * 1000 is 300.00000000000006 in binary floating point.
    return math.ceil(round(seconds * _MS_PER_S, 6))


class SimulatedClock:
    """Epoch milliseconds set by hand; `sleep` parks the caller until time passes its deadline.

    With `sleep_advances_time`, a sleep instead moves time forward by its own duration and
    returns at once: handy for a single loop under test that has nobody to drive its clock.
    `settle_yields` is how many event-loop turns `run_until` gives a woken sleeper to reach its
    next `await` before time moves on.
    """

    def __init__(self, start_ms: int = 0, *, sleep_advances_time: bool = False, settle_yields: int = 8) -> None:
        if start_ms < 0:
            raise ValueError(f"start_ms must not be negative, got {start_ms}")
        if settle_yields < 1:
            raise ValueError(f"settle_yields must be at least 1, got {settle_yields}")
        self._now_ms = start_ms
        self._sleep_advances_time = sleep_advances_time
        self._settle_yields = settle_yields
        self._sleepers: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    def now_ms(self) -> int:
        return self._now_ms

    async def sleep(self, seconds: float) -> None:
        duration_ms = _duration_ms(seconds) if seconds > 0 else 0
        if duration_ms == 0:
            await asyncio.sleep(0)  # a zero sleep still yields, as asyncio's does
            return
        if self._sleep_advances_time:
            self._now_ms += duration_ms
            await asyncio.sleep(0)
            return
        wake_up: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self._now_ms + duration_ms, next(self._arrivals), wake_up))
        await wake_up  # a cancelled sleeper leaves a done future behind; waking skips it

    def advance_to(self, ts_ms: int) -> None:
        """Set time to `ts_ms` and wake every sleeper due by then, earliest deadline first.

        The woken run only when the caller next yields to the event loop, so they all see
        `ts_ms`; use `run_until` when each must see its own deadline.
        """
        self._check_not_backwards(ts_ms)
        while self._sleepers and self._sleepers[0][0] <= ts_ms:
            _deadline_ms, _arrival, wake_up = heapq.heappop(self._sleepers)
            if not wake_up.done():
                wake_up.set_result(None)
        self._now_ms = ts_ms

    def advance_ms(self, delta_ms: int) -> None:
        """Move time forward by `delta_ms`, waking sleepers as `advance_to` does."""
        self.advance_to(self._now_ms + delta_ms)

    async def run_until(self, ts_ms: int) -> None:
        """Move time to `ts_ms` deadline by deadline, letting each woken sleeper run at its deadline.

        Sleepers that the woken start, and that fall due by `ts_ms`, wake in their turn too.
        """
        self._check_not_backwards(ts_ms)
        while (deadline_ms := self.next_deadline_ms()) is not None and deadline_ms <= ts_ms:
            self.advance_to(deadline_ms)
            for _ in range(self._settle_yields):
                await asyncio.sleep(0)
        self.advance_to(ts_ms)
        for _ in range(self._settle_yields):
            await asyncio.sleep(0)

    def next_deadline_ms(self) -> int | None:
        """When the earliest pending sleeper wakes; None when nobody sleeps."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)
        return self._sleepers[0][0] if self._sleepers else None

    @property
    def sleeper_count(self) -> int:
        return sum(1 for _deadline_ms, _arrival, wake_up in self._sleepers if not wake_up.done())

    def _check_not_backwards(self, ts_ms: int) -> None:
        if ts_ms < self._now_ms:
            raise ValueError(f"time cannot go backwards: now {self._now_ms}, asked for {ts_ms}")
