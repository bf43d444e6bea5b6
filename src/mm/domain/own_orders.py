"""Our own orders in one market, including requests still in flight. No I/O.

The exchange is the truth: an order leaves this book only when the venue reports it closed, or
when a full REST snapshot taken well after our last request about it no longer lists it. A request
that timed out leaves its order UNKNOWN, never assumed cancelled ("missing evidence is not a
confirmed outcome").
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from mm.domain.orders import OpenOrder, OrderRequest
from mm.domain.side import Side
from mm.domain.value import value


class OrderPhase(StrEnum):
    """Where an order of ours stands, as far as the venue has told us."""

    PENDING_NEW = "pending_new"
    """Placement (or the replace creating it) sent; no answer yet."""
    WORKING = "working"
    """Accepted by the venue or reported open: resting as far as we know."""
    PENDING_CANCEL = "pending_cancel"
    """A cancel, cancel-all or the replace retiring it was sent; the venue has not confirmed it closed."""
    UNKNOWN = "unknown"
    """A request about it timed out or failed unclearly: it may or may not rest."""


@value(frozen=True)
class OwnOrder:
    """One order of ours. `sent_ts_ms` dates the placement (the order's age); `last_request_ts_ms` our last
    request about it (a cancel, say).

    `is_foreign` marks an open order found on the venue that this engine did not plan (a leftover
    of an earlier run or placed by hand): it is always cancelled.
    """

    client_order_id: str
    side: Side
    price: Decimal
    size: Decimal
    price_ticks: int
    size_steps: int
    phase: OrderPhase
    sent_ts_ms: int
    last_request_ts_ms: int
    filled_size: Decimal = Decimal(0)
    exchange_order_id: str = ""
    is_foreign: bool = False

    def with_phase(self, phase: OrderPhase, request_ts_ms: int | None = None) -> OwnOrder:
        if phase is self.phase and request_ts_ms is None:
            return self
        return self._with(phase, self.last_request_ts_ms if request_ts_ms is None else request_ts_ms)

    def _with(
        self,
        phase: OrderPhase,
        last_request_ts_ms: int,
        filled_size: Decimal | None = None,
        exchange_order_id: str | None = None,
    ) -> OwnOrder:
        # Spelled out rather than dataclasses.replace: this runs for every order answer, at a third of the cost.
        return OwnOrder(
            self.client_order_id,
            self.side,
            self.price,
            self.size,
            self.price_ticks,
            self.size_steps,
            phase,
            self.sent_ts_ms,
            last_request_ts_ms,
            self.filled_size if filled_size is None else filled_size,
            self.exchange_order_id if exchange_order_id is None else exchange_order_id,
            self.is_foreign,
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-ready form for the executor's saved state."""
        return {
            "client_order_id": self.client_order_id,
            "side": self.side.value,
            "price": str(self.price),
            "size": str(self.size),
            "phase": self.phase.value,
            "sent_ts_ms": self.sent_ts_ms,
            "last_request_ts_ms": self.last_request_ts_ms,
            "exchange_order_id": self.exchange_order_id,
        }


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What a REST snapshot changed: orders found that we did not plan, orders confirmed gone."""

    foreign: tuple[OwnOrder, ...]
    removed: tuple[str, ...]


class OwnOrders:
    """The orders of one market we placed or found, by client order id, in placement order."""

    __slots__ = ("_orders", "_step_size", "_symbol", "_tick_size")

    def __init__(self, symbol: str, tick_size: Decimal, step_size: Decimal) -> None:
        self._symbol = symbol
        self._tick_size = tick_size
        self._step_size = step_size
        self._orders: dict[str, OwnOrder] = {}

    def __len__(self) -> int:
        return len(self._orders)

    def __iter__(self) -> Iterator[OwnOrder]:
        return iter(list(self._orders.values()))

    def __contains__(self, client_order_id: object) -> bool:
        return client_order_id in self._orders

    def get(self, client_order_id: str) -> OwnOrder | None:
        return self._orders.get(client_order_id)

    @property
    def is_empty(self) -> bool:
        return not self._orders

    def on_side(self, side: Side) -> list[OwnOrder]:
        return [order for order in self._orders.values() if order.side is side]

    # --- our requests --------------------------------------------------------------------------

    def on_place_sent(self, request: OrderRequest, price_ticks: int, size_steps: int, now_ms: int) -> None:
        self._orders[request.client_order_id] = OwnOrder(
            client_order_id=request.client_order_id,
            side=request.side,
            price=request.price,
            size=request.size,
            price_ticks=price_ticks,
            size_steps=size_steps,
            phase=OrderPhase.PENDING_NEW,
            sent_ts_ms=now_ms,
            last_request_ts_ms=now_ms,
        )

    def on_cancel_sent(self, client_order_id: str, now_ms: int) -> None:
        order = self._orders.get(client_order_id)
        if order is not None:
            self._orders[client_order_id] = order.with_phase(OrderPhase.PENDING_CANCEL, now_ms)

    def on_cancel_all_sent(self, now_ms: int) -> None:
        for client_order_id in list(self._orders):
            self.on_cancel_sent(client_order_id, now_ms)

    # --- answers to our requests ---------------------------------------------------------------

    def on_accepted(self, client_order_id: str, exchange_order_id: str) -> None:
        """The venue took the placement; a cancel already sent for it stays pending."""
        order = self._orders.get(client_order_id)
        if order is None:
            return
        phase = OrderPhase.PENDING_CANCEL if order.phase is OrderPhase.PENDING_CANCEL else OrderPhase.WORKING
        self._orders[client_order_id] = order._with(
            phase, order.last_request_ts_ms, exchange_order_id=exchange_order_id
        )

    def on_unknown(self, client_order_id: str, now_ms: int) -> None:
        """A request about the order timed out: it may rest or not. A pending cancel stays pending."""
        order = self._orders.get(client_order_id)
        if order is not None and order.phase is not OrderPhase.PENDING_CANCEL:
            self._orders[client_order_id] = order.with_phase(OrderPhase.UNKNOWN, now_ms)

    def on_still_working(self, client_order_id: str) -> None:
        """A cancel or replace of the order was refused: it rests as before."""
        order = self._orders.get(client_order_id)
        if order is not None:
            self._orders[client_order_id] = order.with_phase(OrderPhase.WORKING)

    def remove(self, client_order_id: str) -> OwnOrder | None:
        """Forget an order the venue confirmed is not (or never was) on the book."""
        return self._orders.pop(client_order_id, None)

    # --- what the venue reports ----------------------------------------------------------------

    def on_order_update(self, update: OpenOrder) -> OwnOrder | None:
        """Apply the venue's view of one order; returns it when it is an open order we did not plan."""
        order = self._orders.get(update.client_order_id)
        if not update.status.is_open:
            if order is not None:
                del self._orders[update.client_order_id]
            return None
        if order is None:
            foreign = self._foreign(update)
            self._orders[update.client_order_id] = foreign
            return foreign
        phase = order.phase
        if phase is OrderPhase.PENDING_NEW or phase is OrderPhase.UNKNOWN:
            phase = OrderPhase.WORKING
        self._orders[update.client_order_id] = order._with(
            phase, order.last_request_ts_ms, update.filled_size, update.exchange_order_id
        )
        return None

    def on_sync(self, open_orders: Iterable[OpenOrder], received_ts_ms: int, absent_grace_ms: int) -> SyncOutcome:
        """Take a full REST snapshot of the market's open orders as the truth.

        A listed order is resting: a cancel sent `absent_grace_ms` before the snapshot arrived and
        still not done evidently failed, so the order is WORKING again and will be planned afresh.
        An unlisted order is gone only if it was sent `absent_grace_ms` before the snapshot arrived:
        a snapshot read while the placement travelled proves nothing about it, while an order
        that once rested never comes back.
        """
        listed: set[str] = set()
        foreign: list[OwnOrder] = []
        for update in open_orders:
            if update.symbol != self._symbol or not update.status.is_open:
                continue
            listed.add(update.client_order_id)
            known = self._orders.get(update.client_order_id)
            is_settled = known is not None and received_ts_ms - known.last_request_ts_ms >= absent_grace_ms
            if known is not None and known.phase is OrderPhase.PENDING_CANCEL and is_settled:
                self._orders[update.client_order_id] = known.with_phase(OrderPhase.WORKING)
            found = self.on_order_update(update)
            if found is not None:
                foreign.append(found)
        removed = [
            order.client_order_id
            for order in self._orders.values()
            if order.client_order_id not in listed and received_ts_ms - order.sent_ts_ms >= absent_grace_ms
        ]
        for client_order_id in removed:
            del self._orders[client_order_id]
        return SyncOutcome(tuple(foreign), tuple(removed))

    def restore(self, orders: Iterable[OwnOrder]) -> None:
        """Take back the orders a previous run owned; their state is UNKNOWN until the venue is asked."""
        for order in orders:
            self._orders[order.client_order_id] = order.with_phase(OrderPhase.UNKNOWN)

    def _foreign(self, update: OpenOrder) -> OwnOrder:
        return OwnOrder(
            client_order_id=update.client_order_id,
            side=update.side,
            price=update.price,
            size=update.size,
            price_ticks=int(update.price / self._tick_size),
            size_steps=int(update.size / self._step_size),
            phase=OrderPhase.WORKING,
            sent_ts_ms=update.created_ts_ms,
            last_request_ts_ms=update.created_ts_ms,
            filled_size=update.filled_size,
            exchange_order_id=update.exchange_order_id,
            is_foreign=True,
        )


def own_order_from_json(data: dict[str, object], tick_size: Decimal, step_size: Decimal) -> OwnOrder:
    """Rebuild an order saved with `OwnOrder.to_json`; raises ValueError/KeyError on a malformed one."""
    price = Decimal(str(data["price"]))
    size = Decimal(str(data["size"]))
    return OwnOrder(
        client_order_id=str(data["client_order_id"]),
        side=Side(str(data["side"])),
        price=price,
        size=size,
        price_ticks=int(price / tick_size),
        size_steps=int(size / step_size),
        phase=OrderPhase(str(data["phase"])),
        sent_ts_ms=int(str(data["sent_ts_ms"])),
        last_request_ts_ms=int(str(data["last_request_ts_ms"])),
        exchange_order_id=str(data.get("exchange_order_id", "")),
    )
