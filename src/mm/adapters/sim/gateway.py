"""`TradingGateway` on the simulated exchange: the engine's order port in backtests and paper trading.

Every call first lets the exchange catch up to the clock, so requests are stamped with the
caller's time and arrive `order_latency_ms` later. Results (rests, rejections, fills) come as
account events, as on Extended; only stateless mistakes raise.
"""

from __future__ import annotations

from mm.adapters.sim.exchange import SimulatedExchange
from mm.adapters.sim.order_entry import check_symbol
from mm.domain.instrument import Instrument
from mm.domain.orders import OpenOrder, OrderRequest, PlacedOrder, Position
from mm.ports.clock import Clock


class SimulatedExchangeGateway:
    """The port over one `SimulatedExchange`; `on_bbo`/`on_trade` feed its market data directly."""

    def __init__(self, exchange: SimulatedExchange, clock: Clock) -> None:
        self.exchange = exchange
        self._clock = clock
        # The exchange's own bound methods: no extra call on the per-row path.
        self.on_bbo = exchange.on_bbo
        self.on_trade = exchange.on_trade
        self.drain_events = exchange.drain_events

    async def instrument(self, symbol: str) -> Instrument:
        check_symbol(self.exchange.instrument, symbol)
        return self.exchange.instrument

    async def place_order(self, request: OrderRequest) -> PlacedOrder:
        self.exchange.advance_to(self._clock.now_ms())
        return self.exchange.submit_place(request)

    async def replace_order(self, previous_client_order_id: str, request: OrderRequest) -> PlacedOrder:
        self.exchange.advance_to(self._clock.now_ms())
        return self.exchange.submit_replace(previous_client_order_id, request)

    async def cancel_order(self, symbol: str, client_order_id: str) -> None:
        self.exchange.advance_to(self._clock.now_ms())
        self.exchange.submit_cancel(symbol, client_order_id)

    async def cancel_all(self, symbol: str) -> None:
        self.exchange.advance_to(self._clock.now_ms())
        self.exchange.submit_cancel_all(symbol)

    async def open_orders(self, symbol: str) -> list[OpenOrder]:
        check_symbol(self.exchange.instrument, symbol)
        self.exchange.advance_to(self._clock.now_ms())
        return self.exchange.open_orders()

    async def position(self, symbol: str) -> Position:
        check_symbol(self.exchange.instrument, symbol)
        self.exchange.advance_to(self._clock.now_ms())
        return self.exchange.position()

    async def arm_dead_man_switch(self, countdown_s: int) -> None:
        self.exchange.advance_to(self._clock.now_ms())
        self.exchange.arm_dead_man_switch(countdown_s)
