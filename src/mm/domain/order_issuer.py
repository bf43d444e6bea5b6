"""Turns an order plan into order commands with fresh client order ids, booked as in flight. No I/O.

Client order ids are `<prefix>-<n>`: the prefix names the run, the counter never repeats within
it and continues from the saved state after a restart.
"""

from __future__ import annotations

from mm.domain.engine_commands import CancelOrder, OrderCommand, PlaceOrder, ReplaceOrder
from mm.domain.execution_plan import CancelIntent, OrderPlan, PlaceIntent
from mm.domain.orders import OrderRequest
from mm.domain.own_orders import OwnOrders


class OrderIssuer:
    __slots__ = ("_prefix", "_symbol", "next_seq")

    def __init__(self, symbol: str, prefix: str, next_seq: int = 1) -> None:
        self._symbol = symbol
        self._prefix = prefix
        self.next_seq = next_seq

    def issue(self, plan: OrderPlan, orders: OwnOrders, now_ms: int) -> list[OrderCommand]:
        """The commands for `plan`, each already booked in `orders` as sent at `now_ms`."""
        symbol = self._symbol
        commands: list[OrderCommand] = []
        for intent in plan.intents:
            if isinstance(intent, CancelIntent):
                client_order_id = intent.order.client_order_id
                commands.append(CancelOrder(symbol, client_order_id))
                orders.on_cancel_sent(client_order_id, now_ms)
                continue
            quote = intent.quote
            request = OrderRequest(self._next_client_order_id(), symbol, quote.side, quote.price, quote.size)
            if isinstance(intent, PlaceIntent):
                commands.append(PlaceOrder(request))
            else:
                commands.append(ReplaceOrder(intent.order.client_order_id, request))
                orders.on_cancel_sent(intent.order.client_order_id, now_ms)
            orders.on_place_sent(request, quote.price_ticks, quote.size_steps, now_ms)
        return commands

    def _next_client_order_id(self) -> str:
        seq = self.next_seq
        self.next_seq = seq + 1
        return f"{self._prefix}-{seq}"
