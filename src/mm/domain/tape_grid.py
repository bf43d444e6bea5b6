"""A market's price and size grid guessed from its recorded rows, for data that came without one. No I/O.

Recorded files carry prices and sizes but not the venue's tick and lot; the finest power of ten
the rows sit on is a good guess (Binance BTCUSDT 0.1 / 0.001, StandX BTC-USD 0.01). A caller who
knows better passes the instrument instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from itertools import chain, islice

from mm.domain.instrument import Instrument
from mm.domain.market_tape import MarketTape

_MAX_DECIMALS = 10
# Recorded decimals parsed to floats are off their grid by ~1e-16 relative; a relative 1e-9 is far
# above that and far below a real sub-grid digit of any price under 1e8.
_ON_GRID_TOLERANCE = 1e-9


def finest_decimal_grid(values: Iterable[float]) -> Decimal:
    """The largest power of ten (at most 1) every finite positive value is a multiple of."""
    decimals = 0
    for value in values:
        if not value > 0.0 or value == float("inf"):
            continue
        while decimals < _MAX_DECIMALS and not _is_on_grid(value, decimals):
            decimals += 1
    return Decimal(1).scaleb(-decimals)


def _is_on_grid(value: float, decimals: int) -> bool:
    scaled = value * 10.0**decimals
    return abs(scaled - round(scaled)) <= _ON_GRID_TOLERANCE * max(1.0, scaled)


def infer_instrument(tape: MarketTape, *, sample_rows: int = 5_000) -> Instrument:
    """Tick from book and trade prices, step (and minimum size) from sizes, over the first `sample_rows` rows."""
    book, trades = tape.book, tape.trades
    prices = chain(islice(book.bid_px, sample_rows), islice(book.ask_px, sample_rows), islice(trades.px, sample_rows))
    sizes = chain(islice(book.bid_sz, sample_rows), islice(book.ask_sz, sample_rows), islice(trades.sz, sample_rows))
    step = finest_decimal_grid(sizes)
    return Instrument(tape.symbol, tick_size=finest_decimal_grid(prices), step_size=step, min_order_size=step)
