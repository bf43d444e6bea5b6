"""What a worker process (a pool's or Ray's) does for one job: load the data once, replay, return the record."""

from __future__ import annotations

import asyncio
import time
from functools import lru_cache

from mm.adapters.files.recorded_tape import CsvRecordedMarketData
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.apps.backtest.simulated_venue import simulated_venue
from mm.apps.backtest.sweep.jobs import DataSet, SweepJob
from mm.domain.backtest_run import BacktestRunRecord
from mm.domain.market_tape import MarketTape
from mm.usecases.backtest.backtest import prepare_tape, replay_tape


def run_job(job: SweepJob) -> BacktestRunRecord:
    """Replay one job; the tape is cached in the worker, so a worker reads each data set once."""
    tape = load_tape(job.dataset)
    result = replay_tape(
        prepare_tape(tape, job.spec),
        job.spec,
        simulated_venue,
        stopwatch_ns=time.perf_counter_ns,
        engine_config=job.engine_config,
    )
    return result.record


@lru_cache(maxsize=2)  # per worker process: a sweep replays one or two data sets many times
def load_tape(dataset: DataSet) -> MarketTape:
    return asyncio.run(_load(dataset))


async def _load(dataset: DataSet) -> MarketTape:
    if dataset.prefix is not None:
        files = CsvRecordedMarketData(dataset.prefix, dataset.exchange, dataset.symbol)
        return await files.tape(dataset.exchange, dataset.symbol, dataset.start_ms, dataset.end_ms)
    assert dataset.database_url is not None
    engine = create_engine_for(dataset.database_url)
    try:
        return await PostgresRecordedMarketData(engine).tape(
            dataset.exchange, dataset.symbol, dataset.start_ms, dataset.end_ms
        )
    finally:
        await engine.dispose()
