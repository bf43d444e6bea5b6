"""Time the summarizer's fill enrichment: 100k fills against 5M best bid/offer rows in Postgres.

Creates its own database on the server of MM_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/test), migrates it with alembic, loads synthetic data with
COPY, VACUUM ANALYZEs it (as autovacuum would on a live system) and CHECKPOINTs, then times:

1. the enrichment of every fill (the summarizer's batched, set-based SQL; the goal: < 20 s),
2. the first full run of the job, which now only builds the 1-minute and 1-hour summaries,
3. a steady-state re-run with nothing new (what `mm summarize --loop` pays each interval).

The database is dropped at the end. The data is a synthetic random walk, not recorded data: one
market, 5M two-sided rows ~100 ms apart on average (about 5.8 days, so 7 daily partitions), tick
0.1, spread 1-3 ticks; 100k fills at random times over the same span with random 32-hex fill ids
(so batches hit the book in random time order), filled at the touch.

Run: `python benchmarks/bench_summarizer.py [--bbo-rows N] [--fills N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
import uuid
from datetime import timedelta
from typing import Any

import numpy as np
import psycopg
from numpy.typing import NDArray
from psycopg import sql

from mm.adapters.clock import SystemClock
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres import migrations
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.summary.market_mid_source import PostgresMarketMidSource
from mm.adapters.postgres.trading_history import PostgresTradingHistory
from mm.domain.fill_enrichment import MarkoutSpec
from mm.usecases.summary.summarize import Summarizer, SummarizerConfig

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
EXCHANGE, SYMBOL = "bench", "BTC-USD"
START_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
BATCH_SIZE = 20_000
SPEC = MarkoutSpec(max_staleness_ms=5_000)


def _with_database(url: str, database: str) -> str:
    base, _, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}" + (f"?{query}" if query else "")


def _iso_ms(ts_ms: NDArray[Any]) -> NDArray[Any]:
    return np.char.add(np.datetime_as_string(ts_ms.astype("datetime64[ms]"), unit="ms"), "Z")


def _book(rows: int, rng: np.random.Generator) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Times (ms) and bid/ask in ticks of 0.1 for a random-walk book."""
    ts_ms = START_MS + np.cumsum(rng.integers(1, 200, rows))
    mid_ticks = 1_000_000 + np.cumsum(rng.choice([-1, 0, 0, 1], rows))
    half_ticks = rng.integers(1, 4, rows)
    return ts_ms, mid_ticks - half_ticks, mid_ticks + half_ticks


def _ticks(values: NDArray[Any]) -> NDArray[Any]:
    """Integer ticks of 0.1 as exact decimal text."""
    return np.char.add(np.char.add((values // 10).astype(str), "."), (values % 10).astype(str))


def _copy_csv(conn: psycopg.Connection, table_columns: str, columns: list[NDArray[Any]]) -> None:
    lines = columns[0].astype(str)
    for column in columns[1:]:
        lines = np.char.add(np.char.add(lines, ","), column.astype(str))
    with conn.cursor().copy(f"COPY {table_columns} FROM STDIN (FORMAT csv)") as copy:
        chunk = 200_000
        for start in range(0, len(lines), chunk):
            copy.write("\n".join(lines[start : start + chunk].tolist()) + "\n")


def load(url: str, bbo_rows: int, fills: int) -> None:
    rng = np.random.default_rng(20250101)
    ts_ms, bid, ask = _book(bbo_rows, rng)
    days = {day_of_ms(int(start)) for start in range(int(ts_ms[0]), int(ts_ms[-1]) + 86_400_000, 86_400_000)}
    fill_ts_ms = rng.integers(int(ts_ms[0]), int(ts_ms[-1]), fills)
    at = np.searchsorted(ts_ms, fill_ts_ms, side="right") - 1
    is_buy = rng.random(fills) < 0.5
    fill_ids = np.array([uuid.UUID(int=int(value)).hex for value in rng.integers(0, 2**62, fills)])
    with psycopg.connect(url) as conn:
        for day in sorted(days):
            conn.execute(create_partition_sql("md_bbo", day))
        n = len(ts_ms)
        _copy_csv(
            conn,
            "md_bbo (exchange, symbol, ts, bid_px, bid_sz, ask_px, ask_sz, source_id, row_no)",
            [np.full(n, EXCHANGE), np.full(n, SYMBOL), _iso_ms(ts_ms), _ticks(bid), np.full(n, "1.5"),
             _ticks(ask), np.full(n, "2.0"), np.full(n, "1"), np.arange(n)],
        )  # fmt: skip
        _copy_csv(
            conn,
            "ex_fill (exchange, fill_id, symbol, ts, side, price, size, fee, is_taker, mode, params_version)",
            [np.full(fills, EXCHANGE), fill_ids, np.full(fills, SYMBOL), _iso_ms(fill_ts_ms),
             np.where(is_buy, "buy", "sell"), _ticks(np.where(is_buy, bid[at], ask[at])), np.full(fills, "0.01"),
             np.full(fills, "0.002"), np.full(fills, "f"), np.full(fills, "NORMAL"), np.full(fills, "1")],
        )  # fmt: skip
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
        # Flush the load's dirty pages now, so the timed part does not share the disk with the checkpointer.
        conn.execute("CHECKPOINT")


async def measure(url: str) -> dict[str, float]:
    engine = create_engine_for(url)
    store = PostgresFillEnrichmentStore(engine)
    try:
        started = time.perf_counter()
        after, examined = None, 0
        while True:
            batch = await store.enrich_pending(EXCHANGE, SPEC, limit=BATCH_SIZE, after_fill_id=after)
            examined += batch.examined
            if batch.examined < BATCH_SIZE:
                break
            after = batch.last_fill_id
        enrich_s = time.perf_counter() - started
        job = Summarizer(
            fills=store,
            mids=PostgresMarketMidSource(engine),
            history=PostgresTradingHistory(engine),
            summaries=PostgresBucketSummaryStore(engine),
            clock=SystemClock(),
            metrics=PrometheusMetrics(),
            config=SummarizerConfig(exchange=EXCHANGE, markouts=SPEC, batch_size=BATCH_SIZE),
        )
        started = time.perf_counter()
        first = await job.run_once()
        first_run_s = time.perf_counter() - started
        started = time.perf_counter()
        await job.run_once()
        rerun_s = time.perf_counter() - started
    finally:
        await engine.dispose()
    return {
        "examined": examined,
        "enrich_s": enrich_s,
        "first_run_s": first_run_s,
        "buckets": first.buckets_written,
        "rerun_s": rerun_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bbo-rows", type=int, default=5_000_000)
    parser.add_argument("--fills", type=int, default=100_000)
    args = parser.parse_args()
    server = os.environ.get("MM_BENCH_DATABASE_URL", DEFAULT_SERVER)
    database = f"mm_bench_summarizer_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        version = conn.execute("SHOW server_version").fetchone()
    url = _with_database(server, database)
    try:
        migrations.upgrade(url)
        started = time.perf_counter()
        load(url, args.bbo_rows, args.fills)
        load_s = time.perf_counter() - started
        result = asyncio.run(measure(url))
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cpus, Python {platform.python_version()}, "
          f"Postgres {version[0] if version else '?'}")  # fmt: skip
    print(f"data: {args.bbo_rows:,} synthetic random-walk md_bbo rows, {args.fills:,} ex_fill rows "
          f"(COPY + VACUUM ANALYZE + CHECKPOINT: {load_s:.1f} s)")  # fmt: skip
    print(f"enrichment of {int(result['examined']):,} fills (batches of {BATCH_SIZE:,}, 4 as-of look-ups each): "
          f"{result['enrich_s']:.2f} s ({result['examined'] / result['enrich_s']:,.0f} fills/s; goal < 20 s)")  # fmt: skip
    print(
        f"first job run, building {int(result['buckets']):,} minute and hour summaries: {result['first_run_s']:.2f} s"
    )
    print(f"steady-state re-run with nothing new: {result['rerun_s']:.2f} s")
    print(f"(staleness limit {timedelta(milliseconds=SPEC.max_staleness_ms).total_seconds():g} s)")


if __name__ == "__main__":
    main()
