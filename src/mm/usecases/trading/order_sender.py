"""Sends the engine's order commands and account reads through the trading gateway and reports every answer back.

Each command runs as its own task, so the bid's replace does not wait for the ask's; the engine's
planner already keeps at most one request in flight per side. Every typed venue error becomes a
`RequestFailure` for the engine (`failure_of`, shared with the backtest): a post-only cross, a
refusal or a timeout never ends the loop. Only refused credentials are fatal. What follows an
answer (after a cancel-all, a read of what is still open) is the engine's to ask.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import structlog

from mm.domain.engine_commands import (
    CancelOrder,
    EngineCommand,
    OrderCommand,
    PlaceOrder,
    ReplaceOrder,
    ResyncAccount,
)
from mm.domain.order_journal import answer_entry, sent_entry
from mm.domain.order_outcomes import RequestFailure
from mm.domain.orders import AccountResynced
from mm.ports.clock import Clock
from mm.ports.errors import AuthFailed, ExchangeError, ExchangeUnavailable, InvalidRequest, RateLimited
from mm.ports.trading_gateway import TradingGateway
from mm.usecases.trading.activity_log import ActivityLog
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.quote_engine import QuoteEngine
from mm.usecases.trading.request_failures import failure_of

_log = structlog.get_logger(__name__)

CommandSink = Callable[[QuoteEngine, Sequence[EngineCommand]], None]


def command_kind(command: OrderCommand) -> str:
    if isinstance(command, PlaceOrder):
        return "place"
    if isinstance(command, ReplaceOrder):
        return "replace"
    if isinstance(command, CancelOrder):
        return "cancel"
    return "cancel_all"


class OrderSender:
    """Runs order commands against the gateway; a fatal error is kept for the executor to raise."""

    def __init__(
        self,
        gateway: TradingGateway,
        *,
        clock: Clock,
        journal: JournalWriter,
        metrics: ExecutorMetrics,
        exchange: str,
        on_commands: CommandSink,
        activity: ActivityLog | None = None,
    ) -> None:
        self._gateway = gateway
        self._activity = activity or ActivityLog()
        self._clock = clock
        self._journal = journal
        self._metrics = metrics
        self._exchange = exchange
        self._on_commands = on_commands
        self._tasks: set[asyncio.Task[None]] = set()
        self.fatal_error: BaseException | None = None
        self.failed = asyncio.Event()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def submit(self, engine: QuoteEngine, command: OrderCommand | ResyncAccount) -> None:
        """Start sending `command` now, without waiting for the answer."""
        if isinstance(command, ResyncAccount):
            sending = self._resync(engine, command.symbol)
        else:
            self._journal.record_order(sent_entry(self._exchange, command, self._clock.now_ms()))
            self._metrics.orders_sent.inc(symbol=engine.config.symbol, kind=command_kind(command))
            sending = self._send(engine, command)
        task = asyncio.get_running_loop().create_task(sending)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and self.fatal_error is None:
            self.fatal_error = error
            self.failed.set()

    async def drain(self, timeout_s: float) -> None:
        """Wait for the requests in flight (at most `timeout_s`), so their answers reach the engine."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)

    async def _send(self, engine: QuoteEngine, command: OrderCommand) -> None:
        try:
            exchange_order_id = await self._call(command)
        except AuthFailed:
            raise
        except ExchangeError as error:
            self._on_failure(engine, command, error)
            return
        now_ms = self._clock.now_ms()
        follow_ups = engine.on_command_succeeded(command, exchange_order_id)
        self._journal.record_order(answer_entry(self._exchange, command, now_ms, exchange_order_id=exchange_order_id))
        if follow_ups:
            self._on_commands(engine, follow_ups)

    async def _call(self, command: OrderCommand) -> str:
        gateway = self._gateway
        if isinstance(command, PlaceOrder):
            return (await gateway.place_order(command.request)).exchange_order_id
        if isinstance(command, ReplaceOrder):
            placed = await gateway.replace_order(command.previous_client_order_id, command.request)
            return placed.exchange_order_id
        if isinstance(command, CancelOrder):
            await gateway.cancel_order(command.symbol, command.client_order_id)
        else:
            await gateway.cancel_all(command.symbol)
        return ""

    def _on_failure(self, engine: QuoteEngine, command: OrderCommand, error: ExchangeError) -> None:
        failure = failure_of(error)
        now_ms = self._clock.now_ms()
        engine.on_command_failed(command, failure, now_ms)
        symbol = engine.config.symbol
        self._metrics.order_failures.inc(symbol=symbol, kind=command_kind(command), failure=failure.value)
        self._journal.record_order(answer_entry(self._exchange, command, now_ms, failure=type(error).__name__))
        if isinstance(error, InvalidRequest):
            _log.error("order_request_invalid", symbol=symbol, command=command_kind(command), error=str(error))
        elif failure is RequestFailure.NOT_FOUND and isinstance(command, ReplaceOrder | CancelOrder):
            # The order filled or was cancelled while the request was on its way: the engine already handles it.
            self._activity.expected_race(symbol, command_kind(command))
        elif failure is not RequestFailure.POST_ONLY_WOULD_CROSS:
            _log.warning(
                "order_request_failed", symbol=symbol, command=command_kind(command), failure=failure, error=str(error)
            )

    async def _resync(self, engine: QuoteEngine, symbol: str) -> None:
        """Read the venue's open orders and position for the engine; an unreadable answer is simply no evidence."""
        requested_ts_ms = self._clock.now_ms()
        try:
            open_orders = await self._gateway.open_orders(symbol)
            position = await self._gateway.position(symbol)
        except (ExchangeUnavailable, RateLimited) as error:
            _log.warning("open_orders_check_failed", symbol=symbol, error=str(error))
            return
        snapshot = AccountResynced(symbol, tuple(open_orders), position, self._clock.now_ms(), requested_ts_ms)
        self._on_commands(engine, engine.on_account_event(snapshot, snapshot.received_ts_ms))
