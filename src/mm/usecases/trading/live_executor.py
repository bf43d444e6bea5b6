"""The live executor: runs one quote engine per market against the trading, market-data and account ports.

Start: fetch each market's trading rules, restore its saved state (resumed DEFENSIVE), recall the
incidents of the last hour from the record, reconcile with the venue's open orders and position
(orders whose plan we do not own are cancelled by the first tick) and arm the dead man's switch.
The account stream starts from where the recorded fills end, so fills made while the executor was
down are recorded too, each once. Run: market events, account events and a timer feed the engines from
asyncio tasks; their commands go out through `OrderSender` (orders), `StateSaver` (state) and
`JournalWriter` (event log), none of which blocks a tick. Stop (SIGTERM): cancel everything until
the venue lists nothing open, save the state, flush the log. Any unexpected error ends up in the
one `except Exception` of `run`: a mass cancel straight to the gateway (no tick: the engine may be
what failed), then PAUSE, cancel until the venue lists nothing open, exit non-zero.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from mm.domain.engine_commands import EngineCommand, PersistState, RecordDecision, ReportRefusal
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.journal_batch import JournaledFill
from mm.domain.order_journal import update_entry
from mm.domain.orders import (
    AccountEvent,
    AccountResynced,
    AccountStreamGap,
    FillEvent,
    OrderStatus,
    OrderUpdate,
    PositionUpdate,
    symbol_of,
)
from mm.domain.params import StrategyParams
from mm.domain.recorded_incidents import RecordedIncidents
from mm.domain.reflection_window import HOUR_MS
from mm.domain.side import Side
from mm.ports.account_stream import AccountStream
from mm.ports.clock import Clock
from mm.ports.errors import AuthFailed, ExchangeError, RetryableError, StoreError
from mm.ports.executor_record import ExecutorRecord
from mm.ports.market_data_feed import MarketDataFeed
from mm.ports.strategy_state_store import StrategyStateStore
from mm.ports.trading_gateway import TradingGateway
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from mm.usecases.trading.activity_log import ActivityLog
from mm.usecases.trading.cancel_until_flat import cancel_until_flat
from mm.usecases.trading.emergency_cancel import emergency_cancel_all
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.order_sender import OrderSender
from mm.usecases.trading.params_check import ParamsCheck
from mm.usecases.trading.quote_engine import QuoteEngine
from mm.usecases.trading.refusal_log import RefusalLog
from mm.usecases.trading.state_saver import StateSaver

_log = structlog.get_logger(__name__)
_NS_PER_S = 1e9


class StreamEnded(RuntimeError):
    """A market-data or account stream stopped yielding: it is supposed to run until closed."""


@dataclass(frozen=True, slots=True)
class ExecutorConfig:
    """The markets to trade (one engine each) and the executor's own timers."""

    markets: tuple[EngineConfig, ...]
    dead_man_switch_s: int = 30
    dead_man_refresh_s: float = 10.0
    timer_resolution_s: float = 0.01
    gauge_interval_s: float = 0.5
    shutdown_timeout_s: float = 10.0
    proposal_check_interval_s: float = 60.0
    status_log_interval_s: float = 60.0
    incident_lookback_ms: int = HOUR_MS
    """How far back a start recalls recorded incidents: the operations gate's window."""
    fill_replay_lookback_ms: int = 60_000
    """How far behind the newest recorded fill a start reads the venue's trade history (fills are
    not always recorded in venue-time order)."""

    def __post_init__(self) -> None:
        if not self.markets:
            raise ValueError("the executor needs at least one market")
        if not 0 < self.dead_man_refresh_s < self.dead_man_switch_s:
            raise ValueError("the dead man's switch must be refreshed well within its countdown")

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(market.symbol for market in self.markets)


class LiveExecutor:
    """Quotes the configured markets until `stop` is set; `run` returns the process exit code."""

    def __init__(
        self,
        *,
        config: ExecutorConfig,
        params: Mapping[str, StrategyParams],
        gateway: TradingGateway,
        feed: MarketDataFeed,
        account: AccountStream,
        state_store: StrategyStateStore,
        journal: JournalWriter,
        clock: Clock,
        metrics: ExecutorMetrics,
        stopwatch_ns: Callable[[], int],
        proposals: ProposalApplier | None = None,
        rollbacks: RollbackWatcher | None = None,
        record: ExecutorRecord | None = None,
    ) -> None:
        """`record` None: a start recalls no incident and replays no fill (a store without history)."""
        missing = [symbol for symbol in config.symbols if symbol not in params]
        if missing:
            raise ValueError(f"no strategy params for {', '.join(missing)}")
        self.config = config
        self._params = params
        self._gateway = gateway
        self._feed = feed
        self._account = account
        self._state_store = state_store
        self._journal = journal
        self._clock = clock
        self._metrics = metrics
        self._stopwatch_ns = stopwatch_ns
        self._record = record
        self._fill_mark: FillHistoryMark | None = None
        self._params_check = ParamsCheck(proposals=proposals, rollbacks=rollbacks, clock=clock)
        self.engines: dict[str, QuoteEngine] = {}
        exchange = config.markets[0].exchange
        self._activity = ActivityLog(round(config.status_log_interval_s * 1000))
        self._sender = OrderSender(
            gateway,
            clock=clock,
            journal=journal,
            metrics=metrics,
            exchange=exchange,
            on_commands=self._dispatch,
            activity=self._activity,
        )
        self._saver = StateSaver(state_store, metrics)
        self._refusals = RefusalLog(metrics)
        self._background: list[asyncio.Task[Any]] = []
        self.is_venue_flat: bool | None = None
        """After `run`: whether the venue listed no open order of ours when the executor stopped."""

    async def run(self, stop: asyncio.Event) -> int:
        try:
            await self._start()
            await self._trade_until(stop)
            await self._shut_down()
            return 0
        except Exception:  # the executor's one catch-all: cancel everything, PAUSE, report failure
            _log.exception("executor_failed")
            try:
                await self._stop_after_failure()
            except Exception:
                _log.exception("executor_failure_stop_failed")
                self.is_venue_flat = False
            return 1

    async def _start(self) -> None:
        self._background = [
            self._spawn("journal-writer", self._journal.run()),
            self._spawn("state-saver", self._saver.run()),
        ]
        if self._record is not None:
            self._fill_mark = await self._record.fill_history_mark(
                self.config.markets[0].exchange, self.config.symbols, self.config.fill_replay_lookback_ms
            )
        for market in self.config.markets:
            engine = await self._start_engine(market)
            self.engines[market.symbol] = engine
        await self._arm_dead_man_switch()
        _log.info(
            "executor_started", symbols=list(self.config.symbols), dead_man_switch_s=self.config.dead_man_switch_s
        )

    async def _start_engine(self, market: EngineConfig) -> QuoteEngine:
        """Build the engine, restore its saved state, and take the venue's orders and position as the truth."""
        instrument = await self._gateway.instrument(market.symbol)
        engine = QuoteEngine(market, instrument, self._params[market.symbol], self._clock.now_ms())
        saved = await self._state_store.load_latest(market.exchange, market.symbol)
        if saved is not None:
            try:
                engine.restore(saved, self._clock.now_ms())
            except (ValueError, KeyError) as error:
                # A state we cannot read owns nothing: every open order will be cancelled as foreign.
                _log.error("strategy_state_unreadable", symbol=market.symbol, version=saved.version, error=str(error))
            engine.on_state_saved(saved.version)
        incidents = await self._recall_incidents(engine)
        open_orders = await self._gateway.open_orders(market.symbol)
        position = await self._gateway.position(market.symbol)
        now_ms = self._clock.now_ms()
        self._dispatch(
            engine,
            engine.on_account_event(AccountResynced(market.symbol, tuple(open_orders), position, now_ms), now_ms),
        )
        foreign = [order.client_order_id for order in engine.orders if order.is_foreign]
        _log.info(
            "executor_reconciled",
            symbol=market.symbol,
            restored_version=saved.version if saved else None,
            mode=engine.mode,
            open_orders=len(open_orders),
            adopted=len(engine.orders) - len(foreign),
            to_cancel=len(foreign),
            position=str(position.size),
            recalled_pauses=len(incidents.pause_ts_ms),
            recalled_gaps=len(incidents.gap_ts_ms),
            recalled_errors=len(incidents.error_ts_ms),
        )
        return engine

    async def _recall_incidents(self, engine: QuoteEngine) -> RecordedIncidents:
        """The market's recorded incidents of the last hour, now counted by the engine's operations gate."""
        if self._record is None:
            return RecordedIncidents()
        market = engine.config
        since_ms = self._clock.now_ms() - self.config.incident_lookback_ms
        incidents = await self._record.incidents_since(market.exchange, market.symbol, since_ms)
        engine.recall_incidents(incidents)
        return incidents

    async def _trade_until(self, stop: asyncio.Event) -> None:
        loops = [
            self._spawn("market-data", self._market_loop()),
            self._spawn("account", self._account_loop()),
            self._spawn("timer", self._timer_loop()),
            self._spawn("dead-man-switch", self._dead_man_switch_loop()),
        ]
        if self._params_check.is_enabled:
            loops.append(self._spawn("params-check", self._params_loop(self._params_check)))
        stopping = self._spawn("stop", stop.wait())
        failing = self._spawn("sender-failure", self._sender.failed.wait())
        watched = [*loops, *self._background, stopping, failing]
        try:
            await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (*loops, stopping, failing):
                task.cancel()
            await asyncio.gather(*loops, stopping, failing, return_exceptions=True)
        for task in (*loops, *self._background):
            error = task.exception() if task.done() and not task.cancelled() else None
            if error is not None:
                raise error
        if self._sender.fatal_error is not None:
            raise self._sender.fatal_error
        _log.info("executor_stopping")

    def _dispatch(self, engine: QuoteEngine, commands: Sequence[EngineCommand]) -> None:
        for command in commands:
            if isinstance(command, RecordDecision):
                self._journal.record_decision(command.record)
                self._activity.decision(command.record)
            elif isinstance(command, PersistState):
                self._saver.submit(engine, command.snapshot)
            elif isinstance(command, ReportRefusal):
                self._refusals.report(command, self._clock.now_ms())
            else:
                self._sender.submit(engine, command)

    async def _market_loop(self) -> None:
        engines, clock, stopwatch = self.engines, self._clock, self._stopwatch_ns
        latency = self._metrics.tick_latency
        async for event in self._feed.events(self.config.symbols):
            self._journal.record_market(event)
            engine = engines.get(event.symbol)
            if engine is None:
                continue
            started_ns = stopwatch()
            commands = engine.on_market_event(event, clock.now_ms())
            if commands:
                latency.observe((stopwatch() - started_ns) / _NS_PER_S, symbol=event.symbol, input="market")
                self._dispatch(engine, commands)
        raise StreamEnded("the market data feed ended")

    async def _account_loop(self) -> None:
        async for event in self._account.events(self.config.symbols, recorded_until=self._fill_mark):
            now_ms = self._clock.now_ms()
            for engine in self._engines_for(event):
                self._journal_account(engine, event)
                self._dispatch(engine, engine.on_account_event(event, now_ms))
                if isinstance(event, FillEvent):
                    self._activity.fill(engine, event)
        raise StreamEnded("the account stream ended")

    def _engines_for(self, event: AccountEvent) -> list[QuoteEngine]:
        if isinstance(event, AccountStreamGap):
            return list(self.engines.values())
        symbol = symbol_of(event)
        engine = self.engines.get(symbol) if symbol is not None else None
        return [engine] if engine is not None else []

    def _journal_account(self, engine: QuoteEngine, event: AccountEvent) -> None:
        symbol = engine.config.symbol
        if isinstance(event, OrderUpdate):
            self._journal.record_order(update_entry(engine.config.exchange, event))
            order = event.order
            if order.status is OrderStatus.REJECTED:
                self._metrics.rejects.inc(symbol=symbol, reason=order.reason.value)
        elif isinstance(event, FillEvent):
            self._journal.record_fill(JournaledFill(event, engine.mode.value, engine.params.version))
            self._metrics.fills.inc(symbol=symbol, side=event.fill.side.value)
        elif isinstance(event, PositionUpdate):
            self._journal.record_position(event)
        elif isinstance(event, AccountResynced):
            self._journal.record_position(PositionUpdate(event.position, event.received_ts_ms))

    async def _timer_loop(self) -> None:
        clock, stopwatch, latency = self._clock, self._stopwatch_ns, self._metrics.tick_latency
        next_gauges_ms = 0
        while True:
            await clock.sleep(self.config.timer_resolution_s)
            now_ms = clock.now_ms()
            for symbol, engine in self.engines.items():
                due_ms = engine.next_timer_ms()
                if due_ms is None or now_ms >= due_ms:
                    started_ns = stopwatch()
                    commands = engine.on_timer(now_ms)
                    if commands:
                        latency.observe((stopwatch() - started_ns) / _NS_PER_S, symbol=symbol, input="timer")
                        self._dispatch(engine, commands)
            if now_ms >= next_gauges_ms:
                next_gauges_ms = now_ms + round(self.config.gauge_interval_s * 1000)
                self._update_gauges()
            if self._activity.status_due(now_ms):
                for engine in self.engines.values():
                    self._activity.status(engine)

    def _update_gauges(self) -> None:
        metrics = self._metrics
        for symbol, engine in self.engines.items():
            metrics.mode.set(engine.mode.priority, symbol=symbol)
            bid, ask = engine.desired_quotes()
            metrics.quote_price.set(float(bid.price) if bid else 0.0, symbol=symbol, side=Side.BUY.value)
            metrics.quote_price.set(float(ask.price) if ask else 0.0, symbol=symbol, side=Side.SELL.value)
            metrics.open_orders.set(len(engine.orders), symbol=symbol)
            metrics.inventory.set(engine.position, symbol=symbol)
            pnl = engine.run_pnl()
            if pnl is not None:
                metrics.pnl.set(pnl, symbol=symbol)
        metrics.journal_pending.set(self._journal.pending_rows)

    async def _dead_man_switch_loop(self) -> None:
        while True:
            await self._clock.sleep(self.config.dead_man_refresh_s)
            await self._arm_dead_man_switch()

    async def _arm_dead_man_switch(self, countdown_s: int | None = None) -> None:
        """Arm or refresh the venue's cancel-all countdown; a failed refresh is retried at the next one."""
        countdown = self.config.dead_man_switch_s if countdown_s is None else countdown_s
        try:
            await self._gateway.arm_dead_man_switch(countdown)
        except AuthFailed:
            raise
        except ExchangeError as error:
            self._metrics.dead_man_switch.inc(outcome="failed")
            _log.warning("dead_man_switch_failed", countdown_s=countdown, error=str(error))
            return
        self._metrics.dead_man_switch.inc(outcome="armed" if countdown else "disarmed")

    async def _params_loop(self, check: ParamsCheck) -> None:
        """Now and then, check each market's params: roll back a change whose conditions triggered, apply a proposal."""
        while True:
            await self._clock.sleep(self.config.proposal_check_interval_s)
            for engine in self.engines.values():
                await check.run(engine)

    async def _shut_down(self) -> None:
        """SIGTERM: let answers in flight land, cancel everything until flat, then save and flush."""
        await self._sender.drain(self.config.shutdown_timeout_s)
        is_flat = await cancel_until_flat(
            self._gateway, self.config.symbols, self._clock, timeout_s=self.config.shutdown_timeout_s
        )
        if is_flat:
            now_ms = self._clock.now_ms()
            for engine in self.engines.values():
                engine.on_venue_flat(now_ms)
            await self._arm_dead_man_switch(0)
        await self._close(is_flat)

    async def _stop_after_failure(self) -> None:
        """Mass cancel first, running none of the engine's code; then PAUSE and cancel until flat."""
        await emergency_cancel_all(self._gateway, self.config.symbols, timeout_s=self.config.shutdown_timeout_s)
        for engine in self.engines.values():
            engine.halt("executor_failed")
        await self._sender.drain(self.config.shutdown_timeout_s)
        is_flat = await cancel_until_flat(
            self._gateway, self.config.symbols, self._clock, timeout_s=self.config.shutdown_timeout_s
        )
        await self._close(is_flat)

    async def _close(self, is_flat: bool) -> None:
        now_ms = self._clock.now_ms()
        for engine in self.engines.values():
            try:
                await self._saver.save(engine, engine.state_snapshot(now_ms))
            except StoreError as error:  # unreachable, or owned by another executor: nothing left to do
                _log.error("strategy_state_final_save_failed", symbol=engine.config.symbol, error=str(error))
            except Exception:  # a broken engine must not keep the rest of the stop from running
                _log.exception("strategy_state_final_save_failed", symbol=engine.config.symbol)
        try:
            await self._journal.flush()
        except RetryableError as error:
            _log.error("journal_final_flush_failed", pending_rows=self._journal.pending_rows, error=str(error))
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        with contextlib.suppress(ExchangeError):
            await self._feed.aclose()
        with contextlib.suppress(ExchangeError):
            await self._account.aclose()
        self.is_venue_flat = is_flat
        _log.info("executor_stopped", is_flat=is_flat)

    @staticmethod
    def _spawn(name: str, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return asyncio.get_running_loop().create_task(coroutine, name=name)
