"""The live executor on in-memory adapters and simulated time: simulated exchange, scripted feed, memory stores.

Every book the test sets goes to the simulated exchange (which fills our orders against it) and
to the executor's feed, as paper trading does. Time moves only when the test says so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from mm.adapters.clock import SimulatedClock
from mm.adapters.memory.scripted_market_data_feed import ScriptedMarketDataFeed
from mm.adapters.memory.strategy_state_store import InMemoryStrategyStateStore
from mm.adapters.memory.trading_journal import InMemoryTradingJournal
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.sim import SimulatedAccountStream, SimulatedExchange, SimulatedExchangeGateway
from mm.domain.market_events import BestBidOffer, FeedGap, FeedIssueKind
from mm.domain.orders import OpenOrder
from mm.domain.params import StrategyParams
from mm.ports.executor_record import ExecutorRecord
from mm.ports.strategy_state_store import StrategyStateStore
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.live_executor import ExecutorConfig, LiveExecutor

from .engine_examples import BTC, START_MS, SYMBOL

HARNESS_PARAMS = StrategyParams(requires_mark_index=False, order_size=0.002, calm_period_ms=1_000)


@dataclass
class Venue:
    """The simulated exchange, outliving any one executor (a restart meets the same orders)."""

    clock: SimulatedClock = field(default_factory=lambda: SimulatedClock(START_MS))
    order_latency_ms: int = 0
    exchange: SimulatedExchange = field(init=False)
    gateway: SimulatedExchangeGateway = field(init=False)
    store: InMemoryStrategyStateStore = field(default_factory=InMemoryStrategyStateStore)
    bid_px: float = 60_000.0
    ask_px: float = 60_001.0

    def __post_init__(self) -> None:
        self.exchange = SimulatedExchange(BTC, order_latency_ms=self.order_latency_ms, start_ts_ms=START_MS)
        self.gateway = SimulatedExchangeGateway(self.exchange, self.clock)

    def open_orders(self) -> list[OpenOrder]:
        return self.exchange.open_orders()


class RunningExecutor:
    """One executor run on `venue`; `move(ms)` lets market time pass with a fresh book every 100 ms.

    Each run gets its own client-order-id prefix, as the app's run id gives it.
    """

    runs = 0

    def __init__(
        self,
        venue: Venue,
        *,
        params: StrategyParams = HARNESS_PARAMS,
        store: StrategyStateStore | None = None,
        dead_man_switch_s: int = 30,
        proposals: ProposalApplier | None = None,
        rollbacks: RollbackWatcher | None = None,
        record: ExecutorRecord | None = None,
    ) -> None:
        self.venue = venue
        self.clock = venue.clock
        RunningExecutor.runs += 1
        self.feed = ScriptedMarketDataFeed()
        self.journal_store = InMemoryTradingJournal()
        self.metrics = PrometheusMetrics()
        executor_metrics = ExecutorMetrics(self.metrics)
        config = ExecutorConfig(
            markets=(
                EngineConfig(exchange="extended", symbol=SYMBOL, client_order_id_prefix=f"u{RunningExecutor.runs}"),
            ),
            dead_man_switch_s=dead_man_switch_s,
            dead_man_refresh_s=dead_man_switch_s / 3,
            shutdown_timeout_s=2.0,
            proposal_check_interval_s=1.0,
        )
        self.executor = LiveExecutor(
            config=config,
            params={SYMBOL: params},
            gateway=venue.gateway,
            feed=self.feed,
            account=SimulatedAccountStream(venue.exchange),
            state_store=store or venue.store,
            journal=JournalWriter(self.journal_store, venue.clock, executor_metrics),
            clock=venue.clock,
            metrics=executor_metrics,
            stopwatch_ns=time.perf_counter_ns,
            proposals=proposals,
            rollbacks=rollbacks,
            record=record,
        )
        self.stop = asyncio.Event()
        self.task: asyncio.Task[int] | None = None
        self._seq = 0

    async def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.executor.run(self.stop))
        await self.settle()

    async def settle(self) -> None:
        """Let every task run until it waits on time or on input."""
        for _ in range(20):
            await asyncio.sleep(0)

    def book(self, bid_px: float | None = None, ask_px: float | None = None) -> None:
        venue = self.venue
        venue.bid_px = venue.bid_px if bid_px is None else bid_px
        venue.ask_px = venue.ask_px if ask_px is None else ask_px
        now_ms = self.clock.now_ms()
        venue.gateway.on_bbo(now_ms, venue.bid_px, 1.0, venue.ask_px, 1.0)
        self._seq += 1
        self.feed.push(
            BestBidOffer(
                "extended",
                SYMBOL,
                now_ms,
                now_ms,
                self._seq,
                Decimal(str(venue.bid_px)),
                Decimal(1),
                Decimal(str(venue.ask_px)),
                Decimal(1),
            )
        )

    def gap(self) -> None:
        now_ms = self.clock.now_ms()
        self.feed.push(FeedGap("extended", SYMBOL, "bbo", FeedIssueKind.SEQUENCE_GAP, now_ms, now_ms))

    async def move(self, duration_ms: int, *, with_book: bool = True) -> None:
        """Let `duration_ms` of time pass, with a fresh book every 100 ms unless told otherwise."""
        end_ms = self.clock.now_ms() + duration_ms
        while self.clock.now_ms() < end_ms:
            if with_book:
                self.book()
            await self.settle()
            await self.clock.run_until(min(end_ms, self.clock.now_ms() + 100))
        await self.settle()

    async def stopped(self) -> int:
        """Ask the executor to stop (SIGTERM) and return its exit code."""
        self.stop.set()
        return await self.finished()

    async def finished(self) -> int:
        assert self.task is not None
        for _ in range(200):
            if self.task.done():
                return self.task.result()
            await self.settle()
            next_ms = self.clock.next_deadline_ms()
            await self.clock.run_until(next_ms if next_ms is not None else self.clock.now_ms() + 10)
        raise AssertionError("the executor did not finish")

    async def crash(self) -> None:
        """End the process abruptly, as kill -9 does: nothing is cancelled, nothing flushed."""
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


async def quoting(venue: Venue, **options: object) -> RunningExecutor:
    """An executor started on `venue` and run past its volatility warm-up."""
    running = RunningExecutor(venue, **options)  # type: ignore[arg-type]
    await running.start()
    await running.move(11_000)
    return running


def by_side(orders: list[OpenOrder]) -> Mapping[str, int]:
    counts: dict[str, int] = {}
    for order in orders:
        counts[order.side.value] = counts.get(order.side.value, 0) + 1
    return counts
