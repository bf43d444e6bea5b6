"""A client-side REST budget: routine traffic, a reserve for requests that lower risk, and a total under the venue's limit.

Extended allows 1,000 requests a minute per IP and answers HTTP 429 beyond. Each lane is a token
bucket that holds `burst` tokens and refills at `(max_requests - burst) / window_s`, so no window
of `window_s` ever sees more than its maximum. A caller waits for its token (reserved in arrival
order) or, when the wait would exceed `max_wait_s`, gets `RateLimited` before anything is sent.

Routine requests (places, replaces, lookups) take a token of the routine lane; after a 429 it
pauses for a back-off. Risk-reducing requests (cancels, the dead man's switch, the reads that
confirm we are flat) take a token of their reserve, which quoting can never use, or else any
capacity the total has left (`max_requests + reserved_requests`, which every request counts
against): the routine back-off never holds them, only the venue's own `Retry-After` does.

The buckets schedule each request; a stalled event loop (CPU starvation, a long pause) wakes the
requests it delayed all together, and a late burst beside the ones sent on time would put more in
a window than the venue allows. So each lane also remembers when its requests actually went, and
a request leaves only when the last `window_s` holds fewer than the lane's maximum.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum

from mm.adapters.extended.metrics import ExtendedMetrics
from mm.adapters.extended.settings import RequestBudgetSettings
from mm.ports.clock import Clock
from mm.ports.errors import RateLimited


class RequestPriority(StrEnum):
    ROUTINE = "routine"
    RISK_REDUCING = "risk_reducing"


class _Lane:
    """One token bucket with a pause (times in seconds), and the log of when its requests left (epoch ms)."""

    __slots__ = (
        "_capacity",
        "_max_requests",
        "_paused_until_s",
        "_refill_per_s",
        "_sent_ms",
        "_tokens",
        "_updated_s",
        "_window_ms",
    )

    def __init__(self, max_requests: int, burst: int, window_s: float, now_s: float) -> None:
        self._max_requests = max_requests
        self._window_ms = round(window_s * 1000)
        self._sent_ms: deque[int] = deque()  # when requests actually went, epoch ms: whole numbers compare exactly
        self._capacity = float(burst)
        self._refill_per_s = (max_requests - burst) / window_s
        self._tokens = self._capacity
        self._updated_s = now_s
        self._paused_until_s = 0.0

    def refill(self, now_s: float) -> None:
        # Tokens accrue only from the end of a pause: a pause must not bank a burst for afterwards.
        start_s = max(self._updated_s, self._paused_until_s)
        if now_s > start_s:
            self._tokens = min(self._capacity, self._tokens + (now_s - start_s) * self._refill_per_s)
        self._updated_s = max(self._updated_s, now_s)

    def pause_left_s(self, now_s: float) -> float:
        return max(0.0, self._paused_until_s - now_s)

    def wait_s(self, now_s: float) -> float:
        """How long a request arriving now would wait in this lane (0 when a token is free)."""
        self.refill(now_s)
        pause_s = self.pause_left_s(now_s)
        if self._tokens >= 1:
            return pause_s
        return pause_s + (1 - self._tokens) / self._refill_per_s

    def take(self) -> None:
        self._tokens -= 1  # reserved now, so later callers queue behind this one

    def full_window_wait_ms(self, now_ms: int) -> int:
        """How long until the last window of requests actually sent, (now - window, now], holds fewer than the maximum."""
        sent = self._sent_ms
        while sent and sent[0] <= now_ms - self._window_ms:
            sent.popleft()
        if len(sent) < self._max_requests:
            return 0
        return sent[len(sent) - self._max_requests] + self._window_ms - now_ms

    def on_sent(self, now_ms: int) -> None:
        self._sent_ms.append(now_ms)

    def pause(self, now_s: float, seconds: float, *, restart_empty: bool) -> None:
        self.refill(now_s)
        self._paused_until_s = max(self._paused_until_s, now_s + seconds)
        if restart_empty:
            self._tokens = min(self._tokens, 0.0)


class RequestBudget:
    """Hands out one token per request; shared by every component that talks to the same venue."""

    def __init__(self, settings: RequestBudgetSettings, clock: Clock, metrics: ExtendedMetrics) -> None:
        self._settings = settings
        self._clock = clock
        self._metrics = metrics
        now_s = self._now_s()
        window_s = settings.window_s
        self._routine = _Lane(settings.max_requests, settings.burst, window_s, now_s)
        self._reserve = _Lane(settings.reserved_requests, settings.reserved_burst, window_s, now_s)
        self._total = _Lane(
            settings.max_requests + settings.reserved_requests,
            settings.burst + settings.reserved_burst,
            window_s,
            now_s,
        )

    def _now_s(self) -> float:
        return self._clock.now_ms() / 1000

    def wait_s(self, priority: RequestPriority = RequestPriority.ROUTINE) -> float:
        """How long a request of `priority` arriving now would wait (0 when it may go at once)."""
        lane, _ = self._lane_for(priority, self._now_s())
        return lane.wait_s(self._now_s())

    def _lane_for(self, priority: RequestPriority, now_s: float) -> tuple[_Lane, float]:
        """The lane whose token a request waits for, and the part of that wait it may not refuse over.

        A risk-reducing request waits out the venue's `Retry-After` however long; only a total
        used up by our own traffic counts against `max_wait_s`.
        """
        if priority is RequestPriority.ROUTINE:
            return self._routine, 0.0
        venue_pause_s = self._total.pause_left_s(now_s)
        if self._reserve.wait_s(now_s) <= venue_pause_s:
            return self._reserve, venue_pause_s
        return self._total, venue_pause_s

    async def acquire(self, priority: RequestPriority = RequestPriority.ROUTINE) -> None:
        """Take a token, waiting for it up to `max_wait_s`; otherwise raise `RateLimited`."""
        now_s = self._now_s()
        lane, venue_pause_s = self._lane_for(priority, now_s)
        wait_s = lane.wait_s(now_s)
        if wait_s - venue_pause_s > self._settings.max_wait_s:
            self._metrics.budget_refusals.inc()
            raise RateLimited(f"request budget exhausted for {wait_s:.2f} s", retry_after_s=wait_s)
        lanes = (lane,) if lane is self._total else (lane, self._total)  # every request counts against the total
        for taken in lanes:
            taken.take()
        self._metrics.budget_wait.observe(wait_s)
        if wait_s > 0:
            await self._clock.sleep(wait_s)
        await self._leave_within_the_window(lanes)

    async def _leave_within_the_window(self, lanes: tuple[_Lane, ...]) -> None:
        """Hold a request woken late until its lanes' last window has room, then count it as sent."""
        while (full_ms := max(lane.full_window_wait_ms(self._clock.now_ms()) for lane in lanes)) > 0:
            self._metrics.budget_wait.observe(full_ms / 1000)
            await self._clock.sleep(full_ms / 1000)
        now_ms = self._clock.now_ms()
        for lane in lanes:
            lane.on_sent(now_ms)

    def pause(self, seconds: float) -> None:
        """Send no routine request for `seconds` (our back-off after a 429); they restart from an empty bucket."""
        self._routine.pause(self._now_s(), seconds, restart_empty=True)

    def pause_all(self, seconds: float) -> None:
        """The venue's `Retry-After`: nothing at all goes for `seconds`; risk-reducing requests go right after."""
        now_s = self._now_s()
        self._routine.pause(now_s, seconds, restart_empty=True)
        self._reserve.pause(now_s, seconds, restart_empty=False)
        self._total.pause(now_s, seconds, restart_empty=False)
