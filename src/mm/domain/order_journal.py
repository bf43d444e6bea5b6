"""The order log (`ex_order`): every request we sent, the venue's answer, and every order update. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from mm.domain.engine_commands import CancelOrder, OrderCommand, PlaceOrder, ReplaceOrder
from mm.domain.orders import OrderRequest, OrderUpdate


class OrderEvent(StrEnum):
    PLACE_SENT = "place_sent"
    REPLACE_SENT = "replace_sent"
    CANCEL_SENT = "cancel_sent"
    CANCEL_ALL_SENT = "cancel_all_sent"
    ACCEPTED = "accepted"
    FAILED = "failed"
    UPDATE = "update"


@dataclass(frozen=True, slots=True)
class OrderJournalEntry:
    """One `ex_order` row. `reason` carries the venue's reject reason or our failure category."""

    exchange: str
    symbol: str
    ts_ms: int
    event: OrderEvent
    client_order_id: str | None = None
    exchange_order_id: str | None = None
    side: str | None = None
    price: Decimal | None = None
    size: Decimal | None = None
    filled_size: Decimal | None = None
    status: str | None = None
    reason: str | None = None
    raw: str = ""


def sent_entry(exchange: str, command: OrderCommand, ts_ms: int) -> OrderJournalEntry:
    """The row recording that `command` went out."""
    if isinstance(command, PlaceOrder):
        return _request_entry(exchange, command.request, ts_ms, OrderEvent.PLACE_SENT, None)
    if isinstance(command, ReplaceOrder):
        replaces = f"replaces {command.previous_client_order_id}"
        return _request_entry(exchange, command.request, ts_ms, OrderEvent.REPLACE_SENT, replaces)
    if isinstance(command, CancelOrder):
        return OrderJournalEntry(
            exchange, command.symbol, ts_ms, OrderEvent.CANCEL_SENT, client_order_id=command.client_order_id
        )
    return OrderJournalEntry(exchange, command.symbol, ts_ms, OrderEvent.CANCEL_ALL_SENT)


def _request_entry(
    exchange: str, request: OrderRequest, ts_ms: int, event: OrderEvent, reason: str | None
) -> OrderJournalEntry:
    return OrderJournalEntry(
        exchange=exchange,
        symbol=request.symbol,
        ts_ms=ts_ms,
        event=event,
        client_order_id=request.client_order_id,
        side=request.side.value,
        price=request.price,
        size=request.size,
        reason=reason,
    )


def answer_entry(
    exchange: str, command: OrderCommand, ts_ms: int, *, exchange_order_id: str = "", failure: str | None = None
) -> OrderJournalEntry:
    """The row recording the venue's answer to `command`: accepted, or failed with a category."""
    client_order_id: str | None = None
    if isinstance(command, PlaceOrder | ReplaceOrder):
        client_order_id, symbol = command.request.client_order_id, command.request.symbol
    elif isinstance(command, CancelOrder):
        client_order_id, symbol = command.client_order_id, command.symbol
    else:
        symbol = command.symbol
    return OrderJournalEntry(
        exchange=exchange,
        symbol=symbol,
        ts_ms=ts_ms,
        event=OrderEvent.FAILED if failure is not None else OrderEvent.ACCEPTED,
        client_order_id=client_order_id,
        exchange_order_id=exchange_order_id or None,
        reason=failure,
    )


def update_entry(exchange: str, update: OrderUpdate) -> OrderJournalEntry:
    """The row recording the venue's report of one order's state."""
    order = update.order
    return OrderJournalEntry(
        exchange=exchange,
        symbol=order.symbol,
        ts_ms=order.updated_ts_ms or update.received_ts_ms,
        event=OrderEvent.UPDATE,
        client_order_id=order.client_order_id,
        exchange_order_id=order.exchange_order_id,
        side=order.side.value,
        price=order.price,
        size=order.size,
        filled_size=order.filled_size,
        status=order.status.value,
        reason=order.reason.value,
        raw=update.raw,
    )
