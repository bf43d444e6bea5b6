"""REST reads of our own account: open orders, position, single orders, balance.

Shared by the trading gateway (its `open_orders` and `position`) and the account stream's re-sync.
"""

from __future__ import annotations

from x10.models.order import OpenOrderModel, OrderType

from mm.adapters.extended.mapping import balance_from_wire, open_order_from_wire, position_from_wire
from mm.adapters.extended.rest_session import ExtendedRestSession
from mm.domain.orders import Balance, OpenOrder, Position
from mm.ports.errors import ExchangeError


def _is_ours(order: OpenOrderModel, symbol: str) -> bool:
    """Limit orders with a price in `symbol`: the only kind this system places."""
    return order.market == symbol and str(order.type) == OrderType.LIMIT and order.price is not None


class ExtendedAccountReads:
    def __init__(self, session: ExtendedRestSession) -> None:
        self._session = session
        self._account = session.client.account

    async def open_orders(self, symbol: str) -> list[OpenOrder]:
        response = await self._session.call("open_orders", lambda: self._account.get_open_orders(market_names=[symbol]))
        return [open_order_from_wire(order) for order in response.data or () if _is_ours(order, symbol)]

    async def position(self, symbol: str) -> Position:
        """Our position in `symbol`; flat (stamped now) when the venue lists none."""
        response = await self._session.call("position", lambda: self._account.get_positions(market_names=[symbol]))
        for position in response.data or ():
            if position.market == symbol and str(position.status) == "OPENED":
                return position_from_wire(position)
        return Position.flat(symbol, self._session.clock.now_ms())

    async def orders_by_client_id(self, client_order_id: str) -> list[OpenOrder]:
        """Every order the venue keeps under this client order id, open or recently closed."""
        response = await self._session.call(
            "order_by_client_id", lambda: self._account.get_order_by_external_id(client_order_id)
        )
        return [open_order_from_wire(order) for order in response.data or () if order.price is not None]

    async def order_by_exchange_id(self, exchange_order_id: str) -> OpenOrder | None:
        response = await self._session.call(
            "order_by_exchange_id", lambda: self._account.get_order_by_id(int(exchange_order_id))
        )
        order = response.data
        return open_order_from_wire(order) if order is not None and order.price is not None else None

    async def balance(self) -> Balance:
        response = await self._session.call("balance", self._account.get_balance)
        if response.data is None:
            raise ExchangeError("balance reply without data")
        return balance_from_wire(response.data)
