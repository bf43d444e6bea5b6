"""Orders out: the only way a use case changes anything on an exchange.

Every method raises the typed errors of `mm.ports.errors`. A write that timed out raises
`ExchangeUnavailable`: its outcome is unknown, and callers must not assume it failed.
"""

from __future__ import annotations

from typing import Protocol

from mm.domain.instrument import Instrument
from mm.domain.orders import OpenOrder, OrderRequest, PlacedOrder, Position


class TradingGateway(Protocol):
    async def instrument(self, symbol: str) -> Instrument:
        """The market's tick, step and minimum size."""
        ...

    async def place_order(self, request: OrderRequest) -> PlacedOrder:
        """Place a post-only limit order. Retrying with the same client order id is safe."""
        ...

    async def replace_order(self, previous_client_order_id: str, request: OrderRequest) -> PlacedOrder:
        """Atomically replace a resting order with a new one: one request, not cancel plus new."""
        ...

    async def cancel_order(self, symbol: str, client_order_id: str) -> None: ...

    async def cancel_all(self, symbol: str) -> None:
        """Cancel every open order of ours in `symbol`."""
        ...

    async def open_orders(self, symbol: str) -> list[OpenOrder]: ...

    async def position(self, symbol: str) -> Position: ...

    async def arm_dead_man_switch(self, countdown_s: int) -> None:
        """Arm or refresh the venue's dead man's switch; 0 disarms it."""
        ...
