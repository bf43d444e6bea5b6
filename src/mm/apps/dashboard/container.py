"""Dependency-injection container of `mm dashboard`: the database, the stores it reads, its read model."""

from __future__ import annotations

from dependency_injector import containers, providers

from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.dashboard_reader import PostgresDashboardReader
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.apps._shared import SharedContainer
from mm.apps.dashboard.read_model import DashboardReadModel
from mm.apps.dashboard.settings import DashboardSettings

FILLS_SHOWN = 20


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=DashboardSettings)

    # --- resources: logging, database, engine, clock
    shared = providers.Container(SharedContainer, settings=settings)

    # --- adapters: the stores the other apps write, read here only
    exchange = settings.provided.exchange
    status = providers.Singleton(PostgresStatusReader, engine=shared.engine, exchange=exchange, fills_shown=FILLS_SHOWN)
    series = providers.Singleton(PostgresDashboardReader, engine=shared.engine, exchange=exchange)
    buckets = providers.Singleton(PostgresBucketSummaryStore, engine=shared.engine)
    enrichment = providers.Singleton(PostgresFillEnrichmentStore, engine=shared.engine)
    proposals = providers.Singleton(PostgresParamProposalStore, engine=shared.engine)
    rollouts = providers.Singleton(PostgresParamRolloutStore, engine=shared.engine)
    backtests = providers.Singleton(PostgresBacktestRunStore, engine=shared.engine)
    reasoning = providers.Singleton(FileReasoningSink, log_dir=settings.provided.resolved_log_dir)

    # --- the read model
    read_model = providers.Singleton(
        DashboardReadModel,
        exchange=exchange,
        symbols=settings.provided.symbols,
        window_ms=providers.Callable(lambda seconds: seconds * 1000, settings.provided.dashboard_window_s),
        status=status,
        series=series,
        buckets=buckets,
        enrichment=enrichment,
        proposals=proposals,
        rollouts=rollouts,
        backtests=backtests,
        reasoning=reasoning,
    )
