"""Dependency-injection container of `mm backtest` and of the notebook API `mm.backtest`.

The engine runs as `mm trade` configures it: the executor's `QuoteEngineContainer` (request
budgets, timers, client order ids from the same settings) and the apps' `SharedContainer` (logging,
database, metrics). The backtest declares its own venue (a fresh simulated exchange per run) and
its own clock (simulated: the replay owns time); it opens no Extended session.
"""

from __future__ import annotations

import dataclasses

from dependency_injector import containers, providers

from mm.adapters.clock import SimulatedClock
from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from mm.adapters.memory.backtest_sweep_store import InMemoryBacktestSweepStore
from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.backtest_sweep_store import PostgresBacktestSweepStore
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.apps._quote_engine import QuoteEngineContainer
from mm.apps._shared import SharedContainer
from mm.apps.backtest.settings import BacktestSettings
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.usecases.backtest.backtest import Backtester
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.live_executor import ExecutorConfig


def engine_template(config: ExecutorConfig) -> EngineConfig:
    """The executor's engine settings (budgets, timers, ids); the backtest names its own market."""
    return dataclasses.replace(config.markets[0], client_order_id_prefix="bt")


def timer_resolution_ms_of(config: ExecutorConfig) -> int:
    """How often the live executor polls its engines' timers: a backtest's default resolution."""
    return round(config.timer_resolution_s * 1000)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=BacktestSettings)

    # --- time and the venue: simulated; the replay owns time, each run gets a fresh exchange
    clock = providers.Singleton(SimulatedClock)
    venue_factory = providers.Object(simulated_venue)

    # --- resources: logging, database, metrics; the quote engine's configuration, as `mm trade`'s
    shared = providers.Container(SharedContainer, settings=settings, clock=clock)
    quote_engine = providers.Container(QuoteEngineContainer, settings=settings)

    # --- recorded data and the run stores (the in-memory one: a notebook's run that is not kept)
    database_market_data = providers.Singleton(PostgresRecordedMarketData, engine=shared.engine)
    file_market_data = providers.Factory(CsvRecordedMarketData)
    runs = providers.Singleton(PostgresBacktestRunStore, engine=shared.engine)
    unkept_runs = providers.Singleton(InMemoryBacktestRunStore)
    sweeps = providers.Singleton(PostgresBacktestSweepStore, engine=shared.engine)
    unkept_sweeps = providers.Singleton(InMemoryBacktestSweepStore, runs=unkept_runs)

    # --- use case: the executor's engine settings, the simulated venue
    engine_config = providers.Singleton(engine_template, quote_engine.executor_config)
    timer_resolution_ms = providers.Singleton(timer_resolution_ms_of, quote_engine.executor_config)
    backtester = providers.Factory(
        Backtester,
        runs=runs,
        venue_factory=venue_factory,
        engine_config=engine_config,
        stopwatch_ns=quote_engine.stopwatch_ns,
    )
