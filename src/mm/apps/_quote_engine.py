"""The quote engine's configuration as `mm trade` sets it, nested by `mm trade` and `mm backtest` alike.

A backtest runs the live engine: the same request budgets, timers and client order ids, from the
same settings. Each app nests this sub-container and declares its own exchange and clock.
"""

from __future__ import annotations

import time
import uuid

from dependency_injector import containers, providers

from mm.apps.executor.settings import ExecutorSettings
from mm.usecases.trading.engine_config import EngineConfig
from mm.usecases.trading.live_executor import ExecutorConfig


def new_run_id() -> str:
    """Six hex digits naming this run: part of every client order id and of the market-data source."""
    return uuid.uuid4().hex[:6]


def exchange_name(settings: ExecutorSettings) -> str:
    """Paper trading writes under its own exchange name, so its fills never mix with real ones."""
    return f"{settings.exchange}-paper" if settings.paper_trading else settings.exchange


def executor_config_of(settings: ExecutorSettings, run_id: str) -> ExecutorConfig:
    """One engine per market, with the settings' budgets and a run-unique client order id prefix."""
    markets = tuple(
        EngineConfig(
            exchange=exchange_name(settings),
            symbol=symbol,
            client_order_id_prefix=f"{settings.client_order_id_prefix}{run_id}",
            state_save_interval_ms=round(settings.state_save_interval_s * 1000),
            max_requests_per_second=settings.max_order_requests_per_s,
            max_requests_per_minute=max(settings.max_order_requests_per_min, settings.max_order_requests_per_s),
        )
        for symbol in settings.symbols
    )
    return ExecutorConfig(
        markets=markets,
        dead_man_switch_s=settings.dead_man_switch_s,
        dead_man_refresh_s=settings.dead_man_switch_s / 3,
        proposal_check_interval_s=settings.proposal_check_interval_s or 60.0,
        status_log_interval_s=settings.status_log_interval_s,
    )


class QuoteEngineContainer(containers.DeclarativeContainer):
    """Nest it with `providers.Container(QuoteEngineContainer, settings=settings)`."""

    settings = providers.Dependency(instance_of=ExecutorSettings)

    run_id = providers.Singleton(new_run_id)
    executor_config = providers.Singleton(executor_config_of, settings, run_id)
    stopwatch_ns = providers.Object(time.perf_counter_ns)
