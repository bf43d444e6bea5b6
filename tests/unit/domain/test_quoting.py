from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mm.domain.features import Features, compute_features
from mm.domain.mode import Mode
from mm.domain.no_quote import NoQuoteReason
from mm.domain.params import StrategyParams
from mm.domain.quoting import DesiredQuotes, compute_quotes
from mm.domain.side import Side
from mm.domain.snapshot import MarketSnapshot
from tests.unit.domain.market_examples import (
    BTC_GRID,
    PARAMS,
    WARM_VOLATILITY,
    Market,
    a_snapshot,
    markets,
    positions_within,
    strategy_params,
)


def quotes_for(
    position: float = 0.0,
    params: StrategyParams = PARAMS,
    mode: Mode = Mode.NORMAL,
    snapshot: MarketSnapshot | None = None,
) -> DesiredQuotes:
    snapshot = snapshot or a_snapshot()
    features = compute_features(snapshot, params)
    assert isinstance(features, Features)
    return compute_quotes(features, snapshot.grid, position, params, mode)


def prices(quotes: DesiredQuotes) -> tuple[Decimal | None, Decimal | None]:
    return (
        quotes.bid.price if quotes.bid is not None else None,
        quotes.ask.price if quotes.ask is not None else None,
    )


def test_flat_quotes_sit_a_half_spread_around_the_mid_rounded_outward() -> None:
    # mid 60000.5, 2 bps half-spread = 12.0001: bid 59988.4999 rounds down, ask 60012.5001 up.
    quotes = quotes_for()

    assert prices(quotes) == (Decimal("59988.4"), Decimal("60012.6"))
    assert quotes.bid is not None
    assert quotes.bid.side is Side.BUY
    assert quotes.bid.size == Decimal("0.002")
    assert quotes.ask is not None
    assert quotes.ask.side is Side.SELL
    assert quotes.ask.size == Decimal("0.002")


def test_a_quote_carries_its_price_in_ticks_and_size_in_steps() -> None:
    bid = quotes_for().bid

    assert bid is not None
    assert (bid.price_ticks, bid.size_steps) == (599884, 2)


def test_a_long_position_lowers_both_quotes() -> None:
    # half the max position long: 1.5 bps skew puts the fair price at 59991.4999.
    quotes = quotes_for(position=0.005)

    assert prices(quotes) == (Decimal("59979.5"), Decimal("60003.5"))
    assert quotes.skew_bps == 1.5


def test_a_short_position_raises_both_quotes() -> None:
    flat_bid, flat_ask = prices(quotes_for())
    short_bid, short_ask = prices(quotes_for(position=-0.005))

    assert short_bid is not None
    assert flat_bid is not None
    assert short_bid > flat_bid
    assert short_ask is not None
    assert flat_ask is not None
    assert short_ask > flat_ask


def test_skew_stops_growing_past_the_max_position() -> None:
    assert quotes_for(position=0.015).skew_bps == quotes_for(position=0.01).skew_bps == PARAMS.inventory_skew_bps


def test_defensive_mode_widens_the_half_spread() -> None:
    quotes = quotes_for(mode=Mode.DEFENSIVE)

    assert quotes.half_spread_bps == 4.0
    assert prices(quotes) == (Decimal("59976.4"), Decimal("60024.6"))


def test_volatility_widens_the_half_spread() -> None:
    snapshot = a_snapshot(volatility=replace(WARM_VOLATILITY, vol_1s_bps=3.0))

    assert quotes_for(snapshot=snapshot).half_spread_bps == 5.0


def test_a_bid_skewed_through_the_best_ask_is_held_one_tick_below_it() -> None:
    params = replace(PARAMS, inventory_skew_bps=50.0)

    quotes = quotes_for(position=-0.009, params=params)

    assert quotes.bid is not None
    assert quotes.bid.price == Decimal("60000.9")


def test_an_ask_skewed_through_the_best_bid_is_held_one_tick_above_it() -> None:
    params = replace(PARAMS, inventory_skew_bps=50.0)

    quotes = quotes_for(position=0.009, params=params)

    assert quotes.ask is not None
    assert quotes.ask.price == Decimal("60000.1")


def test_an_off_grid_best_ask_still_keeps_the_bid_below_it() -> None:
    params = replace(PARAMS, inventory_skew_bps=50.0)
    snapshot = a_snapshot(ask_px=60_001.05)

    quotes = quotes_for(position=-0.009, params=params, snapshot=snapshot)

    assert quotes.bid is not None
    assert quotes.bid.price == Decimal("60001.0")


def test_the_bid_is_dropped_at_the_max_position() -> None:
    quotes = quotes_for(position=0.01)

    assert quotes.bid is None
    assert quotes.ask is not None
    assert quotes.dropped == (NoQuoteReason.BID_AT_POSITION_LIMIT,)


def test_the_ask_is_dropped_at_the_negative_max_position() -> None:
    quotes = quotes_for(position=-0.01)

    assert quotes.ask is None
    assert quotes.bid is not None
    assert quotes.dropped == (NoQuoteReason.ASK_AT_POSITION_LIMIT,)


def test_a_bid_is_cut_so_a_fill_cannot_pass_the_hard_limit() -> None:
    params = replace(PARAMS, hard_max_position=0.011)

    quotes = quotes_for(position=0.0095, params=params)

    assert quotes.bid is not None
    assert quotes.bid.size == Decimal("0.001")


def test_an_ask_is_cut_so_a_fill_cannot_pass_the_negative_hard_limit() -> None:
    params = replace(PARAMS, hard_max_position=0.011)

    quotes = quotes_for(position=-0.0095, params=params)

    assert quotes.ask is not None
    assert quotes.ask.size == Decimal("0.001")


def test_a_side_whose_room_is_under_the_minimum_size_is_dropped() -> None:
    params = replace(PARAMS, hard_max_position=0.01)

    quotes = quotes_for(position=0.0096, params=params)

    assert quotes.bid is None
    assert quotes.dropped == (NoQuoteReason.BID_BELOW_MIN_SIZE,)


def test_an_order_size_under_the_minimum_drops_both_sides() -> None:
    quotes = quotes_for(params=replace(PARAMS, order_size=0.0005))

    assert (quotes.bid, quotes.ask) == (None, None)
    assert quotes.dropped == (NoQuoteReason.BID_BELOW_MIN_SIZE, NoQuoteReason.ASK_BELOW_MIN_SIZE)


def test_the_order_size_is_rounded_down_to_the_step() -> None:
    quotes = quotes_for(params=replace(PARAMS, order_size=0.0029))

    assert quotes.bid is not None
    assert quotes.bid.size == Decimal("0.002")


def test_a_bid_that_would_be_priced_at_or_below_zero_is_dropped() -> None:
    params = replace(PARAMS, base_half_spread_bps=500.0, vol_multiplier=20.0, defensive_widen_mult=10.0)
    snapshot = a_snapshot(volatility=replace(WARM_VOLATILITY, vol_1s_bps=500.0))

    quotes = quotes_for(params=params, mode=Mode.DEFENSIVE, snapshot=snapshot)

    assert quotes.bid is None
    assert quotes.dropped == (NoQuoteReason.BID_PRICE_NOT_POSITIVE,)


def test_quotes_are_decimals_on_the_instrument_grid() -> None:
    quotes = quotes_for(position=0.003)

    for quote in (quotes.bid, quotes.ask):
        assert quote is not None
        assert BTC_GRID.instrument.is_price_aligned(quote.price)
        assert BTC_GRID.instrument.is_size_aligned(quote.size)


@st.composite
def quoting_cases(draw: st.DrawFn) -> tuple[Market, StrategyParams, float, Mode]:
    params = draw(strategy_params())
    return draw(markets()), params, draw(positions_within(params)), draw(st.sampled_from([Mode.NORMAL, Mode.DEFENSIVE]))


def _quotes(market: Market, params: StrategyParams, position: float, mode: Mode) -> DesiredQuotes:
    features = compute_features(market.snapshot, params)
    assert isinstance(features, Features)
    return compute_quotes(features, market.snapshot.grid, position, params, mode)


@settings(deadline=None)
@given(quoting_cases())
def test_any_quote_is_post_only_safe_tick_aligned_and_bid_below_ask(
    case: tuple[Market, StrategyParams, float, Mode],
) -> None:
    market, params, position, mode = case
    instrument = market.snapshot.instrument

    quotes = _quotes(market, params, position, mode)

    if quotes.bid is not None:
        assert quotes.bid.price < market.best_ask
        assert instrument.is_price_aligned(quotes.bid.price)
    if quotes.ask is not None:
        assert quotes.ask.price > market.best_bid
        assert instrument.is_price_aligned(quotes.ask.price)
    if quotes.bid is not None and quotes.ask is not None:
        assert quotes.bid.price < quotes.ask.price


@settings(deadline=None)
@given(quoting_cases())
def test_any_quote_size_is_on_the_step_above_the_minimum_and_inside_the_hard_limit(
    case: tuple[Market, StrategyParams, float, Mode],
) -> None:
    market, params, position, mode = case
    instrument = market.snapshot.instrument

    quotes = _quotes(market, params, position, mode)

    for quote in (quotes.bid, quotes.ask):
        if quote is not None:
            assert instrument.is_size_aligned(quote.size)
            assert quote.size >= instrument.min_order_size
            assert abs(position + quote.side.sign * float(quote.size)) <= params.hard_max_position * (1 + 1e-9)


@settings(deadline=None)
@given(quoting_cases(), st.floats(0.0, 1.0))
def test_more_inventory_never_raises_either_quote(
    case: tuple[Market, StrategyParams, float, Mode], extra_fraction: float
) -> None:
    market, params, position, mode = case
    more_long = position + (params.max_position - position) * extra_fraction * 0.999

    before = _quotes(market, params, position, mode)
    after = _quotes(market, params, more_long, mode)

    if before.bid is not None and after.bid is not None:
        assert after.bid.price <= before.bid.price
    if before.ask is not None and after.ask is not None:
        assert after.ask.price <= before.ask.price
