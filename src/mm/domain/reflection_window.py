"""The stretch of time one reflection looks at: by default the last full UTC hour. No I/O.

A window is the reflector's idempotency key: one proposal per market and window, ever.
"""

from __future__ import annotations

from dataclasses import dataclass

HOUR_MS = 3_600_000


@dataclass(frozen=True, slots=True)
class ReflectionWindow:
    """[start_ms, end_ms): epoch milliseconds UTC, start inclusive, end exclusive."""

    start_ms: int
    end_ms: int

    def __post_init__(self) -> None:
        if self.end_ms <= self.start_ms:
            raise ValueError(f"reflection window must end after it starts: {self.start_ms} .. {self.end_ms}")

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def contains(self, ts_ms: int) -> bool:
        return self.start_ms <= ts_ms < self.end_ms


def last_full_hour(now_ms: int) -> ReflectionWindow:
    """The most recent hour [hh:00, hh+1:00) that has completely passed at `now_ms`."""
    end_ms = now_ms - now_ms % HOUR_MS
    return ReflectionWindow(end_ms - HOUR_MS, end_ms)
