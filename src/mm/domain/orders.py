"""Orders, fills, positions and account events as the engine sees them. Pure values, no I/O.

Prices and sizes are exact `Decimal`s: these values cross the exchange and database boundaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from mm.domain.side import Side
from mm.domain.value import value


class OrderStatus(StrEnum):
    NEW = "new"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"
    EXPIRED = "expired"

    @property
    def is_open(self) -> bool:
        return self in _OPEN_STATUSES


_OPEN_STATUSES = frozenset((OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED))


class RejectReason(StrEnum):
    """Why the venue refused or ended an order; NONE for an ordinary cancel or fill."""

    NONE = "none"
    POST_ONLY_WOULD_CROSS = "post_only_would_cross"
    INSUFFICIENT_MARGIN = "insufficient_margin"
    INVALID = "invalid"
    REPLACED = "replaced"
    SELF_TRADE = "self_trade"
    OTHER = "other"


@value(frozen=True)
class OrderRequest:
    """A post-only limit order we want on the book. Price and size must be instrument-aligned."""

    client_order_id: str
    symbol: str
    side: Side
    price: Decimal
    size: Decimal
    post_only: bool = True

    def __post_init__(self) -> None:
        if not self.client_order_id:
            raise ValueError("client_order_id must not be empty")
        if self.price <= 0:
            raise ValueError(f"price must be positive, got {self.price}")
        if self.size <= 0:
            raise ValueError(f"size must be positive, got {self.size}")


@value(frozen=True)
class PlacedOrder:
    """The venue accepted the request for processing; matching results come on the account stream."""

    client_order_id: str
    exchange_order_id: str


@value(frozen=True)
class OpenOrder:
    """An order as the exchange reports it."""

    client_order_id: str
    exchange_order_id: str
    symbol: str
    side: Side
    price: Decimal
    size: Decimal
    filled_size: Decimal
    status: OrderStatus
    created_ts_ms: int
    updated_ts_ms: int
    reason: RejectReason = RejectReason.NONE

    @property
    def remaining_size(self) -> Decimal:
        return self.size - self.filled_size


@value(frozen=True)
class Fill:
    """One execution of one of our orders. `fee` is positive when paid, negative for a rebate."""

    fill_id: str
    exchange_order_id: str
    client_order_id: str
    symbol: str
    side: Side
    price: Decimal
    size: Decimal
    fee: Decimal
    is_taker: bool
    ts_ms: int


@value(frozen=True)
class Position:
    """Signed inventory in base units (long positive) and its average entry price."""

    symbol: str
    size: Decimal
    entry_price: Decimal | None
    ts_ms: int
    unrealised_pnl: Decimal | None = None
    realised_pnl: Decimal | None = None

    @staticmethod
    def flat(symbol: str, ts_ms: int) -> Position:
        return Position(symbol=symbol, size=Decimal(0), entry_price=None, ts_ms=ts_ms)


@dataclass(frozen=True, slots=True)
class Balance:
    equity: Decimal
    available_for_trade: Decimal
    ts_ms: int


@value(frozen=True)
class OrderUpdate:
    """An order's new state from the account stream or a REST re-sync."""

    order: OpenOrder
    received_ts_ms: int
    raw: str = ""


@value(frozen=True)
class FillEvent:
    fill: Fill
    received_ts_ms: int
    raw: str = ""


@value(frozen=True)
class PositionUpdate:
    position: Position
    received_ts_ms: int
    raw: str = ""


@dataclass(frozen=True, slots=True)
class BalanceUpdate:
    balance: Balance
    received_ts_ms: int
    raw: str = ""


@dataclass(frozen=True, slots=True)
class AccountResynced:
    """A REST re-sync finished: `open_orders` is the exchange's full view of our open orders.

    `requested_ts_ms` is when the read was sent, when known: a read sent after a cancel-all shows
    its effect even if it comes back within the same millisecond.
    """

    symbol: str
    open_orders: tuple[OpenOrder, ...]
    position: Position
    received_ts_ms: int
    requested_ts_ms: int | None = None


@dataclass(frozen=True, slots=True)
class AccountStreamGap:
    """The private stream dropped; order and fill events may be missing until the next re-sync."""

    detected_ts_ms: int
    detail: str = ""


AccountEvent = OrderUpdate | FillEvent | PositionUpdate | BalanceUpdate | AccountResynced | AccountStreamGap


def symbol_of(event: AccountEvent) -> str | None:
    """The market `event` belongs to; None for account-wide events (balance, a stream gap)."""
    if isinstance(event, OrderUpdate):
        return event.order.symbol
    if isinstance(event, FillEvent):
        return event.fill.symbol
    if isinstance(event, PositionUpdate):
        return event.position.symbol
    if isinstance(event, AccountResynced):
        return event.symbol
    return None
