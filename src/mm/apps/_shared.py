"""The parts every app container shares: logging, the database, metrics and the wall clock.

Nest it in an app container with `providers.Container(SharedContainer, settings=settings)`; an app
whose time is not the wall clock (the backtest's is simulated) passes its own `clock=` as well.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import structlog
from dependency_injector import containers, providers
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.observability.logging import configure_logging, secret_values
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.engine import create_engine_for
from mm.apps.database import open_database
from mm.apps.settings import CommonSettings


def init_logging(settings: CommonSettings) -> Iterator[None]:
    configure_logging(settings.log_level, secrets=secret_values(settings))
    structlog.get_logger().info("settings_loaded", settings=settings.model_dump())
    yield


def init_database_url(settings: CommonSettings, logging_ready: None) -> Iterator[str]:
    """The database for the app's lifetime; `logging_ready` orders it after logging, so its failure is logged."""
    with open_database(settings) as url:
        yield url


async def init_engine(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine_for(url)
    try:
        yield engine
    finally:
        await engine.dispose()


def init_metrics_server(metrics: PrometheusMetrics, port: int | None) -> Iterator[None]:
    if port is not None:
        metrics.serve(port)
        structlog.get_logger().info("metrics_served", port=port)
    yield


def _system_clock() -> object:
    from mm.adapters.clock import SystemClock

    return SystemClock()


class SharedContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=CommonSettings)

    # --- resources
    logging = providers.Resource(init_logging, settings=settings)
    database_url = providers.Resource(init_database_url, settings=settings, logging_ready=logging)
    engine = providers.Resource(init_engine, url=database_url)
    metrics = providers.Singleton(PrometheusMetrics)
    metrics_server = providers.Resource(init_metrics_server, metrics=metrics, port=settings.provided.metrics_port)

    # --- time: the wall clock unless the app declares its own
    clock: providers.Dependency[object] = providers.Dependency(default=providers.Singleton(_system_clock))
