"""`mm backtest`'s container: the executor's engine settings, a simulated clock and venue, no database unless asked."""

from __future__ import annotations

from mm.adapters.clock import SimulatedClock
from mm.adapters.memory.backtest_run_store import InMemoryBacktestRunStore
from mm.apps.backtest.container import Container
from mm.apps.backtest.settings import NotebookBacktestSettings
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.usecases.backtest.backtest import Backtester


def _container(**settings: object) -> Container:
    return Container(settings=NotebookBacktestSettings(**settings))


def test_the_engine_runs_with_the_executors_request_budgets() -> None:
    container = _container(MAX_ORDER_REQUESTS_PER_S=3, MAX_ORDER_REQUESTS_PER_MIN=90)
    config = container.engine_config()

    assert (config.max_requests_per_second, config.max_requests_per_minute) == (3, 90)


def test_the_engines_client_order_ids_start_with_bt() -> None:
    assert _container().engine_config().client_order_id_prefix == "bt"


def test_the_default_timer_resolution_is_the_live_executors() -> None:
    assert _container().timer_resolution_ms() == 10


def test_the_clock_is_simulated_and_the_shared_services_see_it() -> None:
    container = _container()

    assert isinstance(container.clock(), SimulatedClock)
    assert container.shared.clock() is container.clock()


def test_the_venue_is_a_simulated_exchange_per_run() -> None:
    assert _container().venue_factory() is simulated_venue


def test_a_backtester_with_an_unkept_run_store_opens_no_database() -> None:
    container = _container()
    market_data = container.file_market_data(prefix=shipped_prefix(), exchange=SHIPPED_EXCHANGE, symbol=SHIPPED_SYMBOL)
    backtester = container.backtester(market_data=market_data, runs=container.unkept_runs())

    assert isinstance(backtester, Backtester)
    assert isinstance(container.unkept_runs(), InMemoryBacktestRunStore)
    assert not container.shared.database_url.initialized
