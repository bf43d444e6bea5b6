"""The risk policy: which mode the present market, inventory and error counts call for. No I/O.

The policy is memoryless on purpose: it names the causes present now, and the hysteresis (PAUSE
steps down through DEFENSIVE, NORMAL only after a calm period) lives in `ModeState.advance`, so
each can be tested alone.
"""

from __future__ import annotations

from mm.domain.features import Features, divergence_bps
from mm.domain.mode import Mode, ModeReason
from mm.domain.params import StrategyParams
from mm.domain.snapshot import MarketSnapshot
from mm.domain.value import value


@value(frozen=True)
class RiskCounters:
    """Counts the engine keeps from the account side: exchange errors (rejects other than post-only
    crosses, timeouts, 5xx) within the last `StrategyParams.error_window_ms`."""

    exchange_error_count: int = 0


NO_RISK_COUNTERS = RiskCounters()


@value(frozen=True)
class RiskAssessment:
    """The mode the present causes call for, and those causes (only the winning level's)."""

    target: Mode
    causes: tuple[ModeReason, ...]


_CALM = RiskAssessment(Mode.NORMAL, ())


def assess_risk(
    snapshot: MarketSnapshot,
    features: Features | None,
    position: float,
    counters: RiskCounters,
    params: StrategyParams,
) -> RiskAssessment:
    """Return PAUSE if any hard cause is present, else DEFENSIVE if any soft one is, else NORMAL.

    `position` is signed inventory in base units; `features` is None when they could not be
    computed, and then only the causes that do not need them are checked.
    """
    divergence = features.divergence_bps if features is not None else divergence_bps(snapshot, params)
    abs_divergence = abs(divergence) if divergence is not None else 0.0
    pause_causes = _pause_causes(snapshot, abs_divergence, abs(position), counters, params)
    if pause_causes:
        return RiskAssessment(Mode.PAUSE, pause_causes)
    defensive_causes = _defensive_causes(snapshot, features, abs_divergence, abs(position), params)
    if defensive_causes:
        return RiskAssessment(Mode.DEFENSIVE, defensive_causes)
    return _CALM


def _pause_causes(
    snapshot: MarketSnapshot,
    abs_divergence_bps: float,
    abs_position: float,
    counters: RiskCounters,
    params: StrategyParams,
) -> tuple[ModeReason, ...]:
    now_ts_ms = snapshot.now_ts_ms
    causes: list[ModeReason] = []
    if snapshot.has_feed_gap:
        causes.append(ModeReason.FEED_GAP)
    if snapshot.has_unconfirmed_price:  # a quote from a price the market has not confirmed could be an outlier's
        causes.append(ModeReason.PRICE_UNCONFIRMED)
    # A book never seen is not stale: at start-up there is simply nothing to quote on yet.
    if snapshot.bbo_ts_ms is not None and now_ts_ms - snapshot.bbo_ts_ms > params.stale_after_ms:
        causes.append(ModeReason.STALE_BOOK)
    if params.requires_mark_index and _is_mark_or_index_stale(snapshot, params):
        causes.append(ModeReason.STALE_MARK_INDEX)
    if abs_divergence_bps > params.divergence_hard_bps:
        causes.append(ModeReason.DIVERGENCE_HARD)
    if snapshot.liquidation_count >= params.liquidation_hard_count:
        causes.append(ModeReason.LIQUIDATION_BURST)
    if abs_position > params.hard_max_position:
        causes.append(ModeReason.INVENTORY_PAST_HARD_LIMIT)
    if counters.exchange_error_count >= params.error_burst_count:
        causes.append(ModeReason.EXCHANGE_ERROR_BURST)
    return tuple(causes)


def _defensive_causes(
    snapshot: MarketSnapshot,
    features: Features | None,
    abs_divergence_bps: float,
    abs_position: float,
    params: StrategyParams,
) -> tuple[ModeReason, ...]:
    causes: list[ModeReason] = []
    if abs_divergence_bps > params.divergence_soft_bps:
        causes.append(ModeReason.DIVERGENCE_SOFT)
    if snapshot.liquidation_count >= params.liquidation_soft_count:
        causes.append(ModeReason.LIQUIDATIONS_ELEVATED)
    if abs_position >= params.max_position:
        causes.append(ModeReason.INVENTORY_AT_LIMIT)
    if features is not None and features.vol_per_s_bps > params.vol_soft_bps:
        causes.append(ModeReason.VOLATILITY_HIGH)
    return tuple(causes)


def _is_mark_or_index_stale(snapshot: MarketSnapshot, params: StrategyParams) -> bool:
    """True when a mark or index price once received is now older than the staleness limit."""
    oldest_ok_ts_ms = snapshot.now_ts_ms - params.mark_index_stale_after_ms
    mark_ts_ms, index_ts_ms = snapshot.mark_ts_ms, snapshot.index_ts_ms
    return (mark_ts_ms is not None and mark_ts_ms < oldest_ok_ts_ms) or (
        index_ts_ms is not None and index_ts_ms < oldest_ok_ts_ms
    )
