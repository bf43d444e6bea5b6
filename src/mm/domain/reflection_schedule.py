"""When a reflection window is closed, which windows a run decides, and when the next run is due. No I/O.

Windows are aligned to the clock: [k * window, (k + 1) * window) in epoch time, so hourly windows
are whole UTC hours. A window is closed only once its markouts can be complete: `settle_ms` after
its end, which must cover the longest markout horizon plus the summarizer's lag. Runs are due at
each window's end plus `settle_ms` (HH:00 plus the delay for hours), computed from the clock, never
from when the previous run finished, so run times do not drift and no window is skipped. After
downtime a run catches up on at most `catch_up` closed windows, the newest ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from mm.domain.fill_summary import MARKOUT_HORIZONS_S
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow

MINUTE_MS = 60_000
LONGEST_MARKOUT_HORIZON_MS = max(MARKOUT_HORIZONS_S) * 1000
"""No window is closed before its last fill's longest markout could be measured."""


@dataclass(frozen=True, slots=True)
class ReflectionSchedule:
    """`window_ms` a whole number of minutes (the summarizer's finest bucket); `settle_ms` at least the
    longest markout horizon; `catch_up` windows at most per run."""

    window_ms: int = HOUR_MS
    settle_ms: int = 5 * MINUTE_MS
    catch_up: int = 3

    def __post_init__(self) -> None:
        if self.window_ms < MINUTE_MS or self.window_ms % MINUTE_MS:
            raise ValueError(f"window_ms must be a positive whole number of minutes, got {self.window_ms}")
        if self.settle_ms < LONGEST_MARKOUT_HORIZON_MS:
            raise ValueError(
                f"settle_ms must be at least the longest markout horizon ({LONGEST_MARKOUT_HORIZON_MS} ms), "
                f"got {self.settle_ms}"
            )
        if self.catch_up < 1:
            raise ValueError("catch_up must be at least 1")

    def window_ending(self, end_ms: int) -> ReflectionWindow:
        """The window of this schedule's length that ends at `end_ms`."""
        return ReflectionWindow(end_ms - self.window_ms, end_ms)

    def settled_at_ms(self, window: ReflectionWindow) -> int:
        """When `window` is closed: its end plus the settle delay."""
        return window.end_ms + self.settle_ms

    def is_closed(self, window: ReflectionWindow, now_ms: int) -> bool:
        return self.settled_at_ms(window) <= now_ms

    def closed_windows(self, now_ms: int) -> tuple[ReflectionWindow, ...]:
        """The newest `catch_up` aligned windows closed at `now_ms`, oldest first."""
        newest_end_ms = (now_ms - self.settle_ms) // self.window_ms * self.window_ms
        return tuple(
            self.window_ending(newest_end_ms - back * self.window_ms) for back in reversed(range(self.catch_up))
        )

    def next_run_ms(self, now_ms: int) -> int:
        """The first run time (an aligned window end plus the settle delay) strictly after `now_ms`."""
        end_ms = (now_ms - self.settle_ms) // self.window_ms * self.window_ms + self.window_ms
        return end_ms + self.settle_ms
