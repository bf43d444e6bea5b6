"""Run the reflection workflow for every market: once, or every interval until told to stop.

The default window is the last full hour at the time of the run. Running more often than hourly
is harmless: a window that already has a proposal is skipped. A typed failure (`MmError`, e.g.
the database or the reasoning folder being unavailable) fails that market's run only and is
logged and counted; the loop carries on and tries again next interval.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

import structlog

from mm.domain.reflection_window import ReflectionWindow, last_full_hour
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
        interval_ms: int = 3_600_000,
    ) -> None:
        if interval_ms < 1 or not symbols:
            raise ValueError("interval_ms must be positive and there must be at least one symbol")
        self._workflow = workflow
        self._clock = clock
        self._exchange = exchange
        self._symbols = tuple(symbols)
        self._interval_ms = interval_ms
        self._failures = metrics.counter("reflector_run_failures_total", "runs that failed with an error", ("symbol",))

    async def run_once(self, window: ReflectionWindow | None = None) -> list[ReflectionResult]:
        """Reflect on `window` (default: the last full hour) for every market; failed markets are left out."""
        window = window or last_full_hour(self._clock.now_ms())
        results: list[ReflectionResult] = []
        for symbol in self._symbols:
            try:
                results.append(await self._workflow.run(self._exchange, symbol, window))
            except MmError as error:
                self._failures.inc(symbol=symbol)
                structlog.get_logger().error(
                    "reflection_failed", symbol=symbol, error_type=type(error).__name__, error=str(error)
                )
        return results

    async def run_until(self, stop: asyncio.Event) -> None:
        """Run now, then every interval, until `stop` is set (a run in progress is finished first)."""
        while not stop.is_set():
            await self.run_once()
            await self._wait(stop)

    async def _wait(self, stop: asyncio.Event) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(self._interval_ms / 1000))
        stopper = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, stopper):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
