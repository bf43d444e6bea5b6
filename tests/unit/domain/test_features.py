from __future__ import annotations

from dataclasses import replace

import pytest

from mm.domain.features import Features, compute_features
from mm.domain.no_quote import NoQuoteReason
from mm.domain.windows import VolatilityStats
from tests.unit.domain.market_examples import NOW_MS, PARAMS, WARM_VOLATILITY, a_snapshot


def features_of(**changes: object) -> Features:
    features = compute_features(a_snapshot(**changes), PARAMS)
    assert isinstance(features, Features)
    return features


def test_features_of_a_fresh_book_describe_its_top() -> None:
    features = features_of(bid_px=100.0, bid_sz=3.0, ask_px=100.5, ask_sz=1.0, mark_px=101.0, index_px=100.0)

    assert (features.mid, features.spread, features.imbalance) == (100.25, 0.5, 0.5)
    assert features.spread_bps == pytest.approx(0.5 / 100.25 * 1e4)
    assert features.divergence_bps == pytest.approx(100.0)


def test_features_carry_the_window_statistics() -> None:
    volatility = replace(WARM_VOLATILITY, vol_1s_bps=1.5, vol_10s_bps=6.0)

    features = features_of(volatility=volatility, liquidation_count=2)

    assert (features.vol_1s_bps, features.vol_10s_bps, features.liquidation_count) == (1.5, 6.0, 2)


def test_per_second_volatility_is_the_worse_of_one_second_and_scaled_ten_seconds() -> None:
    calm_second = features_of(volatility=replace(WARM_VOLATILITY, vol_1s_bps=1.0, vol_10s_bps=10.0))
    burst = features_of(volatility=replace(WARM_VOLATILITY, vol_1s_bps=5.0, vol_10s_bps=10.0))

    assert calm_second.vol_per_s_bps == pytest.approx(10.0 / 10**0.5)
    assert burst.vol_per_s_bps == 5.0


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"has_feed_gap": True}, NoQuoteReason.FEED_GAP),
        ({"bid_px": None, "bid_sz": None}, NoQuoteReason.BOOK_SIDE_MISSING),
        ({"ask_px": None, "ask_sz": None}, NoQuoteReason.BOOK_SIDE_MISSING),
        ({"bid_px": 0.0}, NoQuoteReason.ZERO_BOOK),
        ({"ask_sz": 0.0}, NoQuoteReason.ZERO_BOOK),
        ({"bid_px": 60_002.0}, NoQuoteReason.CROSSED_BOOK),
        ({"bid_px": 60_001.0}, NoQuoteReason.CROSSED_BOOK),
        ({"bbo_ts_ms": NOW_MS - PARAMS.stale_after_ms - 1}, NoQuoteReason.STALE_BOOK),
        ({"bbo_ts_ms": None}, NoQuoteReason.STALE_BOOK),
        ({"mark_px": None, "mark_ts_ms": None}, NoQuoteReason.MARK_INDEX_MISSING),
        ({"index_px": 0.0}, NoQuoteReason.MARK_INDEX_MISSING),
        ({"index_ts_ms": NOW_MS - PARAMS.mark_index_stale_after_ms - 1}, NoQuoteReason.MARK_INDEX_STALE),
        ({"volatility": VolatilityStats(0.0, 0.0, 100, 9_999)}, NoQuoteReason.VOL_WARMING_UP),
        ({"volatility": VolatilityStats(0.0, 0.0, PARAMS.vol_min_samples - 1, 60_000)}, NoQuoteReason.TOO_FEW_SAMPLES),
    ],
    ids=lambda value: str(value) if isinstance(value, NoQuoteReason) else "",
)
def test_a_feature_that_cannot_be_computed_gives_its_no_quote_reason(
    changes: dict[str, object], reason: NoQuoteReason
) -> None:
    assert compute_features(a_snapshot(**changes), PARAMS) == reason


def test_a_book_exactly_at_the_staleness_limit_is_still_fresh() -> None:
    assert isinstance(compute_features(a_snapshot(bbo_ts_ms=NOW_MS - PARAMS.stale_after_ms), PARAMS), Features)


def test_the_first_reason_in_check_order_is_given() -> None:
    snapshot = a_snapshot(has_feed_gap=True, bid_px=None, bbo_ts_ms=0)

    assert compute_features(snapshot, PARAMS) == NoQuoteReason.FEED_GAP


def test_without_required_mark_and_index_features_have_no_divergence() -> None:
    params = replace(PARAMS, requires_mark_index=False)

    features = compute_features(a_snapshot(mark_px=None, index_px=None), params)

    assert isinstance(features, Features)
    assert features.divergence_bps is None
