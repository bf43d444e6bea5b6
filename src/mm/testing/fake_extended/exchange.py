"""The fake venue's order flow: placement, atomic replace, cancels, touch fills, account frames.

Acceptance is asynchronous as on Extended: REST answers OK once a request passes validation, and
what the engine did with it (resting, rejected post-only, filled, cancelled) goes out on the
account stream as ORDER, TRADE, POSITION and BALANCE frames.
"""

from __future__ import annotations

from decimal import Decimal

from x10.core.client_config import StarknetDomain

from mm.ports.clock import Clock
from mm.testing.fake_extended import matching
from mm.testing.fake_extended.account import FakeAccount, FakeOrder, OrderStatus
from mm.testing.fake_extended.account_payloads import balance_payload, fill_payload, order_payload, position_payload
from mm.testing.fake_extended.book import MarketBook
from mm.testing.fake_extended.credentials import FakeCredentials
from mm.testing.fake_extended.faults import FaultKnobs
from mm.testing.fake_extended.markets import MarketSpec
from mm.testing.fake_extended.order_request import PlaceOrderRequest, parse_place_order
from mm.testing.fake_extended.order_rules import check_market_rules
from mm.testing.fake_extended.rejections import ErrorCode, Rejection
from mm.testing.fake_extended.signature import verify_order_signature
from mm.testing.fake_extended.stream_hub import StreamHub, StreamKind

ORDER_NOT_FOUND = 404  # no documented business code; the HTTP status doubles as the code


class FakeExchange:
    """Our account's side of the venue. All methods are synchronous: one event loop, no locks."""

    def __init__(
        self,
        *,
        specs: dict[str, MarketSpec],
        books: dict[str, MarketBook],
        account: FakeAccount,
        credentials: FakeCredentials,
        domain: StarknetDomain,
        hub: StreamHub,
        faults: FaultKnobs,
        clock: Clock,
        caps_touch_fills_at_trade_size: bool = False,
    ) -> None:
        self.specs = specs
        self.books = books
        self.account = account
        self._credentials = credentials
        self._domain = domain
        self._hub = hub
        self._faults = faults
        self._clock = clock
        self._caps_touch_fills = caps_touch_fills_at_trade_size
        self.received_orders: list[PlaceOrderRequest] = []
        """Every well-formed order request that arrived, accepted or refused: what a client tried to send."""
        self.funding: dict[str, list[tuple[int, Decimal]]] = {}
        """Funding settlements per market, (time in ms, rate), served by `GET /info/{market}/funding`."""

    def spec(self, market: str) -> MarketSpec:
        if market not in self.specs:
            raise Rejection(ErrorCode.MARKET_NOT_FOUND, "Market not found", http_status=404)
        return self.specs[market]

    def place_order(self, body: object) -> FakeOrder:
        """Validate, sign-check and accept an order (replacing `cancelId` atomically); raise `Rejection`."""
        request = parse_place_order(body)
        self.received_orders.append(request)
        spec = self.spec(request.market)
        now_ms = self._clock.now_ms()
        check_market_rules(request, spec, self.books[spec.name].mark_price, now_ms)
        verify_order_signature(request, spec, self._credentials, self._domain)
        previous = self._check_account_rules(request, spec)
        order = FakeOrder(
            id=self.account.next_order_id(),
            external_id=request.id,
            market=spec.name,
            side=request.side,
            order_type=request.type,
            price=request.price,
            qty=request.qty,
            post_only=request.post_only,
            reduce_only=request.reduce_only,
            time_in_force=request.time_in_force,
            created_ms=now_ms,
            updated_ms=now_ms,
            expiry_ms=request.expiry_epoch_millis,
        )
        self.account.position(spec.name, spec.leverage, now_ms)
        self.account.add_order(order)
        if previous is not None:
            previous.close(OrderStatus.CANCELLED, "ORDER_REPLACED", now_ms)
            self._emit_order(previous)
        self._execute_on_arrival(order, spec)
        return order

    def _check_account_rules(self, request: PlaceOrderRequest, spec: MarketSpec) -> FakeOrder | None:
        """Rules that need our account; returns the order `cancelId` replaces, if any."""
        if self.account.order_by_external_id(request.id) is not None:
            raise Rejection(ErrorCode.DUPLICATE_ORDER, "Duplicate order")
        previous = None
        if request.cancel_id is not None:
            previous = self.account.order_by_external_id(request.cancel_id)
            if previous is None or not previous.is_open or previous.market != spec.name:
                raise Rejection(ErrorCode.EDIT_ORDER_NOT_FOUND, "Order to edit not found")
        if request.reduce_only:
            self._check_reduce_only(request, spec)
        open_orders = [o for o in self.account.open_orders(spec.name) if o is not previous]
        if len(open_orders) >= spec.max_open_orders:
            raise Rejection(ErrorCode.MAX_OPEN_ORDERS_NUMBER_EXCEEDED, "Max open orders number exceeded")
        held = previous.remaining_qty * previous.price / spec.leverage if previous is not None else Decimal(0)
        if request.qty * request.price / spec.leverage > self.account.available_for_trade + held:
            raise Rejection(ErrorCode.ORDER_COST_EXCEEDS_BALANCE, "New order cost exceeds available balance")
        return previous

    def _check_reduce_only(self, request: PlaceOrderRequest, spec: MarketSpec) -> None:
        position = self.account.positions.get(spec.name)
        if position is None or not position.is_open:
            raise Rejection(
                ErrorCode.REDUCE_ONLY_ORDER_POSITION_IS_MISSING, "Position is missing for reduce-only order"
            )
        if (position.size > 0) == (request.side == "BUY"):
            raise Rejection(ErrorCode.REDUCE_ONLY_ORDER_POSITION_SAME_SIDE, "Reduce-only order on the position's side")
        if request.qty > abs(position.size):
            raise Rejection(
                ErrorCode.REDUCE_ONLY_ORDER_SIZE_EXCEEDS_POSITION_SIZE, "Reduce-only order size exceeds position size"
            )

    def _execute_on_arrival(self, order: FakeOrder, spec: MarketSpec) -> None:
        book = self.books[spec.name]
        bid, ask = book.best_bid, book.best_ask
        bid_px, ask_px = (bid.price if bid else None), (ask.price if ask else None)
        crosses = matching.would_cross(order.side, order.price, bid_px, ask_px)
        now_ms = self._clock.now_ms()
        if crosses and order.post_only and self._faults.reject_crossing_post_only:
            order.close(OrderStatus.REJECTED, "POST_ONLY_FAILED", now_ms)
            self._emit_order(order)
        elif crosses and not order.post_only:
            price = matching.taker_price(order.side, bid_px, ask_px, order.price)
            self._fill(order, order.remaining_qty, price, spec.taker_fee_rate, is_taker=True)
        elif order.time_in_force == "IOC":
            order.close(OrderStatus.CANCELLED, "NO_LIQUIDITY", now_ms)
            self._emit_order(order)
        else:
            self._emit_order(order)

    def cancel_order(self, order_id: int) -> None:
        order = self.account.orders.get(order_id)
        if order is None:
            raise Rejection(ORDER_NOT_FOUND, "Order not found", http_status=404)
        self._cancel(order, "NONE")

    def cancel_order_by_external_id(self, external_id: str) -> None:
        order = self.account.order_by_external_id(external_id)
        if order is None:
            raise Rejection(ORDER_NOT_FOUND, "Order not found", http_status=404)
        self._cancel(order, "NONE")

    def mass_cancel(
        self,
        *,
        order_ids: list[int] | None = None,
        external_ids: list[str] | None = None,
        markets: list[str] | None = None,
        cancel_all: bool = False,
    ) -> int:
        """Cancel every open order matching any selector; returns how many were cancelled."""
        if not (order_ids or external_ids or markets or cancel_all):
            raise Rejection(ErrorCode.INVALID_ORDER_PARAMETERS, "Nothing to cancel: give ids, markets or cancelAll")
        targets = [
            o
            for o in self.account.open_orders()
            if cancel_all
            or o.id in (order_ids or ())
            or o.external_id in (external_ids or ())
            or o.market in (markets or ())
        ]
        for order in targets:
            self._cancel(order, "NONE")
        return len(targets)

    def cancel_all_orders(self) -> int:
        """What the dead man's switch does when it expires."""
        return self.mass_cancel(cancel_all=True)

    def _cancel(self, order: FakeOrder, reason: str) -> None:
        if order.is_open:  # cancelling a closed order is accepted and does nothing, as cancels are async
            order.close(OrderStatus.CANCELLED, reason, self._clock.now_ms())
            self._emit_order(order)

    def on_book_moved(self, market: str) -> None:
        """Touch-fill resting orders the new best bid/offer reached."""
        book = self.books[market]
        bid, ask = book.best_bid, book.best_ask
        bid_px, ask_px = (bid.price if bid else None), (ask.price if ask else None)
        for order in self.account.open_orders(market):
            if matching.is_touched_by_book(order.side, order.price, bid_px, ask_px):
                self._fill(order, order.remaining_qty, order.price, self.specs[market].maker_fee_rate, is_taker=False)

    def on_trade(self, market: str, price: Decimal, qty: Decimal) -> None:
        """Touch-fill resting orders a public print reached."""
        for order in self.account.open_orders(market):
            if matching.is_touched_by_trade(order.side, order.price, price):
                fill_qty = matching.touch_fill_qty(order.remaining_qty, qty, is_full_fill=not self._caps_touch_fills)
                self._fill(order, fill_qty, order.price, self.specs[market].maker_fee_rate, is_taker=False)

    def on_mark(self, market: str, mark_price: Decimal) -> None:
        position = self.account.positions.get(market)
        if position is not None:
            position.mark_price = mark_price

    def _fill(self, order: FakeOrder, qty: Decimal, price: Decimal, fee_rate: Decimal, *, is_taker: bool) -> None:
        now_ms = self._clock.now_ms()
        mark_price = self.books[order.market].mark_price
        if mark_price is not None:
            self.account.positions[order.market].mark_price = mark_price
        fill = self.account.record_fill(order, qty, price, fee_rate, is_taker=is_taker, now_ms=now_ms)
        account_id = self.account.account_id
        self._publish("TRADE", {"trades": [fill_payload(fill, account_id, on_stream=True)]})
        self._emit_order(order)
        position = self.account.positions[order.market]
        self._publish("POSITION", {"positions": [position_payload(position, account_id)]})
        self._publish("BALANCE", {"balance": balance_payload(self.account)})

    def _emit_order(self, order: FakeOrder) -> None:
        self._publish("ORDER", {"orders": [order_payload(order, self.account.account_id)]})

    def _publish(self, frame_type: str, data: dict[str, object]) -> None:
        self._hub.publish(StreamKind.ACCOUNT, None, frame_type, data)

    def account_snapshot_frames(self) -> list[tuple[str, dict[str, object]]]:
        """What a new account-stream connection gets first: balance, open positions, open orders."""
        account_id = self.account.account_id
        return [
            ("BALANCE", {"balance": balance_payload(self.account)}),
            ("POSITION", {"positions": [position_payload(p, account_id) for p in self.account.open_positions()]}),
            ("ORDER", {"orders": [order_payload(o, account_id) for o in self.account.open_orders()]}),
        ]
