"""Average-cost accounting of one market's inventory: realized PnL fill by fill. Pure values, no I/O.

Realized PnL here is before fees (fees are reported beside it), so a zero-edge round trip shows
zero realized PnL whatever the fee tier.
"""

from __future__ import annotations

from decimal import Decimal

from mm.domain.side import Side
from mm.domain.value import value

_ZERO = Decimal(0)


@value(frozen=True)
class CostBasis:
    """Signed inventory in base units (long positive) and the average price it was opened at.

    `avg_entry_px` is None exactly when the position is flat.
    """

    position: Decimal = _ZERO
    avg_entry_px: Decimal | None = None

    def __post_init__(self) -> None:
        if (self.position == 0) != (self.avg_entry_px is None):
            raise ValueError("avg_entry_px must be None exactly when the position is flat")
        if self.avg_entry_px is not None and self.avg_entry_px <= 0:
            raise ValueError(f"avg_entry_px must be positive, got {self.avg_entry_px}")

    def apply_fill(self, side: Side, price: Decimal, size: Decimal) -> tuple[CostBasis, Decimal]:
        """Return the basis after one fill and the PnL the fill realized (average-cost method)."""
        if price <= 0 or size <= 0:
            raise ValueError(f"fill price and size must be positive, got {price} x {size}")
        signed_size = side.sign * size
        new_position = self.position + signed_size
        if self.avg_entry_px is None or (self.position > 0) == (signed_size > 0):
            return self._extended(new_position, price, size), _ZERO
        closed_size = min(size, abs(self.position))
        direction = 1 if self.position > 0 else -1
        realized = closed_size * (price - self.avg_entry_px) * direction
        if new_position == 0:
            return CostBasis(), realized
        if (new_position > 0) == (self.position > 0):
            return CostBasis(new_position, self.avg_entry_px), realized
        # The fill crossed through flat: what is left was opened at this fill's price.
        return CostBasis(new_position, price), realized

    def _extended(self, new_position: Decimal, price: Decimal, size: Decimal) -> CostBasis:
        held_cost = abs(self.position) * (self.avg_entry_px or _ZERO)
        return CostBasis(new_position, (held_cost + size * price) / abs(new_position))
