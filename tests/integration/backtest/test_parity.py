"""Parity: the live executor on the fake Extended server and the backtest want the same quotes, at the same times.

Same recorded rows (Hyperliquid ETH, its first 75 s: history prints, warm-up, DEFENSIVE, NORMAL),
zero latency, the same engine settings and params. The live side is the real `LiveExecutor` with
the real Extended adapters and SDK over loopback sockets, the fake server replaying the rows in
lockstep on a simulated clock (see `lockstep.py`); the backtest replays them through its own loop.
Both decision logs (what `ex_decision` stores) must show the same sequence of desired quotes and
modes with the same timestamps. The quotes are wide enough that nothing fills on either side,
so the comparison is of the engine's inputs and timing, not of two fill rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import SecretStr

from mm.adapters.clock import SimulatedClock
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
from mm.adapters.extended.market_data_feed import PublicStream
from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from mm.adapters.memory.strategy_state_store import InMemoryStrategyStateStore
from mm.adapters.memory.trading_journal import InMemoryTradingJournal
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.domain.decision_record import DecisionRecord
from mm.domain.params import StrategyParams
from mm.testing.fake_extended import FakeExtendedServer, MarketSpec, StreamKind
from mm.testing.fake_extended.replay import recorded_events
from mm.usecases.backtest.backtest import BacktestSpec, prepare_tape, replay_tape
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.live_executor import ExecutorConfig, LiveExecutor
from tests.integration.backtest.lockstep import replay_in_lockstep, run_clock_to, settle

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "hyperliquid_eth_20251210"
SPAN_MS = 75_000
SYMBOL = "ETH-USD"
ETH = MarketSpec(name=SYMBOL, tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.01"))
PARAMS = StrategyParams(
    base_half_spread_bps=40.0,  # ~13 USD from the mid: nothing fills in these 75 s
    order_size=0.01,
    max_position=0.1,
    hard_max_position=0.2,
    requires_mark_index=False,  # the recording has no mark or index price
)
ENGINE = EngineConfig("extended", SYMBOL, client_order_id_prefix="parity")
QUIET_STREAMS = StreamSettings(heartbeat_timeout_s=600.0, ping_interval_s=None, reconnect_initial_s=0.01)

QuoteStep = tuple[int, str, Decimal | None, Decimal | None, Decimal | None, Decimal | None]


def quote_steps(decisions: Sequence[DecisionRecord]) -> list[QuoteStep]:
    """Each change of the desired quotes or the mode, with its time: the decision log without repeats."""
    steps: list[QuoteStep] = []
    for record in decisions:
        step = (record.ts_ms, record.mode, record.bid_px, record.bid_sz, record.ask_px, record.ask_sz)
        if not steps or steps[-1][1:] != step[1:]:
            steps.append(step)
    return steps


@dataclass
class LiveRun:
    executor: LiveExecutor
    journal: JournalWriter
    journal_store: InMemoryTradingJournal
    session: ExtendedRestSession


def live_executor(server: FakeExtendedServer, clock: SimulatedClock) -> LiveRun:
    endpoints = ExtendedEndpoints(api_url=server.rest_url, stream_url=server.stream_url, request_timeout_s=5.0)
    fake = server.credentials
    credentials = ExtendedCredentials(
        api_key=SecretStr(fake.api_key),
        stark_private_key=SecretStr(fake.private_key_hex),
        stark_public_key=SecretStr(fake.public_key_hex),
        vault_id=SecretStr(str(fake.vault)),
    )
    metrics = PrometheusMetrics()
    executor_metrics = ExecutorMetrics(metrics)
    session = ExtendedRestSession(endpoints, credentials, clock, metrics, RestSettings(retry_initial_s=0.01))
    journal_store = InMemoryTradingJournal()
    journal = JournalWriter(journal_store, clock, executor_metrics)
    executor = LiveExecutor(
        config=ExecutorConfig(markets=(ENGINE,), dead_man_switch_s=30, dead_man_refresh_s=10.0),
        params={SYMBOL: PARAMS},
        gateway=ExtendedTradingGateway(session),
        feed=ExtendedMarketDataFeed(
            endpoints, clock, metrics, settings=QUIET_STREAMS, streams=(PublicStream.BBO, PublicStream.TRADES)
        ),
        account=ExtendedAccountStream(session, AccountStreamSettings(resync_interval_s=5.0, stream=QUIET_STREAMS)),
        state_store=InMemoryStrategyStateStore(),
        journal=journal,
        clock=clock,
        metrics=executor_metrics,
        stopwatch_ns=time.perf_counter_ns,
    )
    return LiveRun(executor, journal, journal_store, session)


@contextlib.asynccontextmanager
async def running(run: LiveRun, clock: SimulatedClock) -> AsyncIterator[asyncio.Task[int]]:
    stop = asyncio.Event()
    task = asyncio.get_running_loop().create_task(run.executor.run(stop))
    try:
        yield task
    finally:
        stop.set()
        while not task.done():  # shutting down waits on the clock (cancel-all retries): keep it moving
            await run_clock_to(clock, clock.now_ms() + 100)
            await asyncio.sleep(0.001)
        await run.session.aclose()


async def until(condition: object, what: str, timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.002)


async def live_quote_steps(start_ms: int, end_ms: int) -> tuple[list[QuoteStep], int]:
    clock = SimulatedClock(start_ms)
    async with FakeExtendedServer.start(
        markets=(ETH,), clock=clock, price_derivation=None, ping_interval_s=None, ping_timeout_s=None
    ) as server:
        run = live_executor(server, clock)
        async with running(run, clock) as task:
            await until(lambda: SYMBOL in run.executor.engines, "the executor to start")
            await server.streams.wait_for_subscribers(1, StreamKind.BBO, timeout_s=10)
            await server.streams.wait_for_subscribers(1, StreamKind.TRADES, timeout_s=10)
            await server.streams.wait_for_subscribers(1, StreamKind.ACCOUNT, timeout_s=10)
            await settle()
            events = [event for event in recorded_events(DATA) if start_ms <= event.ts_ms < end_ms]
            await replay_in_lockstep(server, clock, run.executor.engines[SYMBOL], events)
            assert not task.done(), "the executor stopped during the replay"
            await run.journal.flush()
            fills = len(server.account.fills)
            return quote_steps(run.journal_store.decisions), fills


def backtest_quote_steps(start_ms: int, end_ms: int) -> tuple[list[QuoteStep], int]:
    spec = BacktestSpec(
        exchange="extended",
        symbol=SYMBOL,
        params=PARAMS,
        tick_size=ETH.tick_size,
        step_size=ETH.step_size,
        min_order_size=ETH.min_order_size,
        timer_resolution_ms=10,  # the live executor's timer task polls every 10 ms
        records_decisions=True,
    )
    tape = prepare_tape(CsvRecordedMarketData(DATA, "extended", SYMBOL).load(start_ms, end_ms), spec)
    result = replay_tape(tape, spec, simulated_venue, stopwatch_ns=time.perf_counter_ns, engine_config=ENGINE)
    assert result.record.start_ms == start_ms
    return quote_steps(result.decisions), len(result.fills)


async def test_live_executor_and_backtest_want_the_same_quotes_at_the_same_times() -> None:
    start_ms = next(iter(recorded_events(DATA))).ts_ms
    end_ms = start_ms + SPAN_MS
    backtest, backtest_fills = backtest_quote_steps(start_ms, end_ms)
    live, live_fills = await live_quote_steps(start_ms, end_ms)
    assert (live_fills, backtest_fills) == (0, 0)
    assert len(backtest) > 100  # quotes follow the book all along, through DEFENSIVE into NORMAL
    assert {step[1] for step in backtest} >= {"DEFENSIVE", "NORMAL"}
    assert live == backtest
