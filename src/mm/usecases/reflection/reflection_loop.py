"""Run the reflection workflow for every market: once, or on the clock until told to stop.

A run reflects on the closed windows of the `ReflectionSchedule` (the newest `catch_up` of them, so
windows missed during downtime are caught up, within a bound); a window already decided is skipped.
The loop wakes at each window's end plus the settle delay, computed from the clock (not from the
end of the previous run), so runs do not drift; `interval_ms`, when shorter, wakes it in between
(harmless: decided windows are skipped). A typed failure (`MmError`, e.g. the database or the
reasoning folder being unavailable) fails that market's window only and is logged and counted;
the loop carries on and tries again at the next run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import structlog

from mm.domain.reflection_schedule import ReflectionSchedule
from mm.domain.reflection_window import ReflectionWindow
from mm.ports.clock import Clock
from mm.ports.errors import MmError
from mm.ports.metrics import Metrics
from mm.usecases.reflection.reflect import ReflectionResult, ReflectionWorkflow


class ReflectionLoop:
    def __init__(
        self,
        *,
        workflow: ReflectionWorkflow,
        clock: Clock,
        metrics: Metrics,
        exchange: str,
        symbols: Sequence[str],
        schedule: ReflectionSchedule | None = None,
        interval_ms: int | None = None,
    ) -> None:
        if (interval_ms is not None and interval_ms < 1) or not symbols:
            raise ValueError("interval_ms must be positive and there must be at least one symbol")
        self._workflow = workflow
        self._clock = clock
        self._exchange = exchange
        self._symbols = tuple(symbols)
        self._schedule = schedule or ReflectionSchedule()
        self._interval_ms = interval_ms
        self._failures = metrics.counter("reflector_run_failures_total", "runs that failed with an error", ("symbol",))

    @property
    def schedule(self) -> ReflectionSchedule:
        return self._schedule

    async def run_once(self, window: ReflectionWindow | None = None) -> list[ReflectionResult]:
        """Reflect on `window` (default: the schedule's closed windows, oldest first) for every market.

        Failed market windows are left out of the results.
        """
        windows = (window,) if window is not None else self._schedule.closed_windows(self._clock.now_ms())
        results: list[ReflectionResult] = []
        for symbol in self._symbols:
            for each in windows:
                try:
                    results.append(await self._workflow.run(self._exchange, symbol, each))
                except MmError as error:
                    self._failures.inc(symbol=symbol)
                    structlog.get_logger().error(
                        "reflection_failed",
                        symbol=symbol,
                        window_end_ms=each.end_ms,
                        error_type=type(error).__name__,
                        error=str(error),
                    )
        return results

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run now, then at every scheduled run time, until `stop` is set (a run in progress is finished first)."""
        while not stop.is_set():
            await self.run_once()
            await self._wait(stop)

    def wait_ms(self, now_ms: int) -> int:
        """How long to sleep from `now_ms` to the next run: the next scheduled time, or the interval if sooner."""
        until_ms = self._schedule.next_run_ms(now_ms) - now_ms
        return until_ms if self._interval_ms is None else min(until_ms, self._interval_ms)

    async def _wait(self, stop: asyncio.Event) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(self.wait_ms(self._clock.now_ms()) / 1000))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
