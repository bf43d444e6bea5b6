"""Our account as the fake exchange keeps it: orders, fills, positions and collateral.

Mutable on purpose: the venue's view of an order or position evolves, and tests inspect it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

BUY = "BUY"
ZERO = Decimal(0)


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELLED = "CANCELLED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"


OPEN_STATUSES = frozenset({OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED})


@dataclass(slots=True)
class FakeOrder:
    id: int
    external_id: str
    market: str
    side: str
    order_type: str
    price: Decimal
    qty: Decimal
    post_only: bool
    reduce_only: bool
    time_in_force: str
    created_ms: int
    updated_ms: int
    expiry_ms: int
    status: OrderStatus = OrderStatus.NEW
    status_reason: str | None = None
    filled_qty: Decimal = ZERO
    filled_value: Decimal = ZERO
    payed_fee: Decimal = ZERO

    @property
    def remaining_qty(self) -> Decimal:
        return self.qty - self.filled_qty

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def average_price(self) -> Decimal | None:
        return self.filled_value / self.filled_qty if self.filled_qty else None

    @property
    def cancelled_qty(self) -> Decimal:
        return self.remaining_qty if self.status in (OrderStatus.CANCELLED, OrderStatus.REJECTED) else ZERO

    def close(self, status: OrderStatus, reason: str, now_ms: int) -> None:
        self.status, self.status_reason, self.updated_ms = status, reason, now_ms


@dataclass(frozen=True, slots=True)
class FakeFill:
    id: int
    order_id: int
    external_order_id: str
    market: str
    side: str
    price: Decimal
    qty: Decimal
    fee: Decimal
    is_taker: bool
    ts_ms: int

    @property
    def value(self) -> Decimal:
        return self.price * self.qty


@dataclass(slots=True)
class FakePosition:
    """Signed size (long > 0); `realised_pnl` includes fees, as the venue's does."""

    id: int
    market: str
    leverage: Decimal
    created_ms: int
    updated_ms: int
    size: Decimal = ZERO
    open_price: Decimal = ZERO
    mark_price: Decimal = ZERO
    realised_pnl: Decimal = ZERO

    @property
    def side(self) -> str:
        return "SHORT" if self.size < 0 else "LONG"

    @property
    def is_open(self) -> bool:
        return self.size != 0

    @property
    def unrealised_pnl(self) -> Decimal:
        return (self.mark_price - self.open_price) * self.size if self.size else ZERO

    @property
    def value(self) -> Decimal:
        return abs(self.size) * self.mark_price

    def apply_fill(self, signed_qty: Decimal, price: Decimal, fee: Decimal, now_ms: int) -> Decimal:
        """Move the position by one fill; return the cash it realised (trade pnl minus fee)."""
        realised = -fee
        if self.size == 0 or (self.size > 0) == (signed_qty > 0):
            total = abs(self.size) + abs(signed_qty)
            self.open_price = (abs(self.size) * self.open_price + abs(signed_qty) * price) / total
        else:
            closed = min(abs(self.size), abs(signed_qty))
            realised += closed * (price - self.open_price) * (1 if self.size > 0 else -1)
            if abs(signed_qty) > abs(self.size):
                self.open_price = price
        self.size += signed_qty
        self.realised_pnl += realised
        self.mark_price = self.mark_price or price
        self.updated_ms = now_ms
        return realised


@dataclass(slots=True)
class FakeAccount:
    """Everything private to the one account the fake serves."""

    account_id: int = 3017
    collateral_name: str = "USD"
    balance: Decimal = Decimal(100_000)
    balance_updated_ms: int = 0
    orders: dict[int, FakeOrder] = field(default_factory=dict)
    positions: dict[str, FakePosition] = field(default_factory=dict)
    fills: list[FakeFill] = field(default_factory=list)
    _open: dict[int, FakeOrder] = field(default_factory=dict)
    _by_external_id: dict[str, FakeOrder] = field(default_factory=dict)
    _order_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_791_389_621_914_243_072))
    _fill_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_784_963_886_257_016_832))
    _position_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_791_183_357_858_545_669))

    def next_order_id(self) -> int:
        return next(self._order_ids)

    def add_order(self, order: FakeOrder) -> None:
        self.orders[order.id] = order
        self._by_external_id[order.external_id] = order
        self._open[order.id] = order

    def order_by_external_id(self, external_id: str) -> FakeOrder | None:
        """The newest order with this client id (ids of closed orders stay known to the venue)."""
        return self._by_external_id.get(external_id)

    def open_orders(self, market: str | None = None) -> list[FakeOrder]:
        """Open orders, oldest first; closed ones leave the index here, so long replays stay cheap."""
        for order_id in [i for i, o in self._open.items() if not o.is_open]:
            del self._open[order_id]
        return [o for o in self._open.values() if market is None or o.market == market]

    def position(self, market: str, leverage: Decimal, now_ms: int) -> FakePosition:
        if market not in self.positions:
            self.positions[market] = FakePosition(next(self._position_ids), market, leverage, now_ms, now_ms)
        return self.positions[market]

    def open_positions(self) -> list[FakePosition]:
        return [p for p in self.positions.values() if p.is_open]

    def record_fill(
        self, order: FakeOrder, qty: Decimal, price: Decimal, fee_rate: Decimal, *, is_taker: bool, now_ms: int
    ) -> FakeFill:
        """Book one execution of `order` into the order, its position and the collateral."""
        fee = qty * price * fee_rate
        fill = FakeFill(
            next(self._fill_ids),
            order.id,
            order.external_id,
            order.market,
            order.side,
            price,
            qty,
            fee,
            is_taker,
            now_ms,
        )
        order.filled_qty += qty
        order.filled_value += qty * price
        order.payed_fee += fee
        order.status = OrderStatus.FILLED if order.remaining_qty == 0 else OrderStatus.PARTIALLY_FILLED
        order.status_reason = None
        order.updated_ms = now_ms
        position = self.positions[order.market]
        self.balance += position.apply_fill(qty if order.side == BUY else -qty, price, fee, now_ms)
        self.balance_updated_ms = now_ms
        self.fills.append(fill)
        return fill

    @property
    def unrealised_pnl(self) -> Decimal:
        return sum((p.unrealised_pnl for p in self.positions.values()), ZERO)

    @property
    def equity(self) -> Decimal:
        return self.balance + self.unrealised_pnl

    @property
    def exposure(self) -> Decimal:
        return sum((p.value for p in self.positions.values()), ZERO)

    @property
    def initial_margin(self) -> Decimal:
        return sum((p.value / p.leverage for p in self.positions.values()), ZERO)

    def order_margin(self) -> Decimal:
        """Margin held by open orders: notional over the position's leverage (simplified)."""
        return sum(
            (o.remaining_qty * o.price / self.positions[o.market].leverage for o in self.open_orders()),
            ZERO,
        )

    @property
    def available_for_trade(self) -> Decimal:
        return self.equity - self.initial_margin - self.order_margin()
