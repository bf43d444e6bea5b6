"""Dependency-injection container of `mm backtest`: the executor's container with the exchange and clock swapped.

Everything the executor configures for its engine (strategy params, request budgets, client order
ids, the shared database, logging and metrics) comes from the executor's own providers; only the
exchange (a fresh simulated exchange per run, fed by the replay) and the clock (simulated: the
replay owns time) differ. The Extended sessions are not opened: a backtest talks to no venue.
"""

from __future__ import annotations

import dataclasses
import time

from dependency_injector import containers, providers

from mm.adapters.clock import SimulatedClock
from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.apps.backtest.settings import BacktestSettings
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.apps.executor.container import Container as ExecutorContainer
from mm.usecases.backtest.backtest import Backtester
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.live_executor import ExecutorConfig


def engine_template(config: ExecutorConfig) -> EngineConfig:
    """The executor's engine settings (budgets, timers, ids); the backtest names its own market."""
    return dataclasses.replace(config.markets[0], client_order_id_prefix="bt")


@containers.copy(ExecutorContainer)
class Container(ExecutorContainer):
    """`settings` is a `BacktestSettings` (an `ExecutorSettings`); build it with `backtest_container`."""

    # --- swapped: the exchange (simulated, one per run); the Extended sessions are never opened
    rest_session = providers.Object(None)  # type: ignore[assignment,var-annotated]  # overrides on purpose
    paper_gateway = providers.Object(None)  # type: ignore[assignment,var-annotated]
    gateway = providers.Object(simulated_venue)  # type: ignore[assignment]

    # --- recorded data and the run store
    database_market_data = providers.Singleton(PostgresRecordedMarketData, engine=ExecutorContainer.shared.engine)
    file_market_data = providers.Factory(CsvRecordedMarketData)
    runs = providers.Singleton(PostgresBacktestRunStore, engine=ExecutorContainer.shared.engine)

    # --- use case: the executor's engine settings, the swapped exchange
    engine_config = providers.Singleton(engine_template, ExecutorContainer.executor_config)
    backtester = providers.Factory(
        Backtester,
        runs=runs,
        venue_factory=gateway,
        engine_config=engine_config,
        stopwatch_ns=providers.Object(time.perf_counter_ns),
    )


def backtest_container(settings: BacktestSettings) -> Container:
    """The container with the clock swapped too: simulated, since the replay owns time."""
    container = Container(settings=settings)
    container.shared.clock.override(providers.Singleton(SimulatedClock))
    return container
