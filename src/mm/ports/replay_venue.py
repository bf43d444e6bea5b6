"""The venue a backtest replays recorded data into: synchronous, fed row by row, answering with account events.

The simulated exchange implements it. Everything is stamped with the time the replay passes in;
nothing here waits or reads a clock, which is what lets a replay run a day of data in seconds.
"""

from __future__ import annotations

from typing import Protocol

from mm.domain.orders import AccountEvent, OpenOrder, OrderRequest, PlacedOrder, Position
from mm.domain.side import Side


class ReplayVenue(Protocol):
    order_latency_ms: int
    """How long an order request travels to the venue (simulated milliseconds)."""

    def on_bbo(self, ts_ms: int, bid_px: float, bid_sz: float, ask_px: float, ask_sz: float) -> None:
        """A recorded best bid/offer row (NaN price: empty side); requests due by `ts_ms` arrive first."""
        ...

    def on_trade(self, ts_ms: int, px: float, sz: float, taker_side: Side) -> None:
        """A recorded public trade; `taker_side` is the aggressor's."""
        ...

    def advance_to(self, ts_ms: int) -> None:
        """Let time pass to `ts_ms` without market data: requests due by then arrive."""
        ...

    def drain_events(self) -> list[AccountEvent]:
        """Account events (order updates, fills, positions) since the last drain, in order."""
        ...

    def submit_place(self, request: OrderRequest) -> PlacedOrder:
        """Send a post-only order now; raises `InvalidRequest` for one the venue refuses outright."""
        ...

    def submit_replace(self, previous_client_order_id: str, request: OrderRequest) -> PlacedOrder:
        """Send an atomic replace; raises `OrderNotFound` when the previous order is not open."""
        ...

    def submit_cancel(self, symbol: str, client_order_id: str) -> None:
        """Send a cancel; raises `OrderNotFound` for an id the venue never saw."""
        ...

    def submit_cancel_all(self, symbol: str) -> None: ...

    def open_orders(self) -> list[OpenOrder]:
        """Our resting orders as the venue sees them now."""
        ...

    def position(self) -> Position: ...
