"""A client-side REST budget: a token bucket that keeps us under the venue's request limit.

Extended allows 1,000 requests a minute per IP and answers HTTP 429 beyond. The bucket holds
`burst` tokens and refills at `(max_requests - burst) / window_s`, so no window of `window_s`
ever sees more than `max_requests`. A caller waits for its token (reserved in arrival order) or,
when the wait would exceed `max_wait_s`, gets `RateLimited` before anything is sent. After a 429
the whole budget pauses.
"""

from __future__ import annotations

from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.settings import RequestBudgetSettings
from mm.ports.clock import Clock
from mm.ports.errors import RateLimited


class RequestBudget:
    """Hands out one token per request; shared by every component that talks to the same venue."""

    def __init__(self, settings: RequestBudgetSettings, clock: Clock, metrics: ExtendedMetrics) -> None:
        self._settings = settings
        self._clock = clock
        self._metrics = metrics
        self._capacity = float(settings.burst)
        self._refill_per_s = (settings.max_requests - settings.burst) / settings.window_s
        self._tokens = self._capacity
        self._updated_s = clock.now_ms() / 1000
        self._paused_until_s = 0.0

    def _refill(self, now_s: float) -> None:
        # Tokens accrue only from the end of a pause: a pause must not bank a burst for afterwards.
        start_s = max(self._updated_s, self._paused_until_s)
        if now_s > start_s:
            self._tokens = min(self._capacity, self._tokens + (now_s - start_s) * self._refill_per_s)
        self._updated_s = max(self._updated_s, now_s)

    def wait_s(self) -> float:
        """How long a request arriving now would wait (0 when a token is free)."""
        now_s = self._clock.now_ms() / 1000
        self._refill(now_s)
        pause_s = max(0.0, self._paused_until_s - now_s)
        if self._tokens >= 1:
            return pause_s
        return pause_s + (1 - self._tokens) / self._refill_per_s

    async def acquire(self) -> None:
        """Take a token, waiting for it up to `max_wait_s`; otherwise raise `RateLimited`."""
        wait_s = self.wait_s()
        if wait_s > self._settings.max_wait_s:
            self._metrics.budget_refusals.inc()
            raise RateLimited(f"request budget exhausted for {wait_s:.2f} s", retry_after_s=wait_s)
        self._tokens -= 1  # reserved now, so later callers queue behind this one
        self._metrics.budget_wait.observe(wait_s)
        if wait_s > 0:
            await self._clock.sleep(wait_s)

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (after the venue said 429) and restart from an empty bucket."""
        now_s = self._clock.now_ms() / 1000
        self._refill(now_s)
        self._paused_until_s = max(self._paused_until_s, now_s + seconds)
        self._tokens = min(self._tokens, 0.0)
