"""A quote engine on a BTC-like market, warmed up and driven by hand, for the engine's unit tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mm.domain.engine_commands import (
    CancelAll,
    CancelOrder,
    EngineCommand,
    OrderCommand,
    PersistState,
    PlaceOrder,
    RecordDecision,
    ReplaceOrder,
)
from mm.domain.instrument import Instrument
from mm.domain.orders import (
    AccountResynced,
    OpenOrder,
    OrderStatus,
    OrderUpdate,
    Position,
    RejectReason,
)
from mm.domain.params import StrategyParams
from mm.domain.side import Side
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.quote_engine import QuoteEngine

SYMBOL = "BTC-USD"
START_MS = 1_700_000_000_000
BTC = Instrument(SYMBOL, tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.001"))
PARAMS = StrategyParams(requires_mark_index=False, calm_period_ms=1_000, order_size=0.002)
CONFIG = EngineConfig(exchange="extended", symbol=SYMBOL, client_order_id_prefix="t")
WARM_UP_MS = 10_500


def order_commands(commands: Iterable[EngineCommand]) -> list[OrderCommand]:
    return [c for c in commands if isinstance(c, PlaceOrder | ReplaceOrder | CancelOrder | CancelAll)]


def decisions(commands: Iterable[EngineCommand]) -> list[RecordDecision]:
    return [c for c in commands if isinstance(c, RecordDecision)]


def saves(commands: Iterable[EngineCommand]) -> list[PersistState]:
    return [c for c in commands if isinstance(c, PersistState)]


@dataclass
class Driver:
    """Feeds an engine a steady book and answers its order commands the way a venue would."""

    engine: QuoteEngine
    now_ms: int = START_MS
    bid_px: float = 60_000.0
    ask_px: float = 60_001.0

    def book(self, bid_px: float | None = None, ask_px: float | None = None, step_ms: int = 100) -> list[EngineCommand]:
        """Advance time by `step_ms` (running due timers) and feed a best bid/offer."""
        self.bid_px = self.bid_px if bid_px is None else bid_px
        self.ask_px = self.ask_px if ask_px is None else ask_px
        commands = self.advance(step_ms)
        commands += self.engine.on_bbo_values(self.now_ms, self.bid_px, 1.0, self.ask_px, 1.0)
        return commands

    def advance(self, step_ms: int) -> list[EngineCommand]:
        """Let `step_ms` pass, calling the engine's timer whenever it is due."""
        target_ms = self.now_ms + step_ms
        commands: list[EngineCommand] = []
        while (due_ms := self.engine.next_timer_ms()) is not None and due_ms <= target_ms:
            self.now_ms = max(self.now_ms, due_ms)
            commands += self.engine.on_timer(self.now_ms)
        self.now_ms = target_ms
        return commands

    def warm_up(self, duration_ms: int = WARM_UP_MS) -> list[EngineCommand]:
        commands: list[EngineCommand] = []
        for _ in range(duration_ms // 100):
            commands += self.book()
        return commands

    def accept(self, commands: Iterable[EngineCommand]) -> None:
        """The venue takes every placement and reports it open; cancels and replaced orders close."""
        for command in order_commands(commands):
            self.engine.on_command_succeeded(command, f"x-{id(command)}")
            if isinstance(command, PlaceOrder | ReplaceOrder):
                self.report(command.request.client_order_id, OrderStatus.NEW, command)
            if isinstance(command, ReplaceOrder):
                self.report(command.previous_client_order_id, OrderStatus.CANCELLED, reason=RejectReason.REPLACED)
            if isinstance(command, CancelOrder):
                self.report(command.client_order_id, OrderStatus.CANCELLED)

    def report(
        self,
        client_order_id: str,
        status: OrderStatus,
        command: PlaceOrder | ReplaceOrder | None = None,
        reason: RejectReason = RejectReason.NONE,
    ) -> list[EngineCommand]:
        """The venue's order update for one of the engine's orders."""
        known = self.engine.orders.get(client_order_id)
        side = command.request.side if command else (known.side if known else Side.BUY)
        price = command.request.price if command else (known.price if known else Decimal(1))
        update = OpenOrder(
            client_order_id=client_order_id,
            exchange_order_id=f"x-{client_order_id}",
            symbol=SYMBOL,
            side=side,
            price=price,
            size=Decimal("0.002"),
            filled_size=Decimal(0),
            status=status,
            created_ts_ms=self.now_ms,
            updated_ts_ms=self.now_ms,
            reason=reason,
        )
        return list(self.engine.on_account_event(OrderUpdate(update, self.now_ms), self.now_ms))

    def resync(self, open_orders: Sequence[OpenOrder] = (), position: str = "0") -> list[EngineCommand]:
        snapshot = AccountResynced(
            SYMBOL, tuple(open_orders), Position(SYMBOL, Decimal(position), None, self.now_ms), self.now_ms
        )
        return list(self.engine.on_account_event(snapshot, self.now_ms))


def an_engine(params: StrategyParams = PARAMS, config: EngineConfig | None = None, **changes: Any) -> QuoteEngine:
    if changes:
        params = StrategyParams.from_mapping({**params.to_mapping(), **changes})
    return QuoteEngine(config or CONFIG, BTC, params, START_MS)


def a_driver(**changes: Any) -> Driver:
    return Driver(an_engine(**changes))


def quoting_driver(**changes: Any) -> Driver:
    """A warmed-up engine whose two quotes rest on the venue."""
    driver = a_driver(**changes)
    driver.accept(driver.warm_up())
    return driver


def open_order(
    client_order_id: str, side: Side = Side.BUY, price: str = "59990.0", created_ts_ms: int = START_MS
) -> OpenOrder:
    return OpenOrder(
        client_order_id=client_order_id,
        exchange_order_id=f"x-{client_order_id}",
        symbol=SYMBOL,
        side=side,
        price=Decimal(price),
        size=Decimal("0.002"),
        filled_size=Decimal(0),
        status=OrderStatus.NEW,
        created_ts_ms=created_ts_ms,
        updated_ts_ms=created_ts_ms,
    )
