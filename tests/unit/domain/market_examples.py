"""Example markets, snapshots and params for the strategy-core tests, plus hypothesis strategies for them."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from mm.domain.instrument import Instrument
from mm.domain.params import StrategyParams
from mm.domain.snapshot import MarketSnapshot
from mm.domain.tick_grid import TickGrid
from mm.domain.windows import VolatilityStats

NOW_MS = 1_723_161_300_000
BTC = Instrument("BTC-USD", tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.001"))
BTC_GRID = TickGrid(BTC)
WARM_VOLATILITY = VolatilityStats(vol_1s_bps=0.0, vol_10s_bps=0.0, sample_count=100, history_ms=60_000)
PARAMS = StrategyParams(
    base_half_spread_bps=2.0,
    vol_multiplier=1.0,
    inventory_skew_bps=3.0,
    order_size=0.002,
    max_position=0.01,
    hard_max_position=0.02,
)


def a_snapshot(**changes: Any) -> MarketSnapshot:
    """A fresh, quotable BTC book 60000.0 / 60001.0 with mark and index in line, then `changes`."""
    snapshot = MarketSnapshot(
        now_ts_ms=NOW_MS,
        grid=BTC_GRID,
        bid_px=60_000.0,
        bid_sz=1.5,
        ask_px=60_001.0,
        ask_sz=0.5,
        bbo_ts_ms=NOW_MS - 10,
        mark_px=60_000.5,
        mark_ts_ms=NOW_MS - 100,
        index_px=60_000.5,
        index_ts_ms=NOW_MS - 100,
        volatility=WARM_VOLATILITY,
    )
    return replace(snapshot, **changes)


@dataclass(frozen=True, slots=True)
class Market:
    """A generated quotable snapshot with its best prices kept exact, to compare quotes against."""

    snapshot: MarketSnapshot
    best_bid: Decimal
    best_ask: Decimal


_TICKS = [Decimal("0.0001"), Decimal("0.01"), Decimal("0.05"), Decimal("0.1"), Decimal("0.5"), Decimal(1)]
_STEPS = [Decimal("0.00001"), Decimal("0.001"), Decimal("0.01"), Decimal("0.1"), Decimal(1)]


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    tick = draw(st.sampled_from(_TICKS))
    step = draw(st.sampled_from(_STEPS))
    min_steps = draw(st.integers(1, 10))
    return Instrument("GEN-USD", tick_size=tick, step_size=step, min_order_size=step * min_steps)


@st.composite
def markets(draw: st.DrawFn) -> Market:
    """Quotable books on the grid of a generated instrument, mid between about 1 and 200 000."""
    instrument = draw(instruments())
    tick = instrument.tick_size
    low_ticks = int(Decimal(1) / tick) + 1
    bid_ticks = draw(st.integers(low_ticks, int(Decimal(200_000) / tick)))
    spread_ticks = draw(st.integers(1, 40))
    best_bid, best_ask = bid_ticks * tick, (bid_ticks + spread_ticks) * tick
    mid = float((best_bid + best_ask) / 2)
    divergence = draw(st.floats(-0.0005, 0.0005))
    volatility = VolatilityStats(
        vol_1s_bps=draw(st.floats(0.0, 40.0)),
        vol_10s_bps=draw(st.floats(0.0, 120.0)),
        sample_count=draw(st.integers(50, 5_000)),
        history_ms=draw(st.integers(10_000, 10**7)),
    )
    snapshot = MarketSnapshot(
        now_ts_ms=NOW_MS,
        grid=TickGrid(instrument),
        bid_px=float(best_bid),
        bid_sz=draw(st.floats(1e-6, 1e6)),
        ask_px=float(best_ask),
        ask_sz=draw(st.floats(1e-6, 1e6)),
        bbo_ts_ms=NOW_MS - draw(st.integers(0, 1_000)),
        mark_px=mid * (1 + divergence),
        mark_ts_ms=NOW_MS,
        index_px=mid,
        index_ts_ms=NOW_MS,
        volatility=volatility,
    )
    return Market(snapshot, best_bid, best_ask)


@st.composite
def strategy_params(draw: st.DrawFn) -> StrategyParams:
    """Valid params whose limits never trip on `markets()`: only quoting, skew and sizes vary."""
    max_position = draw(st.floats(0.01, 1_000.0))
    return StrategyParams(
        base_half_spread_bps=draw(st.floats(0.1, 100.0)),
        vol_multiplier=draw(st.floats(0.0, 5.0)),
        inventory_skew_bps=draw(st.floats(0.0, 100.0)),
        order_size=draw(st.floats(0.001, max_position)),
        max_position=max_position,
        hard_max_position=max_position * draw(st.floats(1.0, 3.0)),
        defensive_widen_mult=draw(st.floats(1.0, 5.0)),
        vol_soft_bps=1_000.0,
        divergence_soft_bps=1_000.0,
        divergence_hard_bps=2_000.0,
    )


def positions_within(params: StrategyParams) -> st.SearchStrategy[float]:
    """Positions strictly inside the soft limit, where both sides may quote."""
    limit = params.max_position
    return st.floats(-limit, limit, exclude_min=True, exclude_max=True)
