from __future__ import annotations

from dataclasses import replace

import pytest

from mm.domain.features import Features, compute_features
from mm.domain.mode import Mode, ModeReason
from mm.domain.params import StrategyParams
from mm.domain.risk import NO_RISK_COUNTERS, RiskAssessment, RiskCounters, assess_risk
from mm.domain.snapshot import MarketSnapshot
from mm.domain.windows import VolatilityStats
from tests.unit.domain.market_examples import NOW_MS, PARAMS, WARM_VOLATILITY, a_snapshot


def assess(
    snapshot: MarketSnapshot | None = None,
    position: float = 0.0,
    counters: RiskCounters = NO_RISK_COUNTERS,
    params: StrategyParams = PARAMS,
) -> RiskAssessment:
    snapshot = snapshot or a_snapshot()
    features = compute_features(snapshot, params)
    usable = features if isinstance(features, Features) else None
    return assess_risk(snapshot, usable, position, counters, params)


def test_a_calm_market_flat_and_error_free_calls_for_normal() -> None:
    assert assess() == RiskAssessment(Mode.NORMAL, ())


@pytest.mark.parametrize(
    ("snapshot", "position", "counters", "cause"),
    [
        (a_snapshot(has_feed_gap=True), 0.0, NO_RISK_COUNTERS, ModeReason.FEED_GAP),
        (a_snapshot(bbo_ts_ms=NOW_MS - PARAMS.stale_after_ms - 1), 0.0, NO_RISK_COUNTERS, ModeReason.STALE_BOOK),
        (
            a_snapshot(mark_ts_ms=NOW_MS - PARAMS.mark_index_stale_after_ms - 1),
            0.0,
            NO_RISK_COUNTERS,
            ModeReason.STALE_MARK_INDEX,
        ),
        (a_snapshot(mark_px=60_000.5 * 1.0076), 0.0, NO_RISK_COUNTERS, ModeReason.DIVERGENCE_HARD),
        (a_snapshot(mark_px=60_000.5 * 0.9924), 0.0, NO_RISK_COUNTERS, ModeReason.DIVERGENCE_HARD),
        (
            a_snapshot(liquidation_count=PARAMS.liquidation_hard_count),
            0.0,
            NO_RISK_COUNTERS,
            ModeReason.LIQUIDATION_BURST,
        ),
        (a_snapshot(), 0.0201, NO_RISK_COUNTERS, ModeReason.INVENTORY_PAST_HARD_LIMIT),
        (a_snapshot(), -0.0201, NO_RISK_COUNTERS, ModeReason.INVENTORY_PAST_HARD_LIMIT),
        (
            a_snapshot(),
            0.0,
            RiskCounters(exchange_error_count=PARAMS.error_burst_count),
            ModeReason.EXCHANGE_ERROR_BURST,
        ),
    ],
    ids=lambda value: str(value) if isinstance(value, ModeReason) else "",
)
def test_a_hard_cause_calls_for_pause(
    snapshot: MarketSnapshot, position: float, counters: RiskCounters, cause: ModeReason
) -> None:
    assert assess(snapshot, position, counters) == RiskAssessment(Mode.PAUSE, (cause,))


@pytest.mark.parametrize(
    ("snapshot", "position", "cause"),
    [
        (a_snapshot(mark_px=60_000.5 * 1.0026), 0.0, ModeReason.DIVERGENCE_SOFT),
        (a_snapshot(liquidation_count=PARAMS.liquidation_soft_count), 0.0, ModeReason.LIQUIDATIONS_ELEVATED),
        (a_snapshot(), 0.01, ModeReason.INVENTORY_AT_LIMIT),
        (a_snapshot(), -0.015, ModeReason.INVENTORY_AT_LIMIT),
        (a_snapshot(volatility=replace(WARM_VOLATILITY, vol_1s_bps=8.5)), 0.0, ModeReason.VOLATILITY_HIGH),
    ],
    ids=lambda value: str(value) if isinstance(value, ModeReason) else "",
)
def test_a_soft_cause_calls_for_defensive(snapshot: MarketSnapshot, position: float, cause: ModeReason) -> None:
    assert assess(snapshot, position) == RiskAssessment(Mode.DEFENSIVE, (cause,))


def test_pause_wins_over_defensive_and_names_only_its_own_causes() -> None:
    snapshot = a_snapshot(liquidation_count=PARAMS.liquidation_soft_count)

    assert assess(snapshot, position=0.03) == RiskAssessment(Mode.PAUSE, (ModeReason.INVENTORY_PAST_HARD_LIMIT,))


def test_every_present_hard_cause_is_named() -> None:
    snapshot = a_snapshot(has_feed_gap=True, liquidation_count=PARAMS.liquidation_hard_count)

    assert assess(snapshot).causes == (ModeReason.FEED_GAP, ModeReason.LIQUIDATION_BURST)


def test_inventory_exactly_at_the_hard_limit_is_not_past_it() -> None:
    assert assess(position=PARAMS.hard_max_position).target is Mode.DEFENSIVE


def test_a_book_never_seen_is_not_stale() -> None:
    snapshot = a_snapshot(bid_px=None, bid_sz=None, ask_px=None, ask_sz=None, bbo_ts_ms=None)

    assert assess(snapshot).target is Mode.NORMAL


def test_hard_causes_are_checked_even_when_features_cannot_be_computed() -> None:
    snapshot = a_snapshot(bid_px=None, liquidation_count=PARAMS.liquidation_hard_count)

    assert assess(snapshot).causes == (ModeReason.LIQUIDATION_BURST,)


def test_divergence_is_checked_even_when_the_book_is_unusable() -> None:
    snapshot = a_snapshot(bid_px=70_000.0, mark_px=60_000.5 * 1.01)

    assert assess(snapshot).causes == (ModeReason.DIVERGENCE_HARD,)


def test_volatility_is_not_judged_while_the_windows_warm_up() -> None:
    snapshot = a_snapshot(volatility=VolatilityStats(50.0, 50.0, 100, 1_000))

    assert assess(snapshot).target is Mode.NORMAL


def test_stale_mark_and_index_do_not_pause_when_they_are_not_required() -> None:
    params = replace(PARAMS, requires_mark_index=False)
    snapshot = a_snapshot(mark_ts_ms=NOW_MS - 10 * PARAMS.mark_index_stale_after_ms)

    assert assess(snapshot, params=params).target is Mode.NORMAL
