"""The simulated exchange: our orders against recorded market data, for the backtest and paper trading.

A replay loop drives it synchronously: `on_bbo` and `on_trade` per recorded row (floats, cheap when
no order of ours is near the touch), `advance_to` when time passes without data, and
`drain_events` for the account events that resulted. Order requests (`submit_*`) take effect after
`order_latency_ms` of simulated time, in the order sent, as on a venue. Deterministic: no
randomness, no wall clock; time is whatever the caller passes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from decimal import Decimal

from mm.adapters.sim.fill_models import FillModel, TouchFillModel
from mm.adapters.sim.live_orders import LiveOrders
from mm.adapters.sim.order_entry import OrderEntry, check_symbol
from mm.adapters.sim.pending_requests import (
    NEVER_MS,
    PendingCancel,
    PendingCancelAll,
    PendingPlace,
    PendingRequest,
    RequestQueue,
)
from mm.adapters.sim.sim_account import SimulatedAccount
from mm.adapters.sim.sim_order import SimOrder
from mm.adapters.sim.top_of_book import TopOfBook, price_to_ticks
from mm.domain.instrument import Instrument
from mm.domain.orders import (
    AccountEvent,
    FillEvent,
    OpenOrder,
    OrderRequest,
    OrderStatus,
    OrderUpdate,
    PlacedOrder,
    Position,
    PositionUpdate,
    RejectReason,
)
from mm.domain.side import Side
from mm.domain.tick_grid import TickGrid
from mm.ports.errors import InvalidRequest, OrderNotFound


class SimulatedExchange:
    """One market, our orders, a pluggable fill model (touch fills by default) and a maker fee."""

    def __init__(
        self,
        instrument: Instrument,
        *,
        fill_model: FillModel | None = None,
        maker_fee_rate: Decimal = Decimal(0),
        order_latency_ms: int = 0,
        start_ts_ms: int = 0,
    ) -> None:
        if order_latency_ms < 0:
            raise ValueError(f"order_latency_ms must not be negative, got {order_latency_ms}")
        self.instrument = instrument
        self.order_latency_ms = order_latency_ms
        self.account = SimulatedAccount(instrument.symbol, maker_fee_rate)
        self._fill_model: FillModel = fill_model if fill_model is not None else TouchFillModel()
        self._tracks_queue = self._fill_model.tracks_queue
        self._ticks_per_unit = float(1 / instrument.tick_size)
        self._live = LiveOrders(float(instrument.tick_size))
        self._bids, self._asks = self._live.bids, self._live.asks  # the same lists, one lookup less per event
        self._book = TopOfBook()
        self._bbo = (math.nan, 0.0, math.nan, 0.0)
        self._orders: dict[str, SimOrder] = {}
        self._requests = RequestQueue(order_latency_ms)
        self._next_due_ms = NEVER_MS  # the queue's next due time, kept here: the hot path reads it per row
        self._now_ms = start_ts_ms
        self._exchange_order_ids = itertools.count(1)
        self._entry = OrderEntry(instrument)
        self._grid = TickGrid(instrument)
        self._events: list[AccountEvent] = []
        self._listener: Callable[[], None] | None = None
        self._refresh_watch_band()

    @property
    def now_ms(self) -> int:
        """The latest time the exchange has processed."""
        return self._now_ms

    def on_bbo(self, ts_ms: int, bid_px: float, bid_sz: float, ask_px: float, ask_sz: float) -> None:
        """Take a recorded best bid/offer change; requests due by `ts_ms` arrive first."""
        if ts_ms >= self._next_due_ms:
            self._process_due(ts_ms)
        elif ts_ms > self._now_ms:
            self._now_ms = ts_ms
        self._bbo = (bid_px, bid_sz, ask_px, ask_sz)
        if (
            ask_px <= self._bid_watch_hi
            or bid_px >= self._ask_watch_lo
            or self._bid_level_lo <= bid_px <= self._bid_level_hi
            or self._ask_level_lo <= ask_px <= self._ask_level_hi
        ):
            self._match_bbo(bid_px, bid_sz, ask_px, ask_sz)

    def on_trade(self, ts_ms: int, px: float, sz: float, taker_side: Side) -> None:
        """Take a recorded public trade; `taker_side` is the aggressor's side."""
        if ts_ms >= self._next_due_ms:
            self._process_due(ts_ms)
        elif ts_ms > self._now_ms:
            self._now_ms = ts_ms
        if px <= self._bid_watch_hi:
            self._match_trade(self._bids, px, sz, taker_side)
        if px >= self._ask_watch_lo:
            self._match_trade(self._asks, px, sz, taker_side)

    def advance_to(self, ts_ms: int) -> None:
        """Let time pass to `ts_ms`: requests arrive and the dead man's switch fires when due."""
        if ts_ms >= self._next_due_ms:
            self._process_due(ts_ms)
        elif ts_ms > self._now_ms:
            self._now_ms = ts_ms

    def drain_events(self) -> list[AccountEvent]:
        """Every account event since the last drain, in the order they happened."""
        events, self._events = self._events, []
        return events

    def set_event_listener(self, listener: Callable[[], None] | None) -> None:
        """Call `listener` whenever new events are waiting (for an async consumer)."""
        self._listener = listener

    def submit_place(self, request: OrderRequest) -> PlacedOrder:
        """Send a post-only order; retrying a client order id returns the first placement."""
        known = self._orders.get(request.client_order_id)
        if known is not None:
            return PlacedOrder(known.client_order_id, known.exchange_order_id)
        order = self._new_order(request)
        self._send(PendingPlace(self._requests.arrival_ms(self._now_ms), order))
        return PlacedOrder(order.client_order_id, order.exchange_order_id)

    def submit_replace(self, previous_client_order_id: str, request: OrderRequest) -> PlacedOrder:
        """Send an atomic replace of an open order (cancel and place as one request)."""
        known = self._orders.get(request.client_order_id)
        if known is not None:
            return PlacedOrder(known.client_order_id, known.exchange_order_id)
        previous = self._orders.get(previous_client_order_id)
        if previous is None or not previous.is_open:
            raise OrderNotFound(f"replace: no open order {previous_client_order_id!r}")
        order = self._new_order(request)
        self._send(PendingPlace(self._requests.arrival_ms(self._now_ms), order, previous_client_order_id))
        return PlacedOrder(order.client_order_id, order.exchange_order_id)

    def submit_cancel(self, symbol: str, client_order_id: str) -> None:
        """Send a cancel; cancelling an order that has already ended is accepted and does nothing."""
        check_symbol(self.instrument, symbol)
        if client_order_id not in self._orders:
            raise OrderNotFound(f"cancel: unknown order {client_order_id!r}")
        self._send(PendingCancel(self._requests.arrival_ms(self._now_ms), client_order_id))

    def submit_cancel_all(self, symbol: str) -> None:
        check_symbol(self.instrument, symbol)
        self._send(PendingCancelAll(self._requests.arrival_ms(self._now_ms)))

    def arm_dead_man_switch(self, countdown_s: int) -> None:
        """Cancel all our orders unless re-armed within `countdown_s` from now; 0 disarms."""
        if countdown_s < 0:
            raise InvalidRequest(f"dead man's switch countdown must not be negative, got {countdown_s}")
        self._requests.dead_man_deadline_ms = self._now_ms + countdown_s * 1000 if countdown_s else NEVER_MS
        self._next_due_ms = self._requests.next_due_ms()

    def open_orders(self) -> list[OpenOrder]:
        return [order.to_open_order(self.instrument.symbol, self._grid) for order in self._live.by_client_id.values()]

    def order(self, client_order_id: str) -> OpenOrder | None:
        """Any order ever sent, in its current state; None for an unknown id."""
        order = self._orders.get(client_order_id)
        return None if order is None else order.to_open_order(self.instrument.symbol, self._grid)

    def position(self) -> Position:
        position = self.account.position()
        return Position(
            symbol=position.symbol,
            size=position.size,
            entry_price=position.entry_price,
            ts_ms=self._now_ms,
            realised_pnl=position.realised_pnl,
        )

    def _process_due(self, ts_ms: int) -> None:
        """Let the requests and the dead man's switch due by `ts_ms` take effect, in time order."""
        requests = self._requests
        while (due := requests.pop_due(ts_ms)) is not None:
            due_ms, request = due
            self._now_ms = max(self._now_ms, due_ms)
            if request is None:
                self._cancel_all(RejectReason.NONE)
            else:
                self._arrive(request)
        self._now_ms = max(self._now_ms, ts_ms)
        self._next_due_ms = requests.next_due_ms()

    def _send(self, request: PendingRequest) -> None:
        self._requests.append(request)
        self._next_due_ms = self._requests.next_due_ms()
        if self.order_latency_ms == 0:
            self._process_due(self._now_ms)

    def _arrive(self, request: PendingRequest) -> None:
        if isinstance(request, PendingPlace):
            self._arrive_place(request)
        elif isinstance(request, PendingCancel):
            order = self._live.by_client_id.get(request.client_order_id)
            if order is not None:
                self._close(order, OrderStatus.CANCELLED, RejectReason.NONE)
        else:
            self._cancel_all(RejectReason.NONE)

    def _arrive_place(self, request: PendingPlace) -> None:
        order = request.order
        if request.previous_client_order_id is not None:
            previous = self._live.by_client_id.get(request.previous_client_order_id)
            if previous is None:  # it filled or was cancelled while the replace was on its way
                order.close(OrderStatus.REJECTED, RejectReason.OTHER, self._now_ms)
                self._emit_order(order)
                return
            self._close(previous, OrderStatus.CANCELLED, RejectReason.REPLACED, refresh_band=False)
        self._go_live(order)

    def _go_live(self, order: SimOrder) -> None:
        book = self._refreshed_book()
        order.created_ts_ms = order.updated_ts_ms = self._now_ms
        would_cross = book.ask_ticks <= order.price_ticks if order.is_buy else book.bid_ticks >= order.price_ticks
        if would_cross:
            order.close(OrderStatus.REJECTED, RejectReason.POST_ONLY_WOULD_CROSS, self._now_ms)
        else:
            self._fill_model.on_order_live(order, book)
            self._live.add(order)
        self._refresh_watch_band()
        self._emit_order(order)

    def _cancel_all(self, reason: RejectReason) -> None:
        for order in list(self._live.by_client_id.values()):
            self._close(order, OrderStatus.CANCELLED, reason)

    def _close(self, order: SimOrder, status: OrderStatus, reason: RejectReason, *, refresh_band: bool = True) -> None:
        """End a live order. `refresh_band` False: the caller changes the live orders again and refreshes once."""
        order.close(status, reason, self._now_ms)
        self._live.remove(order)
        if refresh_band:
            self._refresh_watch_band()
        self._emit_order(order)

    def _refreshed_book(self) -> TopOfBook:
        bid_px, bid_sz, ask_px, ask_sz = self._bbo
        self._book.set_prices(bid_px, bid_sz, ask_px, ask_sz, self._ticks_per_unit)
        return self._book

    def _match_bbo(self, bid_px: float, bid_sz: float, ask_px: float, ask_sz: float) -> None:
        book = self._book
        book.set_prices(bid_px, bid_sz, ask_px, ask_sz, self._ticks_per_unit)
        fill_steps_on_bbo = self._fill_model.fill_steps_on_bbo
        fills: list[tuple[SimOrder, int]] | None = None  # built only when something fills: rarely
        for orders in (self._bids, self._asks):
            for order in orders:
                steps = fill_steps_on_bbo(order, book)
                if steps:
                    fills = fills or []
                    fills.append((order, steps))
        for order, steps in fills or ():
            self._fill(order, steps)

    def _match_trade(self, orders: list[SimOrder], px: float, sz: float, taker_side: Side) -> None:
        trade_ticks = price_to_ticks(px, self._ticks_per_unit)
        taker_is_buy = taker_side is Side.BUY
        fill_steps_on_trade = self._fill_model.fill_steps_on_trade
        fills: list[tuple[SimOrder, int]] | None = None
        for order in orders:
            steps = fill_steps_on_trade(order, trade_ticks, sz, taker_is_buy)
            if steps:
                fills = fills or []
                fills.append((order, steps))
        for order, steps in fills or ():
            self._fill(order, steps)

    def _fill(self, order: SimOrder, steps: int) -> None:
        order.filled_steps += steps
        fill = self.account.record_maker_fill(
            client_order_id=order.client_order_id,
            exchange_order_id=order.exchange_order_id,
            side=order.side,
            price=self._grid.price_of(order.price_ticks),
            size=self._grid.size_of(steps),
            ts_ms=self._now_ms,
        )
        self._emit(FillEvent(fill, self._now_ms))
        if order.remaining_steps == 0:
            self._close(order, OrderStatus.FILLED, RejectReason.NONE)
        else:
            order.status = OrderStatus.PARTIALLY_FILLED
            order.updated_ts_ms = self._now_ms
            self._emit_order(order)
        self._emit(PositionUpdate(self.position(), self._now_ms))

    def _refresh_watch_band(self) -> None:
        """Recompute the prices at which market events are worth a look, after our orders changed."""
        bid_lo, bid_hi = self._live.bid_band()
        ask_lo, ask_hi = self._live.ask_band()
        self._bid_watch_hi = bid_hi  # a best ask or trade at or below this may fill a bid
        self._ask_watch_lo = ask_lo
        if self._tracks_queue:  # queue models also watch our own side's level move
            self._bid_level_lo, self._bid_level_hi = bid_lo, bid_hi
            self._ask_level_lo, self._ask_level_hi = ask_lo, ask_hi
        else:
            self._bid_level_lo = self._ask_level_lo = math.inf
            self._bid_level_hi = self._ask_level_hi = -math.inf

    def _new_order(self, request: OrderRequest) -> SimOrder:
        order = self._entry.new_order(
            request, exchange_order_id=f"sim-{next(self._exchange_order_ids)}", ts_ms=self._now_ms
        )
        self._orders[order.client_order_id] = order
        return order

    def _emit_order(self, order: SimOrder) -> None:
        self._emit(OrderUpdate(order.to_open_order(self.instrument.symbol, self._grid), self._now_ms))

    def _emit(self, event: AccountEvent) -> None:
        self._events.append(event)
        if self._listener is not None:
            self._listener()
