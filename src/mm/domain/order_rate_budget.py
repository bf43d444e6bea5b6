"""How many order requests the engine may still send: a per-second and a per-minute ceiling. No I/O.

The venue allows 1,000 REST requests a minute per IP, shared with account reads; the engine keeps
its own, lower ceilings so a jittery book cannot burn the allowance on replaces and leave nothing
for the cancels that matter.
"""

from __future__ import annotations

from mm.domain.windows import RollingWindow

_SECOND_MS = 1_000
_MINUTE_MS = 60_000


class OrderRateBudget:
    """Sliding-window request counts; `available` is what may go out now without breaking either ceiling."""

    __slots__ = ("_minute", "_second", "max_per_minute", "max_per_second")

    def __init__(self, max_per_second: int, max_per_minute: int) -> None:
        if max_per_second <= 0 or max_per_minute < max_per_second:
            raise ValueError("need 0 < max_per_second <= max_per_minute")
        self.max_per_second = max_per_second
        self.max_per_minute = max_per_minute
        self._second = RollingWindow(_SECOND_MS)
        self._minute = RollingWindow(_MINUTE_MS)

    def available(self, now_ms: int) -> int:
        return max(
            0,
            min(
                self.max_per_second - self._second.count(now_ms),
                self.max_per_minute - self._minute.count(now_ms),
            ),
        )

    def spend(self, now_ms: int, requests: int = 1) -> None:
        for _ in range(requests):
            self._second.add(now_ms)
            self._minute.add(now_ms)
