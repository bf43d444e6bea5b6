"""The stretch of time one reflection looks at: by default the last full UTC hour. No I/O.

A window is the reflector's idempotency key: one proposal per market and window, ever.
"""

from __future__ import annotations

from dataclasses import dataclass

from mm.domain.bucket_width import BucketWidth

HOUR_MS = BucketWidth.HOUR.ms


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

    @property
    def aggregate_width(self) -> BucketWidth:
        """The summary buckets a reflection reads: hourly for whole-hour windows, else one-minute ones."""
        if self.start_ms % HOUR_MS == 0 and self.duration_ms % HOUR_MS == 0:
            return BucketWidth.HOUR
        return BucketWidth.MINUTE

    def describe_duration(self) -> str:
        """The window's length in words, as a prompt states it: "1 hour", "5 minutes", "90 seconds"."""
        for unit_ms, unit in (
            (HOUR_MS, BucketWidth.HOUR.unit),
            (BucketWidth.MINUTE.ms, BucketWidth.MINUTE.unit),
            (1_000, "second"),
        ):
            if self.duration_ms % unit_ms == 0:
                count = self.duration_ms // unit_ms
                return f"{count} {unit}{'' if count == 1 else 's'}"
        return f"{self.duration_ms} ms"


def last_full_hour(now_ms: int) -> ReflectionWindow:
    """The most recent hour [hh:00, hh+1:00) that has completely passed at `now_ms`."""
    end_ms = now_ms - now_ms % HOUR_MS
    return ReflectionWindow(end_ms - HOUR_MS, end_ms)
