"""What the account stream has told us, and how a REST snapshot corrects it. Pure, no I/O.

The private stream can drop messages while it reconnects; the periodic REST re-sync compares the
venue's open orders and position with this view and yields the difference as ordinary events.
Exchange timestamps decide which side is newer, so a re-sync never rolls back what the stream
already reported after the snapshot was taken. Fills the stream missed come back from a REST read
of our trades; `fills` makes sure each one is emitted once, whichever way it arrives first.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mm.adapters.extended.seen_fills import SeenFills
from mm.domain.orders import (
    AccountEvent,
    FillEvent,
    OpenOrder,
    OrderUpdate,
    Position,
    PositionUpdate,
)

_REMEMBERED_ORDERS = 10_000  # closed orders kept in mind, to recognise stale snapshots of them


def _trim_oldest(entries: dict[str, Any]) -> None:
    if len(entries) > _REMEMBERED_ORDERS:
        entries.pop(next(iter(entries)))


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Events that correct our view, and open orders the snapshot lacks whose fate is unknown."""

    corrections: list[AccountEvent]
    vanished: list[OpenOrder]


class KnownAccount:
    """Open orders (by client order id), positions (by symbol) and emitted fills, as last reported."""

    def __init__(self, fills: SeenFills | None = None) -> None:
        self.open_orders: dict[str, OpenOrder] = {}
        self.positions: dict[str, Position] = {}
        self.fills = fills if fills is not None else SeenFills()
        self._closed_ts_ms: dict[str, int] = {}
        self._client_ids: dict[str, str] = {}

    def apply(self, event: AccountEvent) -> AccountEvent | None:
        """Take in an event about to be emitted; None for a fill emitted before.

        A fill without client order id gets it from its order, when that order is known.
        """
        if isinstance(event, OrderUpdate):
            self._apply_order(event.order)
        elif isinstance(event, PositionUpdate):
            self.positions[event.position.symbol] = event.position
        elif isinstance(event, FillEvent):
            return self._apply_fill(event)
        return event

    def _apply_fill(self, event: FillEvent) -> FillEvent | None:
        fill = event.fill
        if not self.fills.admit(fill.fill_id, fill.ts_ms):
            return None
        if fill.client_order_id:
            self._client_ids[fill.exchange_order_id] = fill.client_order_id
            _trim_oldest(self._client_ids)
            return event
        client_order_id = self._client_ids.get(fill.exchange_order_id)
        if not client_order_id:
            return event
        return dataclasses.replace(event, fill=dataclasses.replace(fill, client_order_id=client_order_id))

    def missed_fills(self, scanned: Iterable[FillEvent]) -> list[FillEvent]:
        """Take in the fills of a REST scan; return those never emitted and not settled, oldest first."""
        fresh = {
            event.fill.fill_id: event
            for event in scanned
            if event.fill.fill_id not in self.fills and not self.fills.is_settled(event.fill.ts_ms)
        }
        missed = []
        for event in sorted(fresh.values(), key=_time_order):
            applied = self._apply_fill(event)
            if applied is not None:
                missed.append(applied)
        return missed

    def _apply_order(self, order: OpenOrder) -> None:
        self._client_ids[order.exchange_order_id] = order.client_order_id
        _trim_oldest(self._client_ids)
        if order.status.is_open:
            self.open_orders[order.client_order_id] = order
            self._closed_ts_ms.pop(order.client_order_id, None)
            return
        self.open_orders.pop(order.client_order_id, None)
        self._closed_ts_ms[order.client_order_id] = order.updated_ts_ms
        _trim_oldest(self._closed_ts_ms)

    def forget(self, client_order_id: str) -> None:
        """Drop an open order the venue no longer knows: its fate cannot be learnt any more."""
        self.open_orders.pop(client_order_id, None)

    def reconcile(
        self, symbol: str, snapshot_orders: Iterable[OpenOrder], snapshot_position: Position, received_ts_ms: int
    ) -> Reconciliation:
        """Compare a REST snapshot of `symbol` with our view; nothing is applied yet.

        With no view yet (the first re-sync), the whole snapshot is news.
        """
        corrections: list[AccountEvent] = []
        seen: set[str] = set()
        for order in snapshot_orders:
            seen.add(order.client_order_id)
            if self._is_news(order):
                corrections.append(OrderUpdate(order, received_ts_ms))
        vanished = [
            order for order in self.open_orders.values() if order.symbol == symbol and order.client_order_id not in seen
        ]
        known_position = self.positions.get(symbol)
        if _position_differs(known_position, snapshot_position):
            corrections.append(PositionUpdate(snapshot_position, received_ts_ms))
        return Reconciliation(corrections, vanished)

    def is_news(self, order: OpenOrder) -> bool:
        """Whether a looked-up order tells more than we know (for orders the snapshot lacked)."""
        return self._is_news(order)

    def _is_news(self, order: OpenOrder) -> bool:
        closed_ts_ms = self._closed_ts_ms.get(order.client_order_id)
        if closed_ts_ms is not None and closed_ts_ms >= order.updated_ts_ms:
            return False  # the stream already closed it after this snapshot was taken
        known = self.open_orders.get(order.client_order_id)
        if known is None:
            return closed_ts_ms is None or order.updated_ts_ms > closed_ts_ms
        return known != order and order.updated_ts_ms >= known.updated_ts_ms


def _time_order(event: FillEvent) -> tuple[int, int, str]:
    """Venue time, then the venue's numeric fill id (ids grow with time) for fills of one millisecond."""
    fill_id = event.fill.fill_id
    return event.fill.ts_ms, int(fill_id) if fill_id.isdigit() else 0, fill_id


def _position_differs(known: Position | None, snapshot: Position) -> bool:
    if known is None:
        return True
    if snapshot.ts_ms < known.ts_ms:
        return False  # the stream is ahead of the snapshot
    return known.size != snapshot.size or known.entry_price != snapshot.entry_price
