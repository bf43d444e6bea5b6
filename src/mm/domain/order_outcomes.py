"""How the answer to an order request changes our own orders. No I/O.

The venue's answer is one of a few kinds. Only a clear refusal proves a new order never rested;
a timeout proves nothing, so the orders it touched become UNKNOWN until the venue says more.
"""

from __future__ import annotations

from enum import StrEnum

from mm.domain.engine_commands import CancelAll, CancelOrder, OrderCommand, PlaceOrder, ReplaceOrder
from mm.domain.own_orders import OwnOrders


class RequestFailure(StrEnum):
    """Why an order request did not simply succeed, as far as our own orders are concerned."""

    POST_ONLY_WOULD_CROSS = "post_only_would_cross"
    """Benign: the book moved; the next tick quotes again."""
    REFUSED = "refused"
    """The venue (or our own request budget) turned the request down: nothing changed on the book."""
    NOT_FOUND = "not_found"
    """The order the request named is not open on the venue."""
    UNKNOWN = "unknown"
    """Timeout, network failure or 5xx: the request may or may not have taken effect."""

    @property
    def is_exchange_error(self) -> bool:
        """Whether it counts toward the error burst that pauses quoting and the proposal gate's errors.

        A post-only cross does not (the book moved), nor does a cancel or replace whose order was
        gone: it lost the race with a fill or a cancel, the engine forgets the order, and the next
        check of the venue's open orders catches an order that is in fact still there.
        """
        return self not in _RACES


_RACES = frozenset({RequestFailure.POST_ONLY_WOULD_CROSS, RequestFailure.NOT_FOUND})


def apply_success(orders: OwnOrders, command: OrderCommand, exchange_order_id: str = "") -> None:
    """The venue accepted `command`. Closures are left for the venue to confirm on the stream."""
    if isinstance(command, PlaceOrder | ReplaceOrder):
        orders.on_accepted(command.request.client_order_id, exchange_order_id)


def apply_failure(orders: OwnOrders, command: OrderCommand, failure: RequestFailure, now_ms: int) -> None:
    """The venue did not (clearly) accept `command`; update the orders it named accordingly."""
    if isinstance(command, PlaceOrder):
        _new_order_failed(orders, command.request.client_order_id, failure, now_ms)
    elif isinstance(command, ReplaceOrder):
        _new_order_failed(orders, command.request.client_order_id, failure, now_ms)
        previous = command.previous_client_order_id
        if failure is RequestFailure.NOT_FOUND:
            orders.remove(previous)  # filled or cancelled before the replace arrived
        elif failure is RequestFailure.UNKNOWN:
            orders.on_unknown(previous, now_ms)
        else:
            orders.on_still_working(previous)
    elif isinstance(command, CancelOrder):
        if failure is RequestFailure.NOT_FOUND:
            orders.remove(command.client_order_id)
        elif failure is not RequestFailure.UNKNOWN:
            orders.on_still_working(command.client_order_id)
    elif isinstance(command, CancelAll):
        return  # the PAUSE guard re-sends it; the orders stay pending cancel


def _new_order_failed(orders: OwnOrders, client_order_id: str, failure: RequestFailure, now_ms: int) -> None:
    if failure is RequestFailure.UNKNOWN:
        orders.on_unknown(client_order_id, now_ms)
    else:
        orders.remove(client_order_id)
