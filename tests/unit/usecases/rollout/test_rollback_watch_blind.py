"""The rollback watch without the summarizer: stale minute buckets raise a gauge and a WARN every few minutes."""

from __future__ import annotations

from structlog.testing import capture_logs

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from tests.unit.usecases.rollout.test_roll_back_proposal import APPLIED_MS, CALM, MINUTE_MS, Market, applied_market

MAX_LAG_MS = 5 * MINUTE_MS
ALERT_INTERVAL_MS = 3 * MINUTE_MS


def _watched(market: Market, metrics: PrometheusMetrics) -> RollbackWatcher:
    return RollbackWatcher(
        proposals=market.rollouts.proposals,
        rollouts=market.rollouts,
        summaries=market.summary_tables.summaries,
        fills=market.summary_tables.fills,
        clock=market.clock,
        metrics=metrics,
        summary_max_lag_ms=MAX_LAG_MS,
        blind_alert_interval_ms=ALERT_INTERVAL_MS,
    )


async def _blind_warnings_at(watcher: RollbackWatcher, market: Market, *times_ms: int) -> list[int]:
    """The clock times among `times_ms` at which a check logged `rollback_watch_blind`."""
    warned: list[int] = []
    for ts_ms in times_ms:
        market.clock.advance_to(ts_ms)
        with capture_logs() as logs:
            await watcher.roll_back_if_triggered("extended", "BTC-USD", CALM)
        if any(log["event"] == "rollback_watch_blind" and log["log_level"] == "warning" for log in logs):
            warned.append(ts_ms)
    return warned


async def test_with_no_summarizer_running_the_watch_warns_once_stale_and_again_every_alert_interval() -> None:
    market = await applied_market()
    watcher = _watched(market, PrometheusMetrics())
    checks = [APPLIED_MS + MAX_LAG_MS - 1_000 + k * MINUTE_MS for k in range(6)]
    warned = await _blind_warnings_at(watcher, market, *checks)
    assert warned == [checks[1], checks[4]]


async def test_stale_buckets_set_the_blind_gauge_and_the_lag() -> None:
    market = await applied_market()
    metrics = PrometheusMetrics()
    watcher = _watched(market, metrics)
    await _blind_warnings_at(watcher, market, APPLIED_MS + 10 * MINUTE_MS)
    assert (
        metrics.value("rollback_watch_blind", symbol="BTC-USD"),
        metrics.value("rollback_watch_summary_lag_seconds", symbol="BTC-USD"),
    ) == (1.0, 600.0)


async def test_fresh_minute_buckets_keep_the_watch_quiet() -> None:
    market = await applied_market()
    metrics = PrometheusMetrics()
    watcher = _watched(market, metrics)
    await market.trade(10, mean_markout_10s_bps="-1")  # summarized up to the minute before the clock
    warned = await _blind_warnings_at(watcher, market, market.clock.now_ms())
    assert (warned, metrics.value("rollback_watch_blind", symbol="BTC-USD")) == ([], 0.0)
