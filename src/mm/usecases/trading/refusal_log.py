"""Counts and logs the orders the pre-trade check refused, without a log line per tick.

While an outlier lasts, the engine plans the same refused order on every tick (up to 20 a second).
Each refusal is counted in `executor_order_refusals_total`; the log gets the first refusal of each
market, side and reason at WARNING, then at most one line per `interval_ms` with how many were
refused since, so the log says what happened and how often without drowning everything else.
"""

from __future__ import annotations

import structlog

from mm.domain.engine_commands import ReportRefusal
from mm.usecases.trading.executor_metrics import ExecutorMetrics

_log = structlog.get_logger(__name__)


class RefusalLog:
    def __init__(self, metrics: ExecutorMetrics, interval_ms: int = 10_000) -> None:
        if interval_ms <= 0:
            raise ValueError("interval_ms must be positive")
        self._metrics = metrics
        self._interval_ms = interval_ms
        self._next_line_ms: dict[tuple[str, str, str], int] = {}
        self._unlogged: dict[tuple[str, str, str], int] = {}

    def report(self, command: ReportRefusal, now_ms: int) -> None:
        refusal = command.refusal
        key = (command.symbol, refusal.side.value, refusal.reason.value)
        self._metrics.order_refusals.inc(symbol=key[0], side=key[1], reason=key[2])
        refused = self._unlogged.get(key, 0) + 1
        if now_ms < self._next_line_ms.get(key, now_ms):
            self._unlogged[key] = refused
            return
        self._unlogged[key] = 0
        self._next_line_ms[key] = now_ms + self._interval_ms
        _log.warning(
            "order_refused",
            symbol=command.symbol,
            side=key[1],
            price=str(refusal.price),
            reason=key[2],
            reference=refusal.reference_px,
            deviation_bps=None if refusal.deviation_bps is None else round(refusal.deviation_bps, 1),
            refused_since_last_line=refused,
        )
