"""Composition root of `mm ingest`: record until SIGTERM / SIGINT, then flush everything and exit.

Exit codes: 0 after a signal (everything received is stored or spooled), 1 if the feed or the
writer failed (what was received is still flushed first), 2 for bad settings, 3 if it could not
start: the database did not answer, the venue does not list a market, or the venue could not be
reached within INGEST_START_TIMEOUT_S (later disconnects are retried for as long as it runs).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import Any

import structlog

from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink
from mm.apps.ingestor.container import Container
from mm.apps.ingestor.settings import IngestorSettings
from mm.apps.settings import load_settings
from mm.apps.startup import init_resources_shared_first, startup_boundary
from mm.usecases.recording.record_funding import FundingRecorder
from mm.usecases.recording.record_market_data import MarketDataRecorder

EXIT_FAILED = 1


def run(args: argparse.Namespace) -> int:
    settings = load_settings(IngestorSettings)
    return asyncio.run(_main(settings))


async def _main(settings: IngestorSettings) -> int:
    container = Container(settings=settings)
    container.check_dependencies()
    try:
        with startup_boundary("ingest", settings):
            await init_resources_shared_first(container)
            # After the database, so an unreachable database is named without waiting for the venue.
            await container.market_listing().check_listed(
                settings.symbols, give_up_after_s=settings.ingest_start_timeout_s
            )
            # Both hang off an async resource (the writer), so the container hands out futures.
            recorder: MarketDataRecorder = await _resolved(container.recorder())
            sink: PostgresMarketDataSink = await _resolved(container.sink())
            funding: FundingRecorder = await _resolved(container.funding_recorder())
        try:
            await _record_and_flush(recorder, funding, sink, settings)
        except Exception:  # the app's outermost loop: what was received is flushed; fail loudly
            structlog.get_logger().exception("ingestor_failed")
            return EXIT_FAILED
    finally:
        await _maybe_await(container.shutdown_resources())
    return 0


async def _record_and_flush(
    recorder: MarketDataRecorder, funding: FundingRecorder, sink: PostgresMarketDataSink, settings: IngestorSettings
) -> None:
    # Funding settles hourly: its REST poll runs beside the streams and stops with them.
    funding_task = asyncio.create_task(funding.run(settings.symbols))
    try:
        await _record_until_signalled(recorder, settings)
    finally:
        funding_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await funding_task
        await sink.aclose()  # flush, after a failure too: stored, or spooled for the next run
        structlog.get_logger().info("ingestor_flushed", spooled_batches=sink.spool.pending_batches)


async def _record_until_signalled(recorder: MarketDataRecorder, settings: IngestorSettings) -> None:
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def stop(signum: signal.Signals) -> None:
        if not stopping:
            structlog.get_logger().info("ingestor_stopping", signal=signum.name)
            stopping.append(asyncio.create_task(recorder.stop()))

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop, signum)
    try:
        await recorder.run(settings.symbols)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        await asyncio.gather(*stopping)


async def _maybe_await(result: object) -> None:
    await _resolved(result)


async def _resolved(result: Any) -> Any:
    if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
        return await result
    return result


if __name__ == "__main__":
    from mm.apps.cli import run_as_module

    run_as_module("ingest")
