from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mm.domain.decision import DecisionCommand, decide
from mm.domain.mode import Mode, ModeReason, ModeState
from mm.domain.no_quote import NoQuoteReason
from mm.domain.params import StrategyParams
from mm.domain.risk import RiskCounters
from mm.domain.windows import VolatilityStats
from tests.unit.domain.market_examples import NOW_MS, PARAMS, Market, a_snapshot, markets, strategy_params

NORMAL = ModeState(Mode.NORMAL, since_ts_ms=0, calm_since_ts_ms=0)
mode_states = st.builds(
    ModeState,
    mode=st.sampled_from(Mode),
    since_ts_ms=st.integers(0, NOW_MS),
    calm_since_ts_ms=st.none() | st.integers(0, NOW_MS),
    reasons=st.just(()),
)


def test_a_calm_market_gets_quotes_on_both_sides_and_no_commands() -> None:
    decision = decide(a_snapshot(), 0.0, PARAMS, NORMAL)

    assert decision.quotes is not None
    assert decision.quotes.bid is not None
    assert decision.quotes.bid.price == Decimal("59988.4")
    assert decision.quotes.ask is not None
    assert decision.quotes.ask.price == Decimal("60012.6")
    assert (decision.mode, decision.commands, decision.reasons) == (Mode.NORMAL, (), ())


def test_a_decision_keeps_the_features_it_quoted_from() -> None:
    decision = decide(a_snapshot(), 0.0, PARAMS, NORMAL)

    assert decision.features is not None
    assert decision.features.mid == 60_000.5


def test_pause_cancels_everything_and_quotes_nothing() -> None:
    decision = decide(a_snapshot(has_feed_gap=True), 0.0, PARAMS, NORMAL)

    assert (decision.mode, decision.quotes, decision.commands) == (Mode.PAUSE, None, (DecisionCommand.CANCEL_ALL,))
    assert decision.reasons == (ModeReason.FEED_GAP,)


def test_an_exchange_error_burst_pauses() -> None:
    counters = RiskCounters(exchange_error_count=PARAMS.error_burst_count)

    assert decide(a_snapshot(), 0.0, PARAMS, NORMAL, counters).commands == (DecisionCommand.CANCEL_ALL,)


def test_a_missing_feature_means_no_quote_with_its_reason() -> None:
    decision = decide(a_snapshot(ask_px=None, ask_sz=None), 0.0, PARAMS, NORMAL)

    assert (decision.quotes, decision.commands, decision.reasons) == (None, (), (NoQuoteReason.BOOK_SIDE_MISSING,))


def test_the_reasons_list_the_mode_first_then_why_nothing_is_quoted() -> None:
    starting = ModeState.starting(NOW_MS)

    decision = decide(a_snapshot(mark_px=None), 0.0, PARAMS, starting)

    assert decision.reasons == (ModeReason.CALM_PERIOD_PENDING, NoQuoteReason.MARK_INDEX_MISSING)


def test_defensive_quotes_are_wider_than_normal_ones() -> None:
    normal = decide(a_snapshot(), 0.0, PARAMS, NORMAL)
    defensive = decide(a_snapshot(), 0.0, PARAMS, ModeState.starting(NOW_MS))

    assert normal.quotes is not None
    assert defensive.quotes is not None
    assert defensive.quotes.half_spread_bps > normal.quotes.half_spread_bps


def test_a_dropped_side_is_named_among_the_reasons() -> None:
    decision = decide(a_snapshot(), 0.01, PARAMS, NORMAL)

    assert decision.quotes is not None
    assert decision.quotes.bid is None
    assert decision.reasons == (ModeReason.INVENTORY_AT_LIMIT, NoQuoteReason.BID_AT_POSITION_LIMIT)


def test_both_sides_dropped_means_no_quotes_at_all() -> None:
    decision = decide(a_snapshot(), 0.0, replace(PARAMS, order_size=0.0005), NORMAL)

    assert decision.quotes is None
    assert decision.reasons == (NoQuoteReason.BID_BELOW_MIN_SIZE, NoQuoteReason.ASK_BELOW_MIN_SIZE)


def test_the_next_state_comes_back_in_the_decision() -> None:
    paused = decide(a_snapshot(has_feed_gap=True), 0.0, PARAMS, NORMAL).mode_state

    recovered = decide(a_snapshot(), 0.0, PARAMS, paused)

    assert (recovered.mode, recovered.reasons) == (Mode.DEFENSIVE, (ModeReason.CALM_PERIOD_PENDING,))
    assert recovered.quotes is not None


_HARD_TRIGGERS: list[tuple[dict[str, Any], float, int]] = [
    ({"has_feed_gap": True}, 0.0, 0),
    ({"bbo_ts_ms": NOW_MS - 60_000}, 0.0, 0),
    ({"mark_ts_ms": NOW_MS - 600_000}, 0.0, 0),
    ({"liquidation_count": 10_000}, 0.0, 0),
    ({}, 1e9, 0),
    ({}, -1e9, 0),
    ({}, 0.0, 10_000),
]


@settings(deadline=None)
@given(markets(), strategy_params(), mode_states, st.sampled_from(_HARD_TRIGGERS))
def test_any_hard_trigger_pauses_with_cancel_all_as_the_only_command(
    market: Market, params: StrategyParams, state: ModeState, trigger: tuple[dict[str, Any], float, int]
) -> None:
    changes, position, errors = trigger
    snapshot = replace(market.snapshot, **changes)

    decision = decide(snapshot, position, params, state, RiskCounters(exchange_error_count=errors))

    assert (decision.mode, decision.commands, decision.quotes) == (Mode.PAUSE, (DecisionCommand.CANCEL_ALL,), None)


@settings(deadline=None)
@given(markets(), strategy_params(), mode_states, st.floats(-0.05, 0.05))
def test_only_pause_ever_commands_and_it_only_cancels(
    market: Market, params: StrategyParams, state: ModeState, position_fraction: float
) -> None:
    decision = decide(market.snapshot, position_fraction * params.hard_max_position * 30, params, state)

    if decision.mode is Mode.PAUSE:
        assert (decision.commands, decision.quotes) == ((DecisionCommand.CANCEL_ALL,), None)
    else:
        assert decision.commands == ()


_MISSING_DATA: list[tuple[dict[str, Any], NoQuoteReason]] = [
    ({"bid_px": None}, NoQuoteReason.BOOK_SIDE_MISSING),
    ({"ask_sz": None}, NoQuoteReason.BOOK_SIDE_MISSING),
    ({"bid_sz": 0.0}, NoQuoteReason.ZERO_BOOK),
    ({"ask_px": 0.5}, NoQuoteReason.CROSSED_BOOK),
    ({"mark_px": None}, NoQuoteReason.MARK_INDEX_MISSING),
    ({"index_px": None, "index_ts_ms": None}, NoQuoteReason.MARK_INDEX_MISSING),
    ({"volatility": VolatilityStats(0.0, 0.0, 0, 60_000)}, NoQuoteReason.TOO_FEW_SAMPLES),
    ({"volatility": VolatilityStats(0.0, 0.0, 500, 5_000)}, NoQuoteReason.VOL_WARMING_UP),
]


@settings(deadline=None)
@given(markets(), strategy_params(), mode_states, st.sampled_from(_MISSING_DATA))
def test_any_missing_data_yields_no_quote_and_says_why(
    market: Market, params: StrategyParams, state: ModeState, missing: tuple[dict[str, Any], NoQuoteReason]
) -> None:
    changes, reason = missing

    decision = decide(replace(market.snapshot, **changes), 0.0, params, state)

    assert (decision.quotes, decision.commands, decision.reasons[-1]) == (None, (), reason)


@settings(deadline=None)
@given(markets(), strategy_params(), mode_states, st.floats(-1.0, 1.0, exclude_min=True, exclude_max=True))
def test_any_decided_quotes_are_post_only_safe_and_tick_aligned(
    market: Market, params: StrategyParams, state: ModeState, position_fraction: float
) -> None:
    decision = decide(market.snapshot, position_fraction * params.max_position, params, state)

    quotes = decision.quotes
    if quotes is None:  # only an order size under the market's minimum leaves nothing to quote here
        assert NoQuoteReason.BID_BELOW_MIN_SIZE in decision.reasons
        return
    instrument = market.snapshot.instrument
    if quotes.bid is not None:
        assert quotes.bid.price < market.best_ask
        assert instrument.is_price_aligned(quotes.bid.price)
    if quotes.ask is not None:
        assert quotes.ask.price > market.best_bid
        assert instrument.is_price_aligned(quotes.ask.price)
    if quotes.bid is not None and quotes.ask is not None:
        assert quotes.bid.price < quotes.ask.price
