"""Dependency-injection container of `mm summarize`: Postgres adapters and the `Summarizer` use case."""

from __future__ import annotations

from dependency_injector import containers, providers

from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.summary.funding_settlements import PostgresFundingSettlements
from mm.adapters.postgres.summary.market_mid_source import PostgresMarketMidSource
from mm.adapters.postgres.trading_history import PostgresTradingHistory
from mm.apps._shared import SharedContainer
from mm.apps.summarizer.settings import SummarizerSettings
from mm.domain.fill_enrichment import MarkoutSpec
from mm.usecases.summary.summarize import Summarizer, SummarizerConfig


def summarizer_config(settings: SummarizerSettings) -> SummarizerConfig:
    return SummarizerConfig(
        exchange=settings.exchange,
        symbols=tuple(settings.symbols),
        markouts=MarkoutSpec(max_staleness_ms=settings.markout_max_staleness_ms),
        batch_size=settings.summarizer_batch_size,
        max_decision_hold_ms=round(settings.decision_max_hold_s * 1000),
    )


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=SummarizerSettings)

    # --- resources: logging, database, engine, metrics, clock
    shared = providers.Container(SharedContainer, settings=settings)

    # --- adapters
    fills = providers.Singleton(PostgresFillEnrichmentStore, engine=shared.engine)
    mids = providers.Singleton(PostgresMarketMidSource, engine=shared.engine)
    history = providers.Singleton(PostgresTradingHistory, engine=shared.engine)
    funding = providers.Singleton(PostgresFundingSettlements, engine=shared.engine)
    summaries = providers.Singleton(PostgresBucketSummaryStore, engine=shared.engine)

    # --- use cases
    config = providers.Singleton(summarizer_config, settings=settings)
    summarizer = providers.Factory(
        Summarizer,
        fills=fills,
        mids=mids,
        history=history,
        funding=funding,
        summaries=summaries,
        clock=shared.clock,
        metrics=shared.metrics,
        config=config,
    )
