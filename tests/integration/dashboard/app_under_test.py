"""The dashboard's app built by hand over a real engine and a clock set by the test (no container)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.clock.simulated import SimulatedClock
from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.dashboard_reader import PostgresDashboardReader
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.apps.dashboard.read_model import DashboardReadModel
from mm.apps.dashboard.settings import DashboardSettings
from mm.apps.dashboard.web_app import create_app
from mm.ports.clock import Clock


def read_model(engine: AsyncEngine, exchange: str, log_dir: Path, symbols: tuple[str, ...] = ()) -> DashboardReadModel:
    return DashboardReadModel(
        exchange=exchange,
        symbols=symbols,
        window_ms=600_000,
        status=PostgresStatusReader(engine, exchange, fills_shown=20),
        series=PostgresDashboardReader(engine, exchange),
        buckets=PostgresBucketSummaryStore(engine),
        enrichment=PostgresFillEnrichmentStore(engine),
        proposals=PostgresParamProposalStore(engine),
        rollouts=PostgresParamRolloutStore(engine),
        backtests=PostgresBacktestRunStore(engine),
        reasoning=FileReasoningSink(log_dir),
    )


def settings(**values: Any) -> DashboardSettings:
    return DashboardSettings(_env_file=None, **values)  # type: ignore[call-arg]


def dashboard_app(
    engine: AsyncEngine,
    exchange: str,
    log_dir: Path,
    *,
    now_ms: int | None = None,
    clock: Clock | None = None,
    symbols: tuple[str, ...] = (),
    **setting_values: Any,
) -> FastAPI:
    chosen = clock if clock is not None else SimulatedClock(now_ms or 0)
    return create_app(read_model(engine, exchange, log_dir, symbols), chosen, settings(**setting_values))
