"""Our simulated account in one market: fills, inventory at average cost, realised PnL and fees.

Exact `Decimal` throughout: fills are rare next to market events, and these numbers are reported.
"""

from __future__ import annotations

from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.orders import Fill, Position
from mm.domain.side import Side


class SimulatedAccount:
    """Realised PnL is before fees, as in `CostBasis`; `fees_paid` is beside it (negative: rebates)."""

    def __init__(self, symbol: str, maker_fee_rate: Decimal) -> None:
        self.symbol = symbol
        self.maker_fee_rate = maker_fee_rate
        self.basis = CostBasis()
        self.realised_pnl = Decimal(0)
        self.fees_paid = Decimal(0)
        self.fill_count = 0
        self.updated_ts_ms = 0

    def record_maker_fill(
        self,
        *,
        client_order_id: str,
        exchange_order_id: str,
        side: Side,
        price: Decimal,
        size: Decimal,
        ts_ms: int,
    ) -> Fill:
        """Book one maker fill at our own price and return it."""
        fee = price * size * self.maker_fee_rate
        self.basis, realised = self.basis.apply_fill(side, price, size)
        self.realised_pnl += realised
        self.fees_paid += fee
        self.fill_count += 1
        self.updated_ts_ms = ts_ms
        return Fill(
            fill_id=f"sim-fill-{self.fill_count}",
            exchange_order_id=exchange_order_id,
            client_order_id=client_order_id,
            symbol=self.symbol,
            side=side,
            price=price,
            size=size,
            fee=fee,
            is_taker=False,
            ts_ms=ts_ms,
        )

    def position(self) -> Position:
        return Position(
            symbol=self.symbol,
            size=self.basis.position,
            entry_price=self.basis.avg_entry_px,
            ts_ms=self.updated_ts_ms,
            realised_pnl=self.realised_pnl,
        )
