"""The last hour of operations in one market: PAUSEs, data gaps, exchange errors. No I/O.

A params change is applied only when operations are calm (`mm.domain.rollout`); these counts are
the executor's evidence for it. A restarted executor first recalls what it recorded before
(`recall`), so an incident counts for its hour however often the process restarts.
"""

from __future__ import annotations

from mm.domain.mode import Mode
from mm.domain.recorded_incidents import RecordedIncidents
from mm.domain.reflection_window import HOUR_MS
from mm.domain.rollout import OperationalFacts
from mm.domain.windows import RollingWindow


class OperationsRecord:
    __slots__ = ("_errors", "_gaps", "_pauses")

    def __init__(self, lookback_ms: int = HOUR_MS) -> None:
        self._pauses = RollingWindow(lookback_ms)
        self._gaps = RollingWindow(lookback_ms)
        self._errors = RollingWindow(lookback_ms)

    def recall(self, incidents: RecordedIncidents) -> None:
        """Take in incidents recorded before this record started; call it before any `on_*`."""
        for window, stamps in (
            (self._pauses, incidents.pause_ts_ms),
            (self._gaps, incidents.gap_ts_ms),
            (self._errors, incidents.error_ts_ms),
        ):
            for ts_ms in stamps:
                window.add(ts_ms)

    def on_pause(self, now_ms: int) -> None:
        self._pauses.add(now_ms)

    def on_gap(self, now_ms: int) -> None:
        self._gaps.add(now_ms)

    def on_error(self, now_ms: int) -> None:
        self._errors.add(now_ms)

    def facts(self, mode: Mode, now_ms: int) -> OperationalFacts:
        return OperationalFacts(
            mode=mode,
            pause_count=self._pauses.count(now_ms),
            data_gap_count=self._gaps.count(now_ms),
            exchange_error_count=self._errors.count(now_ms),
        )
