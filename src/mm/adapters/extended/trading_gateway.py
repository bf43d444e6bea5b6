"""`TradingGateway` on Extended: post-only limit orders signed by the SDK, cancels, the dead man's switch.

Orders are built and signed with the SDK's `create_order_object` from markets we fetched (and
budgeted) ourselves, then sent with `RestApiClient.orders.place_order`: `RestApiClient.place_order`
would fetch every market once behind the budget's back and cache them forever.

Cancels and the dead man's switch go in the request budget's risk-reducing lane. A cancel-all
voids the placements of its market still waiting for budget, so none lands after it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import structlog
from x10.models.market import MarketModel
from x10.signing.order_object import create_order_object

from mm.adapters.extended.account_reads import ExtendedAccountReads
from mm.adapters.extended.dead_man_switch import post_dead_man_switch
from mm.adapters.extended.errors import DuplicateOrder, PlacementSuperseded
from mm.adapters.extended.mapping import instrument_from_market, side_to_wire
from mm.adapters.extended.request_budget import RequestPriority
from mm.adapters.extended.rest_session import ExtendedRestSession
from mm.domain.instrument import Instrument
from mm.domain.orders import OpenOrder, OrderRequest, PlacedOrder, Position
from mm.ports.errors import InvalidRequest, OrderNotFound, RateLimited, RetryableError

_log = structlog.get_logger(__name__)
_RISK_REDUCING = RequestPriority.RISK_REDUCING


class ExtendedTradingGateway:
    """Orders out through the SDK; every failure is one of `mm.ports.errors`."""

    def __init__(self, session: ExtendedRestSession) -> None:
        self._session = session
        self._client = session.client
        self._reads = ExtendedAccountReads(session)
        self._markets: dict[str, tuple[MarketModel, int]] = {}
        self._taker_fees: dict[str, tuple[Decimal, int]] = {}
        self._cancel_alls: dict[str, int] = {}
        self._switch_lapses_ms: int | None = None

    async def instrument(self, symbol: str) -> Instrument:
        return instrument_from_market(await self._market(symbol))

    async def place_order(self, request: OrderRequest) -> PlacedOrder:
        return await self._submit("place_order", request, previous_client_order_id=None)

    async def replace_order(self, previous_client_order_id: str, request: OrderRequest) -> PlacedOrder:
        """One request: the venue cancels `previous_client_order_id` and places `request` together."""
        try:
            return await self._submit("replace_order", request, previous_client_order_id=previous_client_order_id)
        except OrderNotFound:
            # A retried replace whose first attempt went through finds its old order gone.
            placed = await self._placed_by_client_id(request)
            if placed is None:
                raise
            return placed

    async def cancel_order(self, symbol: str, client_order_id: str) -> None:
        orders = self._client.orders
        await self._session.call(
            "cancel_order", lambda: orders.cancel_order_by_external_id(client_order_id), priority=_RISK_REDUCING
        )

    async def cancel_all(self, symbol: str) -> None:
        self._cancel_alls[symbol] = self._cancel_alls.get(symbol, 0) + 1
        orders = self._client.orders
        await self._session.call("cancel_all", lambda: orders.mass_cancel(markets=[symbol]), priority=_RISK_REDUCING)

    async def open_orders(self, symbol: str) -> list[OpenOrder]:
        return await self._reads.open_orders(symbol)

    async def position(self, symbol: str) -> Position:
        return await self._reads.position(symbol)

    async def arm_dead_man_switch(self, countdown_s: int) -> None:
        """Arm, refresh or (0) disarm the venue's countdown; a failed refresh is retried until the switch would lapse."""
        clock = self._session.clock
        while True:
            sent_ms = clock.now_ms()
            try:
                await self._post_dead_man_switch(countdown_s)
            except RetryableError as error:
                retry_after_s = error.retry_after_s if isinstance(error, RateLimited) else None
                pause_s = max(retry_after_s or 0.0, self._session.settings.retry_max_s)
                lapses_ms = self._switch_lapses_ms
                if lapses_ms is None or clock.now_ms() + pause_s * 1000 >= lapses_ms:
                    raise
                _log.warning("dead_man_switch_refresh_retried", error=str(error), lapses_in_ms=lapses_ms - sent_ms)
                await clock.sleep(pause_s)
                continue
            # Counted from the send: the venue restarts the countdown no earlier than that.
            self._switch_lapses_ms = sent_ms + countdown_s * 1000 if countdown_s else None
            return

    async def _post_dead_man_switch(self, countdown_s: int) -> None:
        base_url = self._session.config.endpoints.api_base_order_management_url
        api_key = self._session.api_key()
        await self._session.call(
            "dead_man_switch",
            lambda: post_dead_man_switch(self._session.http(), base_url, api_key, countdown_s),
            priority=_RISK_REDUCING,
        )

    async def _submit(
        self, operation: str, request: OrderRequest, *, previous_client_order_id: str | None
    ) -> PlacedOrder:
        cancel_alls = self._cancel_alls.get(request.symbol, 0)
        market = await self._market(request.symbol)
        instrument = instrument_from_market(market)
        price = instrument.round_price(request.price, request.side)
        size = instrument.round_size(request.size)
        if size < instrument.min_order_size:
            raise InvalidRequest(f"{operation}: size {request.size} is below the minimum {instrument.min_order_size}")
        fee = await self._taker_fee(request.symbol)
        expire_time = datetime.fromtimestamp(
            (self._session.clock.now_ms() + self._session.settings.order_ttl_s * 1000) / 1000, tz=UTC
        )

        async def send() -> object:
            if self._cancel_alls.get(request.symbol, 0) != cancel_alls:
                raise PlacementSuperseded(f"{operation}: a cancel-all of {request.symbol} went out first")
            # Signed afresh per attempt (new nonce); the client order id keeps a retry idempotent.
            order = create_order_object(
                account=self._session.account,
                market=market,
                amount_of_synthetic=size,
                price=price,
                side=side_to_wire(request.side),
                starknet_domain=self._session.config.signing.starknet_domain,
                post_only=request.post_only,
                previous_order_external_id=previous_client_order_id,
                expire_time=expire_time,
                order_external_id=request.client_order_id,
                taker_fee=fee,  # the signed fee is a maximum: the taker rate always passes
            )
            return await self._client.orders.place_order(order)

        try:
            response = await self._session.call(operation, send)
        except DuplicateOrder:
            placed = await self._placed_by_client_id(request)
            if placed is None:
                raise
            return placed
        data = getattr(response, "data", None)
        exchange_order_id = str(data.id) if data is not None else ""
        return PlacedOrder(client_order_id=request.client_order_id, exchange_order_id=exchange_order_id)

    async def _placed_by_client_id(self, request: OrderRequest) -> PlacedOrder | None:
        """The order the venue already holds under this client id, if any (a retry that had arrived).

        Raises `InvalidRequest` when the id belongs to a different order: reusing ids is our bug.
        """
        orders = await self._reads.orders_by_client_id(request.client_order_id)
        if not orders:
            return None
        instrument = instrument_from_market(await self._market(request.symbol))
        wanted = (
            request.symbol,
            request.side,
            instrument.round_price(request.price, request.side),
            instrument.round_size(request.size),
        )
        for order in orders:
            if (order.symbol, order.side, order.price, order.size) == wanted:
                _log.info("extended_order_already_placed", client_order_id=request.client_order_id)
                return PlacedOrder(client_order_id=request.client_order_id, exchange_order_id=order.exchange_order_id)
        raise InvalidRequest(f"client order id {request.client_order_id!r} is already used by a different order")

    async def _market(self, symbol: str) -> MarketModel:
        now_ms = self._session.clock.now_ms()
        cached = self._markets.get(symbol)
        if cached is not None and now_ms - cached[1] < self._session.settings.market_cache_ttl_s * 1000:
            return cached[0]
        info = self._client.info
        response = await self._session.call("markets", lambda: info.get_markets(market_names=[symbol]))
        for market in response.data or ():
            if market.name == symbol:
                found: MarketModel = market
                self._markets[symbol] = (found, now_ms)
                return found
        raise InvalidRequest(f"unknown market {symbol!r}")

    async def _taker_fee(self, symbol: str) -> Decimal:
        now_ms = self._session.clock.now_ms()
        cached = self._taker_fees.get(symbol)
        if cached is not None and now_ms - cached[1] < self._session.settings.fee_cache_ttl_s * 1000:
            return cached[0]
        account = self._client.account
        response = await self._session.call("fees", lambda: account.get_fees(market_names=[symbol]))
        for fee in response.data or ():
            if fee.market == symbol:
                rate: Decimal = fee.taker_fee_rate
                self._taker_fees[symbol] = (rate, now_ms)
                return rate
        raise InvalidRequest(f"no fee rates for market {symbol!r}")
