"""Dependency-injection container of `mm trade`: Extended (or, with --paper, simulated) exchange, Postgres, the executor.

Live and paper differ only in the gateway, the account stream and the feed (teed into the
simulated exchange); everything else, the engine included, is the same object graph. The engine's
configuration is the `QuoteEngineContainer` that `mm backtest` nests too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from dependency_injector import containers, providers

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedEndpoints,
    ExtendedMarketDataFeed,
    ExtendedNetwork,
    ExtendedRestSession,
    ExtendedTradingGateway,
)
from mm.adapters.extended.market_listing import ExtendedMarketListing
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.executor_record import PostgresExecutorRecord
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.strategy_state_store import PostgresStrategyStateStore
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.trading_journal import PostgresTradingJournal
from mm.adapters.sim import SimulatedAccountStream, SimulatedExchangeGateway
from mm.apps._quote_engine import QuoteEngineContainer, exchange_name
from mm.apps._shared import SharedContainer
from mm.apps.backtest.shadow import ContainerShadowBacktest
from mm.apps.executor.paper import PaperMarketDataFeed, fetch_instrument, paper_exchange
from mm.apps.executor.settings import ExecutorSettings
from mm.ports.clock import Clock
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter
from mm.usecases.trading.live_executor import LiveExecutor


def trading_mode(settings: ExecutorSettings) -> str:
    return "paper" if settings.paper_trading else "live"


def endpoints_of(settings: ExecutorSettings) -> ExtendedEndpoints:
    return ExtendedEndpoints(
        network=ExtendedNetwork(settings.extended_env.value),
        api_url=settings.extended_api_url,
        stream_url=settings.extended_stream_url,
        request_timeout_s=settings.extended_request_timeout_s,
    )


def proposal_applier(
    settings: ExecutorSettings,
    proposals: PostgresParamProposalStore,
    rollouts: PostgresParamRolloutStore,
    clock: Clock,
    database_url: str,
) -> ProposalApplier | None:
    """Applies the reflector's proposals (after the rollout gate and the shadow backtest), unless switched off
    or paper trading. The reasoning is verified from the database: no access to the reflector's disk."""
    if settings.proposal_check_interval_s == 0 or settings.paper_trading:
        return None
    lookback_s = settings.shadow_backtest_lookback_s
    return ProposalApplier(
        proposals=proposals,
        rollouts=rollouts,
        clock=clock,
        shadow=ContainerShadowBacktest(database_url) if lookback_s else None,
        shadow_lookback_ms=max(lookback_s, 1) * 1000,
        reject_worse=settings.shadow_backtest_reject_worse,
    )


def rollback_watcher(
    settings: ExecutorSettings,
    *,
    proposals: PostgresParamProposalStore,
    rollouts: PostgresParamRolloutStore,
    summaries: PostgresBucketSummaryStore,
    fills: PostgresFillEnrichmentStore,
    clock: Clock,
    metrics: PrometheusMetrics,
) -> RollbackWatcher | None:
    """Enforces an applied proposal's rollback conditions; on whenever proposals are applied."""
    if settings.proposal_check_interval_s == 0 or settings.paper_trading:
        return None
    return RollbackWatcher(
        proposals=proposals,
        rollouts=rollouts,
        summaries=summaries,
        fills=fills,
        clock=clock,
        metrics=metrics,
        summary_max_lag_ms=round(settings.rollback_summary_max_lag_s * 1000),
        blind_alert_interval_ms=round(settings.rollback_blind_alert_interval_s * 1000),
    )


async def init_rest_session(
    settings: ExecutorSettings, endpoints: ExtendedEndpoints, clock: Clock, metrics: PrometheusMetrics
) -> AsyncIterator[ExtendedRestSession | None]:
    """The account's REST session (live only; paper trading has no account)."""
    if settings.paper_trading:
        yield None
        return
    session = ExtendedRestSession(endpoints, settings.account_credentials(), clock, metrics)
    try:
        yield session
    finally:
        await session.aclose()


async def init_paper_gateway(
    settings: ExecutorSettings, endpoints: ExtendedEndpoints, clock: Clock
) -> AsyncIterator[SimulatedExchangeGateway | None]:
    """The simulated exchange for the one paper market, with the real market's trading rules."""
    if not settings.paper_trading:
        yield None
        return
    instrument = await fetch_instrument(endpoints, settings.symbols[0])
    exchange = paper_exchange(
        instrument, settings.paper_maker_fee_rate, settings.paper_order_latency_ms, clock.now_ms()
    )
    yield SimulatedExchangeGateway(exchange, clock)


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=ExecutorSettings)

    # --- time: the wall clock
    clock = providers.Singleton(SystemClock)

    # --- resources: logging, database, engine, metrics; the quote engine's configuration
    shared = providers.Container(SharedContainer, settings=settings, clock=clock)
    quote_engine = providers.Container(QuoteEngineContainer, settings=settings)
    endpoints = providers.Singleton(endpoints_of, settings)
    rest_session = providers.Resource(
        init_rest_session, settings=settings, endpoints=endpoints, clock=shared.clock, metrics=shared.metrics
    )
    paper_gateway = providers.Resource(init_paper_gateway, settings=settings, endpoints=endpoints, clock=shared.clock)

    # --- exchange adapters: live Extended or the simulated exchange
    mode = providers.Callable(trading_mode, settings)
    market_listing = providers.Singleton(ExtendedMarketListing, endpoints=endpoints, clock=shared.clock)
    # Built after the start-up check read the markets: prices and sizes bounded by each one's tick and step.
    market_feed = providers.Singleton(
        ExtendedMarketDataFeed,
        endpoints=endpoints,
        clock=shared.clock,
        metrics=shared.metrics,
        instruments=market_listing.provided.instruments.call(),
    )
    gateway = providers.Selector(
        mode,
        live=providers.Singleton(ExtendedTradingGateway, session=rest_session),
        paper=paper_gateway,
    )
    feed = providers.Selector(
        mode,
        live=market_feed,
        paper=providers.Singleton(PaperMarketDataFeed, feed=market_feed, gateway=paper_gateway),
    )
    account = providers.Selector(
        mode,
        live=providers.Singleton(
            ExtendedAccountStream,
            session=rest_session,
            settings=providers.Singleton(
                AccountStreamSettings, resync_interval_s=settings.provided.account_resync_interval_s
            ),
        ),
        paper=providers.Singleton(SimulatedAccountStream, exchange=paper_gateway.provided.exchange),
    )

    # --- stores
    exchange = providers.Callable(exchange_name, settings)
    state_store = providers.Singleton(PostgresStrategyStateStore, engine=shared.engine)
    params_store = providers.Singleton(PostgresParamRolloutStore, engine=shared.engine)
    proposal_store = providers.Singleton(PostgresParamProposalStore, engine=shared.engine)
    summary_store = providers.Singleton(PostgresBucketSummaryStore, engine=shared.engine)
    fill_store = providers.Singleton(PostgresFillEnrichmentStore, engine=shared.engine)
    executor_record = providers.Singleton(PostgresExecutorRecord, engine=shared.engine)
    trading_journal = providers.Singleton(
        PostgresTradingJournal,
        engine=shared.engine,
        exchange=exchange,
        source_name=providers.Callable("executor-{}".format, quote_engine.run_id),
    )

    # --- use cases
    executor_metrics = providers.Singleton(ExecutorMetrics, shared.metrics)
    journal = providers.Singleton(JournalWriter, journal=trading_journal, clock=shared.clock, metrics=executor_metrics)
    proposals = providers.Singleton(
        proposal_applier,
        settings,
        proposals=proposal_store,
        rollouts=params_store,
        clock=shared.clock,
        database_url=shared.database_url,
    )
    rollbacks = providers.Singleton(
        rollback_watcher,
        settings,
        proposals=proposal_store,
        rollouts=params_store,
        summaries=summary_store,
        fills=fill_store,
        clock=shared.clock,
        metrics=shared.metrics,
    )
    executor = providers.Factory(
        LiveExecutor,
        config=quote_engine.executor_config,
        gateway=gateway,
        feed=feed,
        account=account,
        state_store=state_store,
        journal=journal,
        clock=shared.clock,
        metrics=executor_metrics,
        stopwatch_ns=quote_engine.stopwatch_ns,
        proposals=proposals,
        rollbacks=rollbacks,
        record=executor_record,
    )
