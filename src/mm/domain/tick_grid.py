"""An instrument's tick and step grid as floats and integers, for the quoting hot path. No I/O.

`Instrument.round_price` / `round_size` are the exact Decimal reference; these float-in, int-out
functions give the same answers (tested against them) at a fraction of the cost, and turn the
resulting integers back into exact Decimals for the exchange.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from mm.domain.instrument import Instrument
from mm.domain.memo import remember

# A float quotient price / tick carries a relative error of a few 1e-16, so 61800.2 / 0.1 comes out
# as 618001.99999999988. A quotient within a millionth of a grid line, or 1e-14 of its size (30 times
# the worst float error, which matters past 1e8 ticks), counts as on it; prices that close to a line
# but meant to be off it do not occur in real books.
_ABSOLUTE_TOLERANCE = 1e-6
_RELATIVE_TOLERANCE = 1e-14
# Beyond 2^53 units a float no longer holds every integer: no real price or size is that many ticks
# or steps, so the features call such a book absurd instead of quoting from it.
_MAX_EXACT_UNITS = float(2**53)

NO_TICKS = 0
"""What the grid functions return for a NaN or infinite input: no price or size, which no quote uses."""


@dataclass(frozen=True, slots=True)
class TickGrid:
    """Float tick, step and minimum size of `instrument`; build once per market, not per decision.

    The conversions are total: a NaN or infinite price or size gives `NO_TICKS` (0) instead of
    raising, so a value that slipped past the features can never crash a tick.
    """

    instrument: Instrument
    tick_size: float = field(init=False)
    step_size: float = field(init=False)
    min_order_steps: int = field(init=False)
    max_price: float = field(init=False)
    max_size: float = field(init=False)
    # Memos of price_of / size_of: a quote lands on the few prices near the touch again and again,
    # and a cached Decimal is a dict lookup instead of a Decimal product (0.4 us) per side per tick.
    _prices: dict[int, Decimal] = field(init=False, default_factory=dict, compare=False, repr=False)
    _sizes: dict[int, Decimal] = field(init=False, default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tick_size", float(self.instrument.tick_size))
        object.__setattr__(self, "step_size", float(self.instrument.step_size))
        min_steps = self.instrument.min_order_size / self.instrument.step_size
        object.__setattr__(self, "min_order_steps", int(min_steps.to_integral_value(rounding=ROUND_CEILING)))
        object.__setattr__(self, "max_price", self.tick_size * _MAX_EXACT_UNITS)
        object.__setattr__(self, "max_size", self.step_size * _MAX_EXACT_UNITS)

    def bid_ticks(self, price: float) -> int:
        """Ticks of the highest grid price at or below `price` (a bid never rounds up)."""
        ticks = price / self.tick_size
        try:  # free unless it raises (CPython 3.11+); a finite check on every call is not
            return math.floor(ticks + _ABSOLUTE_TOLERANCE + abs(ticks) * _RELATIVE_TOLERANCE)
        except (ValueError, OverflowError):  # NaN, infinity
            return NO_TICKS

    def ask_ticks(self, price: float) -> int:
        """Ticks of the lowest grid price at or above `price` (an ask never rounds down)."""
        ticks = price / self.tick_size
        try:
            return math.ceil(ticks - _ABSOLUTE_TOLERANCE - abs(ticks) * _RELATIVE_TOLERANCE)
        except (ValueError, OverflowError):  # NaN, infinity
            return NO_TICKS

    def size_steps(self, size: float) -> int:
        """Whole steps in `size`, rounded down: never send more than was decided."""
        steps = size / self.step_size
        try:
            return math.floor(steps + _ABSOLUTE_TOLERANCE + abs(steps) * _RELATIVE_TOLERANCE)
        except (ValueError, OverflowError):  # NaN, infinity
            return NO_TICKS

    def price_of(self, ticks: int) -> Decimal:
        """The exact price of `ticks`, with the tick size's exponent (61800.2, not 61800.20000)."""
        price = self._prices.get(ticks)
        if price is None:
            price = remember(self._prices, ticks, Decimal(ticks) * self.instrument.tick_size)
        return price

    def size_of(self, steps: int) -> Decimal:
        size = self._sizes.get(steps)
        if size is None:
            size = remember(self._sizes, steps, Decimal(steps) * self.instrument.step_size)
        return size
