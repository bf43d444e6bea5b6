"""The executor against the fake Extended server: real SDK, real sockets, real Postgres.

`LiveMarket` keeps the fake's book fresh (a new top every 50 ms, as a live venue's stream does);
`InProcessExecutor` runs the executor with the real adapters in the test's event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedCredentials,
    ExtendedEndpoints,
    ExtendedMarketDataFeed,
    ExtendedRestSession,
    ExtendedTradingGateway,
    RestSettings,
    StreamSettings,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.strategy_state_store import PostgresStrategyStateStore
from mm.adapters.postgres.trading_journal import PostgresTradingJournal
from mm.domain.params import StrategyParams
from mm.testing.fake_extended import FakeExtendedServer, FakeOrder
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.live_executor import ExecutorConfig, LiveExecutor
from mm.usecases.trading.quote_engine import QuoteEngine

SYMBOL = "BTC-USD"
FAST_STREAMS = StreamSettings(reconnect_initial_s=0.01, reconnect_max_s=0.1, reconnect_jitter_s=0.01)
QUOTING_PARAMS = StrategyParams(
    order_size=0.001,
    max_position=0.01,
    hard_max_position=0.02,
    vol_multiplier=0.0,  # quotes that depend on the book and inventory only: easy to predict
    inventory_skew_bps=20.0,
    stale_after_ms=1_500,
    calm_period_ms=2_000,
)


class LiveMarket:
    """Pushes the fake's top of book every 50 ms (sizes alternate so every push is a new frame)."""

    def __init__(self, server: FakeExtendedServer, bid: int = 100_000, ask: int = 100_001) -> None:
        self.server = server
        self.bid, self.ask = bid, ask
        self.is_paused = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        flip = False
        while True:
            if not self.is_paused:
                flip = not flip
                size = "1.5" if flip else "1.4"
                self.server.market.apply_book([(self.bid, size)], [(self.ask, "2")])
            await asyncio.sleep(0.05)

    def move_to(self, bid: int, ask: int) -> None:
        self.bid, self.ask = bid, ask

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


def endpoints_of(server: FakeExtendedServer) -> ExtendedEndpoints:
    return ExtendedEndpoints(api_url=server.rest_url, stream_url=server.stream_url, request_timeout_s=2.0)


def credentials_of(server: FakeExtendedServer) -> ExtendedCredentials:
    fake = server.credentials
    return ExtendedCredentials(
        api_key=SecretStr(fake.api_key),
        stark_private_key=SecretStr(fake.private_key_hex),
        stark_public_key=SecretStr(fake.public_key_hex),
        vault_id=SecretStr(str(fake.vault)),
    )


class InProcessExecutor:
    """`LiveExecutor` on the Extended adapters pointed at `server`, Postgres behind `engine`."""

    def __init__(
        self, server: FakeExtendedServer, engine: AsyncEngine, params: StrategyParams = QUOTING_PARAMS
    ) -> None:
        self.exchange = f"it-{uuid.uuid4().hex[:8]}"  # this run's rows, apart from every other test's
        self.clock = SystemClock()
        self.metrics = PrometheusMetrics()
        self.session = ExtendedRestSession(
            endpoints_of(server), credentials_of(server), self.clock, self.metrics, RestSettings(retry_initial_s=0.01)
        )
        executor_metrics = ExecutorMetrics(self.metrics)
        self.executor = LiveExecutor(
            config=ExecutorConfig(
                markets=(EngineConfig(self.exchange, SYMBOL, client_order_id_prefix=uuid.uuid4().hex[:6]),),
                dead_man_switch_s=30,
                dead_man_refresh_s=10.0,
            ),
            params={SYMBOL: params},
            gateway=ExtendedTradingGateway(self.session),
            feed=ExtendedMarketDataFeed(endpoints_of(server), self.clock, self.metrics, settings=FAST_STREAMS),
            account=ExtendedAccountStream(
                self.session, AccountStreamSettings(resync_interval_s=1.0, stream=FAST_STREAMS)
            ),
            state_store=PostgresStrategyStateStore(engine),
            journal=JournalWriter(PostgresTradingJournal(engine, self.exchange, "it"), self.clock, executor_metrics),
            clock=self.clock,
            metrics=executor_metrics,
            stopwatch_ns=time.perf_counter_ns,
        )
        self.stop = asyncio.Event()
        self.task: asyncio.Task[int] | None = None

    @property
    def engine(self) -> QuoteEngine:
        return self.executor.engines[SYMBOL]

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.executor.run(self.stop))

    async def close(self) -> int | None:
        if self.task is None:
            return None
        self.stop.set()
        try:
            return await asyncio.wait_for(self.task, 20)
        finally:
            with contextlib.suppress(Exception):
                await self.session.aclose()


async def eventually(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Wait until `condition()` holds, polling every 5 ms; fail naming `what`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.005)


def resting(server: FakeExtendedServer) -> dict[str, list[FakeOrder]]:
    """The fake's open orders of ours, by side."""
    sides: dict[str, list[FakeOrder]] = {"BUY": [], "SELL": []}
    for order in server.resting_orders(SYMBOL):
        sides[order.side].append(order)
    return sides


def quotes_on_both_sides(server: FakeExtendedServer) -> bool:
    sides = resting(server)
    return len(sides["BUY"]) == 1 and len(sides["SELL"]) == 1


def resting_prices(server: FakeExtendedServer) -> tuple[Decimal, Decimal]:
    sides = resting(server)
    return sides["BUY"][0].price, sides["SELL"][0].price
