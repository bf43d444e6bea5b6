"""One-level post-only quotes: where to bid and offer, and how much. No I/O.

Prices are worked out in floats and integer ticks (see `TickGrid`) and handed back as exact
Decimals on the instrument's grid, because they go straight to the exchange.
"""

from __future__ import annotations

from decimal import Decimal

from mm.domain.features import Features
from mm.domain.mode import Mode
from mm.domain.no_quote import NoQuoteReason
from mm.domain.params import StrategyParams
from mm.domain.side import Side
from mm.domain.tick_grid import TickGrid
from mm.domain.value import value

_BPS = 1e4


@value(frozen=True)
class DesiredQuote:
    """One post-only order we want resting: `price` and `size` exact and on the instrument's grid.

    `price_ticks` and `size_steps` are the same numbers in ticks and steps, for cheap comparisons.
    """

    side: Side
    price: Decimal
    size: Decimal
    price_ticks: int
    size_steps: int


@value(frozen=True)
class DesiredQuotes:
    """The bid and ask we want (None: no order on that side) and how they were derived.

    `fair_price` is the mid moved against inventory by `skew_bps`: the centre the half-spread is
    measured from. `dropped` says why a side is None.
    """

    bid: DesiredQuote | None
    ask: DesiredQuote | None
    fair_price: float
    half_spread_bps: float
    skew_bps: float
    dropped: tuple[NoQuoteReason, ...] = ()


def compute_quotes(
    features: Features, grid: TickGrid, position: float, params: StrategyParams, mode: Mode
) -> DesiredQuotes:
    """Quote around the mid, skewed against `position` (signed base units) and widened in DEFENSIVE.

    Invariants: bid < ask; bid below the best ask and ask above the best bid, so neither post-only
    order can cross; a long position lowers both quotes and a short one raises them; the bid is
    dropped at +max_position and the ask at -max_position; a size never lets a fill take the
    position past hard_max_position, and a side whose size falls under the minimum is dropped.
    """
    half_spread_bps = params.base_half_spread_bps + params.vol_multiplier * features.vol_per_s_bps
    if mode is Mode.DEFENSIVE:
        half_spread_bps *= params.defensive_widen_mult
    inventory_fraction = max(-1.0, min(1.0, position / params.max_position))
    skew_bps = params.inventory_skew_bps * inventory_fraction
    fair_price = features.mid * (1.0 - skew_bps / _BPS)
    bid_ticks, ask_ticks = _post_only_ticks(features, grid, fair_price, fair_price * half_spread_bps / _BPS)
    order_steps = grid.size_steps(params.order_size)
    bid = _bid(grid, bid_ticks, order_steps, position, params)
    ask = _ask(grid, ask_ticks, order_steps, position, params)
    if isinstance(bid, DesiredQuote) and isinstance(ask, DesiredQuote):
        return DesiredQuotes(bid, ask, fair_price, half_spread_bps, skew_bps)
    return DesiredQuotes(
        bid if isinstance(bid, DesiredQuote) else None,
        ask if isinstance(ask, DesiredQuote) else None,
        fair_price,
        half_spread_bps,
        skew_bps,
        tuple(side for side in (bid, ask) if isinstance(side, NoQuoteReason)),
    )


def _post_only_ticks(features: Features, grid: TickGrid, fair_price: float, half_spread: float) -> tuple[int, int]:
    """Bid and ask ticks rounded outward, then kept off the opposite best so post-only cannot be rejected."""
    bid_ticks = min(grid.bid_ticks(fair_price - half_spread), grid.ask_ticks(features.ask_px) - 1)
    ask_ticks = max(grid.ask_ticks(fair_price + half_spread), grid.bid_ticks(features.bid_px) + 1)
    if bid_ticks >= ask_ticks:  # only reachable through the sub-tick rounding tolerance
        ask_ticks = bid_ticks + 1
    return bid_ticks, ask_ticks


def _bid(
    grid: TickGrid, ticks: int, order_steps: int, position: float, params: StrategyParams
) -> DesiredQuote | NoQuoteReason:
    if position >= params.max_position:
        return NoQuoteReason.BID_AT_POSITION_LIMIT
    if ticks <= 0:
        return NoQuoteReason.BID_PRICE_NOT_POSITIVE
    steps = min(order_steps, grid.size_steps(params.hard_max_position - position))
    if steps < grid.min_order_steps:
        return NoQuoteReason.BID_BELOW_MIN_SIZE
    return DesiredQuote(Side.BUY, grid.price_of(ticks), grid.size_of(steps), ticks, steps)


def _ask(
    grid: TickGrid, ticks: int, order_steps: int, position: float, params: StrategyParams
) -> DesiredQuote | NoQuoteReason:
    if position <= -params.max_position:
        return NoQuoteReason.ASK_AT_POSITION_LIMIT
    if ticks <= 0:  # only a NaN or infinite price gets here without a positive tick
        return NoQuoteReason.ASK_PRICE_NOT_POSITIVE
    steps = min(order_steps, grid.size_steps(params.hard_max_position + position))
    if steps < grid.min_order_steps:
        return NoQuoteReason.ASK_BELOW_MIN_SIZE
    return DesiredQuote(Side.SELL, grid.price_of(ticks), grid.size_of(steps), ticks, steps)
