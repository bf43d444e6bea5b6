"""Non-finite and absurd numbers reach the strategy core as no-quote reasons, never as exceptions.

The finding behind these: one best bid/offer with ask 1e308 raised OverflowError in the volatility
window, and the forced PAUSE tick after it raised ValueError (NaN) in the tick grid, so the
executor's cancel-all never went out.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mm.domain.decision import decide
from mm.domain.features import compute_features
from mm.domain.mode import Mode, ModeState
from mm.domain.no_quote import NoQuoteReason
from mm.domain.tick_grid import NO_TICKS
from mm.domain.windows import MarketWindows, MidVolatility
from tests.unit.domain.market_examples import BTC_GRID, NOW_MS, PARAMS, a_snapshot

ABSURD = [1e308, math.inf, -math.inf, math.nan, 1.7976931348623157e308]
NORMAL = ModeState(Mode.NORMAL, since_ts_ms=0, calm_since_ts_ms=0)


@pytest.mark.parametrize("ask_px", ABSURD)
def test_an_absurd_ask_does_not_raise_in_the_windows_and_leaves_the_volatility_finite(ask_px: float) -> None:
    windows = MarketWindows(10_000)
    windows.on_book(0, 100_000.0, 100_001.0)
    windows.on_book(100, 100_000.0, ask_px)
    windows.on_book(200, 100_000.0, 100_001.0)
    stats = windows.volatility_stats(300)
    assert math.isfinite(stats.vol_1s_bps)
    assert stats.sample_count == (2 if math.isfinite(ask_px) else 1)  # a finite one is capped, not dropped


def test_a_non_finite_ask_adds_no_sample() -> None:
    windows = MarketWindows(10_000)
    windows.on_book(0, 100_000.0, 100_001.0)
    windows.on_book(100, 100_000.0, math.inf)
    windows.on_book(200, 100_000.0, 100_001.0)
    assert windows.volatility_stats(300).vol_1s_bps == 0.0


@pytest.mark.parametrize("mid", [*ABSURD, 0.0, -1.0, 5e-324])
def test_volatility_stays_finite_whatever_mid_it_is_fed(mid: float) -> None:
    volatility = MidVolatility()
    volatility.update(0, 100_000.0)
    volatility.update(100, mid)
    volatility.update(200, 100_000.0)
    stats = volatility.stats(300)
    assert math.isfinite(stats.vol_1s_bps)
    assert math.isfinite(stats.vol_10s_bps)


def test_one_return_counts_at_most_as_a_100_percent_move() -> None:
    volatility = MidVolatility()
    volatility.update(0, 1e-300)
    volatility.update(100, 1e300)
    assert volatility.stats(200).vol_1s_bps == pytest.approx(1e4)


@pytest.mark.parametrize("price", [math.nan, math.inf, -math.inf])
def test_the_tick_grid_has_no_tick_for_a_non_finite_price(price: float) -> None:
    assert BTC_GRID.bid_ticks(price) == NO_TICKS
    assert BTC_GRID.ask_ticks(price) == NO_TICKS
    assert BTC_GRID.size_steps(price) == NO_TICKS


@pytest.mark.parametrize(
    "changes",
    [
        {"ask_px": 1e308},
        {"ask_px": math.inf},
        {"ask_px": math.nan},
        {"bid_px": math.nan},
        {"bid_px": math.inf, "ask_px": math.inf},
        {"bid_sz": math.inf},
        {"ask_sz": math.nan},
        {"ask_sz": 1e300},
    ],
)
def test_an_absurd_book_is_a_no_quote_reason(changes: dict[str, float]) -> None:
    assert compute_features(a_snapshot(**changes), PARAMS) is NoQuoteReason.ABSURD_BOOK


@pytest.mark.parametrize("changes", [{"mark_px": math.nan}, {"index_px": math.inf}])
def test_a_non_finite_mark_or_index_counts_as_missing(changes: dict[str, float]) -> None:
    assert compute_features(a_snapshot(**changes), PARAMS) is NoQuoteReason.MARK_INDEX_MISSING


@given(
    bid_px=st.floats(allow_nan=True, allow_infinity=True),
    ask_px=st.floats(allow_nan=True, allow_infinity=True),
    bid_sz=st.floats(allow_nan=True, allow_infinity=True),
    mark_px=st.floats(allow_nan=True, allow_infinity=True),
)
def test_no_book_makes_a_decision_raise_and_every_quote_is_on_the_grid_and_positive(
    bid_px: float, ask_px: float, bid_sz: float, mark_px: float
) -> None:
    snapshot = a_snapshot(bid_px=bid_px, ask_px=ask_px, bid_sz=bid_sz, mark_px=mark_px, now_ts_ms=NOW_MS)
    decision = decide(snapshot, 0.0, PARAMS, NORMAL)
    quotes = decision.quotes
    for quote in (quotes.bid, quotes.ask) if quotes is not None else ():
        if quote is not None:
            assert quote.price_ticks > 0
            assert quote.price > 0
