"""Dependency-injection container of `mm ingest`: the Extended feed, the Postgres writer, the recorder."""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from dependency_injector import containers, providers

from mm.adapters.extended import ExtendedEndpoints, ExtendedMarketDataFeed, ExtendedNetwork
from mm.adapters.extended.funding_history import ExtendedFundingHistory
from mm.adapters.extended.market_listing import ExtendedMarketListing
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.funding_rate_store import PostgresFundingRateStore
from mm.adapters.postgres.ingest.batch import RecordingSource
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink, WriterSettings
from mm.apps._shared import SharedContainer
from mm.apps.ingestor.settings import IngestorSettings
from mm.ports.clock import Clock
from mm.usecases.recording.record_funding import FundingRecorder
from mm.usecases.recording.record_market_data import MarketDataRecorder, RecorderConfig


def recording_source(settings: IngestorSettings, clock: Clock) -> RecordingSource:
    """This run's `md_source`: named by its start time (so spool files sort by run) and a random suffix."""
    started = datetime.fromtimestamp(clock.now_ms() / 1000, tz=UTC)
    detail = {"app": "mm ingest", "symbols": settings.symbols, "host": socket.gethostname(), "pid": os.getpid()}
    return RecordingSource(
        exchange=settings.exchange,
        name=f"{started:%Y%m%dT%H%M%S%f}Z-{uuid.uuid4().hex[:6]}",
        detail=json.dumps(detail),
    )


def endpoints_of(settings: IngestorSettings) -> ExtendedEndpoints:
    return ExtendedEndpoints(
        network=ExtendedNetwork(settings.extended_env.value),
        api_url=settings.extended_api_url,
        stream_url=settings.extended_stream_url,
        request_timeout_s=settings.extended_request_timeout_s,
    )


def writer_settings_of(settings: IngestorSettings) -> WriterSettings:
    return WriterSettings(
        queue_max_items=settings.ingest_queue_max_items,
        batch_max_rows=settings.ingest_batch_max_rows,
        batch_max_delay_s=settings.ingest_batch_max_delay_ms / 1000,
        retry_interval_s=settings.ingest_retry_interval_s,
    )


def recorder_config_of(settings: IngestorSettings) -> RecorderConfig:
    rules = settings.bbo_thinning
    return RecorderConfig(thinning_by_symbol=dict(rules.by_symbol), default_thinning=rules.default)


async def init_sink(
    database_url: str,
    source: RecordingSource,
    spool_folder: Path,
    metrics: PrometheusMetrics,
    settings: WriterSettings,
) -> AsyncIterator[PostgresMarketDataSink]:
    """The writer runs for the app's lifetime; shutting it down flushes (to Postgres or the spool)."""
    sink = PostgresMarketDataSink(
        database_url, source=source, spool_folder=spool_folder, metrics=metrics, settings=settings
    )
    await sink.start()
    try:
        yield sink
    finally:
        await sink.aclose()


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=IngestorSettings)

    # --- resources: logging, database, metrics, clock; the writer task
    shared = providers.Container(SharedContainer, settings=settings)
    source = providers.Singleton(recording_source, settings=settings, clock=shared.clock)
    sink = providers.Resource(
        init_sink,
        database_url=shared.database_url,
        source=source,
        spool_folder=settings.provided.spool_folder,
        metrics=shared.metrics,
        settings=providers.Singleton(writer_settings_of, settings=settings),
    )

    # --- adapters
    endpoints = providers.Singleton(endpoints_of, settings=settings)
    market_listing = providers.Singleton(ExtendedMarketListing, endpoints=endpoints, clock=shared.clock)
    # Built after the start-up check read the markets: prices and sizes bounded by each one's tick and step.
    feed = providers.Singleton(
        ExtendedMarketDataFeed,
        endpoints=endpoints,
        clock=shared.clock,
        metrics=shared.metrics,
        instruments=market_listing.provided.instruments.call(),
    )

    # --- use cases
    recorder = providers.Factory(
        MarketDataRecorder,
        feed=feed,
        sink=sink,
        metrics=shared.metrics,
        config=providers.Singleton(recorder_config_of, settings=settings),
    )
    funding_recorder = providers.Factory(
        FundingRecorder,
        exchange=settings.provided.exchange,
        source=providers.Singleton(ExtendedFundingHistory, endpoints=endpoints),
        store=providers.Singleton(PostgresFundingRateStore, engine=shared.engine),
        clock=shared.clock,
    )
