"""A market's trading rules and the one place prices and sizes are rounded to them. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from mm.domain.side import Side


@dataclass(frozen=True, slots=True)
class Instrument:
    """Tick, step and minimum order size of one market, exact as the exchange publishes them."""

    symbol: str
    tick_size: Decimal
    step_size: Decimal
    min_order_size: Decimal

    def __post_init__(self) -> None:
        if not self.symbol:
            raise ValueError("instrument symbol must not be empty")
        for name in ("tick_size", "step_size", "min_order_size"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
                raise ValueError(f"{name} must be a positive finite Decimal, got {value!r}")

    def round_price(self, price: Decimal, side: Side) -> Decimal:
        """Round a quote price to the tick so it never becomes more aggressive: bid down, ask up."""
        rounding = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
        ticks = (price / self.tick_size).to_integral_value(rounding=rounding)
        return (ticks * self.tick_size).quantize(self.tick_size)

    def round_size(self, size: Decimal) -> Decimal:
        """Round a size down to the step: never send more than was decided."""
        steps = (size / self.step_size).to_integral_value(rounding=ROUND_FLOOR)
        return (steps * self.step_size).quantize(self.step_size)

    def is_price_aligned(self, price: Decimal) -> bool:
        return price % self.tick_size == 0

    def is_size_aligned(self, size: Decimal) -> bool:
        return size % self.step_size == 0

    def price_to_ticks(self, price: Decimal, side: Side) -> int:
        """Integer ticks of a price, rounded like `round_price`; for the integer hot path."""
        return int(self.round_price(price, side) / self.tick_size)

    def ticks_to_price(self, ticks: int) -> Decimal:
        return (Decimal(ticks) * self.tick_size).quantize(self.tick_size)
