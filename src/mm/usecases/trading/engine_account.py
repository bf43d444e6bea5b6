"""What one quote engine knows of its own account: its orders, its position, the PAUSE cancel-all guard, the venue's errors.

Fed by the venue's account events and by its answers to the engine's order commands; the engine
reads the same objects on every tick. Synchronous, no I/O. An account stream gap marks the market
state stale until a full REST re-sync arrives, since orders and fills may have been missed.
"""

from __future__ import annotations

from mm.domain.engine_commands import OrderCommand
from mm.domain.instrument import Instrument
from mm.domain.inventory import Inventory
from mm.domain.market_state import MarketState
from mm.domain.operations_record import OperationsRecord
from mm.domain.order_outcomes import RequestFailure, apply_failure, apply_success
from mm.domain.orders import (
    AccountEvent,
    AccountResynced,
    AccountStreamGap,
    FillEvent,
    OrderUpdate,
    PositionUpdate,
    RejectReason,
)
from mm.domain.own_orders import OwnOrders
from mm.domain.pause_guard import CancelAllGuard
from mm.domain.windows import RollingWindow
from mm.usecases.trading.engine_config import EngineConfig

ACCOUNT_STREAM = "account"
"""The stream name a gap in our account events goes by in the market state."""


class EngineAccount:
    """One market's own orders, inventory, cancel-all guard and error window, kept up to date from the venue."""

    def __init__(
        self,
        config: EngineConfig,
        instrument: Instrument,
        error_window_ms: int,
        market: MarketState,
        operations: OperationsRecord,
    ) -> None:
        self.symbol = config.symbol
        self.orders = OwnOrders(config.symbol, instrument.tick_size, instrument.step_size)
        self.inventory = Inventory()
        self.guard = CancelAllGuard(config.cancel_all_resend_ms)
        self.errors = RollingWindow(error_window_ms)
        self._absent_grace_ms = config.absent_grace_ms
        self._market = market
        self._operations = operations
        self._gap_ts_ms: int | None = None

    def on_event(self, event: AccountEvent, now_ms: int) -> bool:
        """Take in what the venue says about our account; True for a stream gap, which must be ticked at once."""
        symbol = self.symbol
        if isinstance(event, OrderUpdate):
            self._on_order_update(event, now_ms)
        elif isinstance(event, FillEvent):
            if event.fill.symbol == symbol:
                self.inventory.on_fill(event.fill)
        elif isinstance(event, PositionUpdate):
            if event.position.symbol == symbol:
                self.inventory.on_position(event.position)
        elif isinstance(event, AccountResynced):
            if event.symbol == symbol:
                self._on_resync(event)
        elif isinstance(event, AccountStreamGap):
            self._gap_ts_ms = event.detected_ts_ms
            self._market.on_gap(ACCOUNT_STREAM)
            self._operations.on_gap(now_ms)
            return True
        self.guard.confirm_if_flat(not self.orders.is_empty)
        return False

    def _on_order_update(self, event: OrderUpdate, now_ms: int) -> None:
        order = event.order
        if order.symbol != self.symbol:
            return
        orders = self.orders
        was_known = order.client_order_id in orders
        orders.on_order_update(order)
        if order.status.is_open:
            return
        if was_known:
            self.guard.on_order_closed()
        if order.reason not in (RejectReason.NONE, RejectReason.REPLACED, RejectReason.POST_ONLY_WOULD_CROSS):
            self.count_error(now_ms)

    def _on_resync(self, event: AccountResynced) -> None:
        open_orders = [o for o in event.open_orders if o.symbol == self.symbol and o.status.is_open]
        self.orders.on_sync(open_orders, event.received_ts_ms, self._absent_grace_ms)
        self.inventory.on_position(event.position)
        self.guard.on_snapshot(len(open_orders), event.received_ts_ms, event.requested_ts_ms)
        gap_ts_ms = self._gap_ts_ms
        if gap_ts_ms is not None and event.received_ts_ms >= gap_ts_ms:
            # A full REST snapshot after the outage: orders and position are known again.
            self._gap_ts_ms = None
            self._market.on_recovered(ACCOUNT_STREAM)

    def on_venue_flat(self, now_ms: int) -> None:
        """The venue listed no open order of ours while no request was in flight: forget every order."""
        self.orders.on_sync((), now_ms, absent_grace_ms=0)

    def on_succeeded(self, command: OrderCommand, exchange_order_id: str) -> None:
        apply_success(self.orders, command, exchange_order_id)

    def on_failed(self, command: OrderCommand, failure: RequestFailure, now_ms: int) -> None:
        """The venue refused, could not find, or did not answer `command`."""
        apply_failure(self.orders, command, failure, now_ms)
        if failure.is_exchange_error:
            self.count_error(now_ms)
        self.guard.confirm_if_flat(not self.orders.is_empty)

    def count_error(self, now_ms: int) -> None:
        """One more exchange error toward the burst that pauses quoting."""
        self.errors.add(now_ms)
        self._operations.on_error(now_ms)
