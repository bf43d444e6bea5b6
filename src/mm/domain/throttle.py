"""When the engine thinks: event-driven ticks, no closer together than a minimum, no further apart than a maximum. No I/O.

A market event asks for a tick; one arriving within `min_interval_ms` of the last tick is held and
served by the timer at the earliest allowed moment, so a burst of messages costs one decision, not
one each. Without events the timer still ticks every `max_interval_ms` (staleness, refreshes).
"""

from __future__ import annotations


class TickThrottle:
    """Decides whether a tick runs now. Feed it the same clock everywhere (receive time live, replay time in a backtest)."""

    __slots__ = ("_last_tick_ms", "is_pending", "max_interval_ms", "min_interval_ms")

    def __init__(self, min_interval_ms: int, max_interval_ms: int) -> None:
        self.min_interval_ms = 0
        self.max_interval_ms = 0
        self.set_intervals(min_interval_ms, max_interval_ms)
        self._last_tick_ms: int | None = None
        self.is_pending = False

    def set_intervals(self, min_interval_ms: int, max_interval_ms: int) -> None:
        if not 0 <= min_interval_ms <= max_interval_ms or max_interval_ms <= 0:
            raise ValueError(f"need 0 <= min ({min_interval_ms}) <= max ({max_interval_ms}) and max > 0")
        self.min_interval_ms = min_interval_ms
        self.max_interval_ms = max_interval_ms

    def on_event(self, now_ms: int) -> bool:
        """A market event arrived: True when a tick may run now; otherwise it is held for the timer."""
        last = self._last_tick_ms
        if last is None or now_ms - last >= self.min_interval_ms:
            return True
        self.is_pending = True
        return False

    def is_due(self, now_ms: int) -> bool:
        """Whether the timer must tick now: a held event's turn has come, or the maximum gap is reached."""
        due_ms = self.next_due_ms()
        return due_ms is None or now_ms >= due_ms

    def next_due_ms(self) -> int | None:
        """When the timer must tick next (the earliest moment for a held event); None before the first tick."""
        last = self._last_tick_ms
        if last is None:
            return None
        return last + (self.min_interval_ms if self.is_pending else self.max_interval_ms)

    def mark_ticked(self, now_ms: int) -> None:
        self._last_tick_ms = now_ms
        self.is_pending = False
