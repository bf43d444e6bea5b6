"""One of our orders inside the simulated exchange, in integer ticks and steps for the hot path.

Mutable on purpose: fills and queue moves update it in place millions of times per replay. It
becomes an exact `OpenOrder` only when it crosses the port boundary (`SimOrder.to_open_order`).
"""

from __future__ import annotations

from mm.domain.orders import OpenOrder, OrderStatus, RejectReason
from mm.domain.side import Side
from mm.domain.tick_grid import TickGrid


class SimOrder:
    """An order from request to its end. `queue_ahead` is the visible size (base units) ahead of us."""

    __slots__ = (
        "client_order_id",
        "created_ts_ms",
        "exchange_order_id",
        "filled_steps",
        "is_buy",
        "price_ticks",
        "queue_ahead",
        "reason",
        "side",
        "size_steps",
        "status",
        "step_size",
        "updated_ts_ms",
    )

    def __init__(
        self,
        *,
        client_order_id: str,
        exchange_order_id: str,
        side: Side,
        price_ticks: int,
        size_steps: int,
        step_size: float,
        created_ts_ms: int,
    ) -> None:
        if price_ticks <= 0 or size_steps <= 0:
            raise ValueError(f"price and size must be positive, got {price_ticks} ticks x {size_steps} steps")
        self.client_order_id = client_order_id
        self.exchange_order_id = exchange_order_id
        self.side = side
        self.is_buy = side is Side.BUY
        self.price_ticks = price_ticks
        self.size_steps = size_steps
        self.step_size = step_size
        self.filled_steps = 0
        self.queue_ahead = 0.0
        self.status = OrderStatus.NEW
        self.reason = RejectReason.NONE
        self.created_ts_ms = created_ts_ms
        self.updated_ts_ms = created_ts_ms

    @property
    def remaining_steps(self) -> int:
        return self.size_steps - self.filled_steps

    @property
    def is_open(self) -> bool:
        return self.status.is_open

    def close(self, status: OrderStatus, reason: RejectReason, ts_ms: int) -> None:
        self.status = status
        self.reason = reason
        self.updated_ts_ms = ts_ms

    def to_open_order(self, symbol: str, grid: TickGrid) -> OpenOrder:
        """The exact view the port hands out: prices and sizes back from ticks and steps."""
        return OpenOrder(
            client_order_id=self.client_order_id,
            exchange_order_id=self.exchange_order_id,
            symbol=symbol,
            side=self.side,
            price=grid.price_of(self.price_ticks),
            size=grid.size_of(self.size_steps),
            filled_size=grid.size_of(self.filled_steps),
            status=self.status,
            created_ts_ms=self.created_ts_ms,
            updated_ts_ms=self.updated_ts_ms,
            reason=self.reason,
        )

    def __repr__(self) -> str:
        return (
            f"SimOrder({self.client_order_id!r}, {self.side.value} {self.size_steps} steps @ {self.price_ticks} ticks,"
            f" filled {self.filled_steps}, {self.status.value}, queue_ahead {self.queue_ahead})"
        )
