"""REST reads of our own account: open orders, position, single orders, balance, recent fills.

Shared by the trading gateway (its `open_orders` and `position`) and the account stream's re-sync.
Open orders, position and where a vanished order went are how PAUSE learns it is flat: they go
in the budget's risk-reducing lane, never behind a back-off caused by quoting.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from x10.models.http import WrappedApiResponseModel
from x10.models.order import OpenOrderModel, OrderType
from x10.models.trade import AccountTradeModel

from mm.adapters.extended.mapping import (
    balance_from_wire,
    fill_event_from_trade,
    open_order_from_wire,
    position_from_wire,
)
from mm.adapters.extended.request_budget import RequestPriority
from mm.adapters.extended.rest_session import ExtendedRestSession
from mm.domain.orders import Balance, FillEvent, OpenOrder, Position
from mm.ports.errors import ExchangeError

_CONFIRMS_FLAT = RequestPriority.RISK_REDUCING


def _is_ours(order: OpenOrderModel, symbol: str) -> bool:
    """Limit orders with a price in `symbol`: the only kind this system places."""
    return order.market == symbol and str(order.type) == OrderType.LIMIT and order.price is not None


@dataclass(frozen=True, slots=True)
class FillScan:
    """Our fills stamped at or after a venue time, newest first as the venue pages them.

    `is_complete` is False when the page limit ended the read before it reached that time.
    """

    events: list[FillEvent]
    is_complete: bool


class ExtendedAccountReads:
    def __init__(self, session: ExtendedRestSession) -> None:
        self._session = session
        self._account = session.client.account

    async def open_orders(self, symbol: str) -> list[OpenOrder]:
        response = await self._session.call(
            "open_orders", lambda: self._account.get_open_orders(market_names=[symbol]), priority=_CONFIRMS_FLAT
        )
        return [open_order_from_wire(order) for order in response.data or () if _is_ours(order, symbol)]

    async def position(self, symbol: str) -> Position:
        """Our position in `symbol`; flat (stamped now) when the venue lists none."""
        response = await self._session.call(
            "position", lambda: self._account.get_positions(market_names=[symbol]), priority=_CONFIRMS_FLAT
        )
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
            "order_by_exchange_id",
            lambda: self._account.get_order_by_id(int(exchange_order_id)),
            priority=_CONFIRMS_FLAT,
        )
        order = response.data
        return open_order_from_wire(order) if order is not None and order.price is not None else None

    async def balance(self) -> Balance:
        response = await self._session.call("balance", self._account.get_balance)
        if response.data is None:
            raise ExchangeError("balance reply without data")
        return balance_from_wire(response.data)

    async def fills_since(
        self, symbols: Sequence[str], since_ts_ms: int, *, page_size: int, max_pages: int
    ) -> FillScan:
        """Our fills in `symbols` stamped at or after `since_ts_ms` (venue time), at most `max_pages` requests."""
        markets = list(symbols)
        events: list[FillEvent] = []
        cursor: int | None = None
        for _ in range(max_pages):
            response = await self._trades_page(markets, cursor, page_size)
            received_ts_ms = self._session.clock.now_ms()
            page = response.data or []
            events.extend(
                fill_event_from_trade(trade, received_ts_ms)
                for trade in page
                if trade.market in markets and trade.created_time >= since_ts_ms
            )
            cursor = response.pagination.cursor if response.pagination is not None else None
            # Newest first: a page that reaches behind `since_ts_ms` is the last one needed.
            if len(page) < page_size or cursor is None or any(t.created_time < since_ts_ms for t in page):
                return FillScan(events, is_complete=True)
        return FillScan(events, is_complete=False)

    async def _trades_page(
        self, markets: list[str], cursor: int | None, page_size: int
    ) -> WrappedApiResponseModel[list[AccountTradeModel]]:
        return await self._session.call(
            "trades", lambda: self._account.get_trades(market_names=markets, cursor=cursor, limit=page_size)
        )
