"""Our orders resting on the simulated book, by side, with the price band the hot path watches."""

from __future__ import annotations

import math

from mm.adapters.sim.sim_order import SimOrder


class LiveOrders:
    """Resting orders in arrival order. Prices are compared in float with half a tick of slack.

    The watch band is deliberately wide (half a tick): it only decides whether an event is worth
    a look; the fill models then decide exactly, in integer ticks.
    """

    def __init__(self, tick_size: float) -> None:
        self._tick_size = tick_size
        self._half_tick = tick_size / 2
        self.by_client_id: dict[str, SimOrder] = {}
        self.bids: list[SimOrder] = []
        self.asks: list[SimOrder] = []

    def __len__(self) -> int:
        return len(self.by_client_id)

    def __contains__(self, client_order_id: object) -> bool:
        return client_order_id in self.by_client_id

    def add(self, order: SimOrder) -> None:
        self.by_client_id[order.client_order_id] = order
        (self.bids if order.is_buy else self.asks).append(order)

    def remove(self, order: SimOrder) -> None:
        del self.by_client_id[order.client_order_id]
        (self.bids if order.is_buy else self.asks).remove(order)

    def bid_band(self) -> tuple[float, float]:
        """Lowest and highest resting bid price, widened by half a tick; (inf, -inf) when none."""
        return self._band(self.bids)

    def ask_band(self) -> tuple[float, float]:
        return self._band(self.asks)

    def _band(self, orders: list[SimOrder]) -> tuple[float, float]:
        if not orders:
            return math.inf, -math.inf
        ticks = [order.price_ticks for order in orders]
        return min(ticks) * self._tick_size - self._half_tick, max(ticks) * self._tick_size + self._half_tick
