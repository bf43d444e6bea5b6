"""How fast the ingestor's writer persists best bid/offer rows, against raw COPY and executemany.

Creates its own database on the server of MM_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/test), migrates it with alembic, and loads the same rows
into the same indexed `md_bbo` table (partitions created beforehand, table emptied between runs):

1. the writer: `PostgresMarketDataSink.append()` for every event, then `flush()` (its queue,
   batching, binary COPY, `md_ingest_batch` claim and `latest_top` upsert all included),
2. raw COPY FROM STDIN of ready-made row tuples, in text and in binary format, one transaction,
3. psycopg `executemany` INSERT of the same tuples (on a prefix of the rows: it is slow).

Rows are the recorded Binance BTCUSDT best bid/offer slice (shared data), compared in two shapes:
with the raw JSON frame kept (~190 bytes, as the ingestor stores feed data, in a `text` column:
jsonb parsing used to dominate every method, which is why `raw` is text) and with raw NULL (closest to the issue's 9-column reference
rows). Each figure is the best of `--repeat` interleaved rounds, so other load on the machine
shows less. Text against binary raw COPY is what chose binary COPY for the writer.

Then, end to end: a fake Extended server in a child process replays `--e2e-events` recorded
events at full speed to the real ingestor (Extended feed adapter, recorder, Postgres writer) in
this process, and the CPU time this process used (user + system, `resource.getrusage`) is divided
by the frames it received and stored.

Run: `python benchmarks/bench_ingest_writer.py [--rows N] [--repeat N] [--e2e-events N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import gzip
import json
import multiprocessing
import os
import platform
import resource
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres import migrations
from mm.adapters.postgres.ingest.batch import RecordingSource
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.domain.market_events import BestBidOffer

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
DATA_PREFIX = Path("/work/shared/data/binance_usdm_btcusdt_20240808")
EXCHANGE, SYMBOL = "extended", "BTC-USD"
COLUMNS = "(source_id, exchange, symbol, ts, recv_ts, seq, bid_px, bid_sz, ask_px, ask_sz, row_no, raw)"
BINARY_TYPES = ["int4", "text", "text", "timestamptz", "timestamptz", "int8"] + ["numeric"] * 4 + ["int8", "text"]


def _with_database(url: str, database: str) -> str:
    base, _, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}" + (f"?{query}" if query else "")


def load_events(rows: int) -> list[BestBidOffer]:
    """Recorded best bid/offer rows as the Extended adapter would emit them (raw frame included)."""
    events: list[BestBidOffer] = []
    with gzip.open(DATA_PREFIX.with_name(DATA_PREFIX.name + ".bbo.csv.gz"), "rt") as handle:
        reader = csv.reader(handle)
        next(reader)
        while len(events) < rows:
            for seq, (ts, bid_px, bid_sz, ask_px, ask_sz) in enumerate(reader, start=len(events) + 1):
                ts_ms = int(ts)
                data = {
                    "t": "SNAPSHOT",
                    "m": SYMBOL,
                    "b": [{"q": bid_sz, "p": bid_px}],
                    "a": [{"q": ask_sz, "p": ask_px}],
                    "d": "1",
                }
                raw = json.dumps({"type": "SNAPSHOT", "data": data, "ts": ts_ms, "seq": seq}, separators=(",", ":"))
                prices = (Decimal(bid_px), Decimal(bid_sz), Decimal(ask_px), Decimal(ask_sz))
                events.append(BestBidOffer(EXCHANGE, SYMBOL, ts_ms, ts_ms + 3, seq, *prices, raw=raw))
                if len(events) == rows:
                    break
            handle.seek(0)
            next(reader)
    return events


def _dt(ts_ms: int) -> datetime:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC)


def row_tuples(events: list[BestBidOffer], source_id: int) -> list[tuple[object, ...]]:
    return [
        (
            source_id,
            e.exchange,
            e.symbol,
            _dt(e.exchange_ts_ms),
            _dt(e.received_ts_ms),
            e.seq,
            e.bid_px,
            e.bid_sz,
            e.ask_px,
            e.ask_sz,
            n,
            e.raw or None,
        )
        for n, e in enumerate(events, start=1)
    ]


def _empty(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE md_bbo, latest_top, md_ingest_batch")
        conn.execute("CHECKPOINT")


def time_writer(url: str, events: list[BestBidOffer], spool: Path) -> float:
    async def main() -> float:
        source = RecordingSource(EXCHANGE, f"bench-{uuid.uuid4().hex[:8]}")
        sink = PostgresMarketDataSink(url, source=source, spool_folder=spool, metrics=PrometheusMetrics())
        await sink.start()
        await sink.flush()  # connect before the clock starts, like a running ingestor
        started = time.perf_counter()
        for event in events:
            await sink.append(event)
        await sink.flush()
        elapsed = time.perf_counter() - started
        await sink.aclose()
        if not sink.spool.is_empty:
            raise RuntimeError("the writer spooled during the benchmark: Postgres refused writes")
        return elapsed

    return asyncio.run(main())


def time_copy(url: str, tuples: list[tuple[object, ...]], *, binary: bool) -> float:
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        options = " (FORMAT BINARY)" if binary else ""
        with conn.cursor().copy(f"COPY md_bbo {COLUMNS} FROM STDIN{options}") as copy:
            if binary:
                copy.set_types(BINARY_TYPES)
            for row in tuples:
                copy.write_row(row)
        conn.commit()
        return time.perf_counter() - started


def time_executemany(url: str, tuples: list[tuple[object, ...]]) -> float:
    placeholders = ", ".join(["%s"] * 12)
    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.executemany(f"INSERT INTO md_bbo {COLUMNS} VALUES ({placeholders})", tuples)
        conn.commit()
        return time.perf_counter() - started


def serve_fake_extended(pipe: Connection, events: int) -> None:
    """Child process: a fake Extended server that replays `events` once the ingestor subscribed."""
    from mm.testing.fake_extended import FakeExtendedServer

    async def main() -> None:
        loop = asyncio.get_running_loop()
        async with FakeExtendedServer.start() as server:
            pipe.send(server.stream_url)
            await server.streams.wait_for_subscribers(4, timeout_s=30)
            await loop.run_in_executor(None, pipe.recv)  # "go"
            await server.replay(DATA_PREFIX, limit=events)
            pipe.send(sum(subscriber.frames_sent for subscriber in server.streams.subscribers()))
            await loop.run_in_executor(None, pipe.recv)  # "stop"

    asyncio.run(main())


def _receive(pipe: Connection, timeout_s: float) -> Any:
    if not pipe.poll(timeout_s):
        raise TimeoutError(f"the fake Extended server process said nothing for {timeout_s} s")
    return pipe.recv()


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure_end_to_end(url: str, events: int, spool: Path) -> tuple[int, int, float]:
    """(frames received, rows stored, CPU seconds of this process) for a full-speed replay."""
    from mm.adapters.extended import ExtendedEndpoints, ExtendedMarketDataFeed
    from mm.testing.fake_extended.wall_clock import WallClock
    from mm.usecases.recording.record_market_data import MarketDataRecorder

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve_fake_extended, args=(child, events), daemon=True)
    server.start()
    child.close()  # so that a child that dies ends our reads (EOFError) instead of hanging them
    stream_url = str(_receive(parent, timeout_s=60))

    async def main() -> tuple[int, int, float]:
        metrics = PrometheusMetrics()
        feed = ExtendedMarketDataFeed(ExtendedEndpoints(stream_url=stream_url), WallClock(), metrics)
        sink = PostgresMarketDataSink(
            url,
            source=RecordingSource(EXCHANGE, f"bench-e2e-{uuid.uuid4().hex[:8]}"),
            spool_folder=spool,
            metrics=metrics,
        )
        await sink.start()
        recorder = MarketDataRecorder(feed, sink, metrics)
        recording = asyncio.create_task(recorder.run([SYMBOL]))
        await sink.flush()
        loop = asyncio.get_running_loop()
        cpu_before = _cpu_s()
        parent.send("go")
        frames_sent: int = await loop.run_in_executor(None, _receive, parent, 600)
        while True:  # the count lives in the metrics registry: poll it
            if _frames_received(metrics) >= frames_sent:
                break
            await asyncio.sleep(0.01)
        await recorder.stop()  # hands over the events still queued in the feed, then ends
        await recording
        await sink.flush()
        cpu_s = _cpu_s() - cpu_before
        await sink.aclose()
        return _frames_received(metrics), _rows_stored(url), cpu_s

    try:
        return asyncio.run(main())
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        server.join(10)
        if server.is_alive():
            server.terminate()


def _rows_stored(url: str) -> int:
    with psycopg.connect(url) as conn:
        counted = conn.execute(
            "SELECT (SELECT count(*) FROM md_bbo) + (SELECT count(*) FROM md_trade) + (SELECT count(*) FROM md_price)"
        ).fetchone()
    return int(counted[0]) if counted else 0


def _frames_received(metrics: PrometheusMetrics) -> int:
    streams = ("bbo", "trades", "mark", "index")
    return int(sum(metrics.value("extended_stream_messages_total", stream=s, symbol=SYMBOL) or 0 for s in streams))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--executemany-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--e2e-events", type=int, default=20_000, help="recorded events the fake server replays")
    args = parser.parse_args()

    server_url = os.environ.get("MM_BENCH_DATABASE_URL", DEFAULT_SERVER)
    name = f"mm_bench_ingest_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _with_database(server_url, name)
    try:
        migrations.upgrade(url)
        run(url, args)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def run(url: str, args: argparse.Namespace) -> None:
    events = load_events(args.rows)
    days = {day_of_ms(e.exchange_ts_ms) for e in events} | {datetime.now(UTC).date()}
    with psycopg.connect(url, autocommit=True) as conn:
        for day in days:
            for table in ("md_bbo", "md_trade", "md_price"):
                conn.execute(create_partition_sql(table, day))
        registered = conn.execute(
            "INSERT INTO md_source (kind, exchange, name) VALUES ('bench', %s, %s) RETURNING id", (EXCHANGE, url)
        ).fetchone()
        assert registered is not None
        source_id = int(registered[0])
    print(
        f"python {platform.python_version()}, psycopg {psycopg.__version__}, {os.cpu_count()} CPUs; "
        f"{len(events):,} md_bbo rows; each figure the best of {args.repeat} interleaved rounds"
    )
    compare(url, events, source_id, args, "rows as recorded from the feed (raw JSON frame kept, 12 columns)")
    no_raw = [replace(event, raw="") for event in events]
    compare(url, no_raw, source_id, args, "rows without raw JSON (raw NULL), closer to the issue's 9-column reference")
    if args.e2e_events > 0:
        _empty(url)
        with tempfile.TemporaryDirectory() as spool:
            frames, stored, cpu_s = measure_end_to_end(url, args.e2e_events, Path(spool))
        print(
            f"\nend to end: {args.e2e_events:,} recorded events -> {frames:,} frames received, {stored:,} rows stored; "
            f"ingestor CPU {cpu_s:.2f} s = {cpu_s / frames * 1000 * 1000:.1f} ms per 1,000 messages"
        )


def compare(url: str, events: list[BestBidOffer], source_id: int, args: argparse.Namespace, label: str) -> None:
    """Writer, raw COPY (text and binary) and executemany on the same rows, in interleaved rounds."""
    tuples = row_tuples(events, source_id)
    few = tuples[: args.executemany_rows]
    runs: dict[str, tuple[int, Callable[[], float]]] = {}
    with tempfile.TemporaryDirectory() as spool:
        runs = {
            "writer": (len(events), lambda: time_writer(url, events, Path(spool))),
            "copy_text": (len(tuples), lambda: time_copy(url, tuples, binary=False)),
            "copy_binary": (len(tuples), lambda: time_copy(url, tuples, binary=True)),
            "executemany": (len(few), lambda: time_executemany(url, few)),
        }
        best_s = dict.fromkeys(runs, float("inf"))
        for _ in range(args.repeat):
            for name, (_rows, timed) in runs.items():
                _empty(url)
                best_s[name] = min(best_s[name], timed())
    rate = {name: rows / best_s[name] for name, (rows, _timed) in runs.items()}
    raw_copy = max(rate["copy_text"], rate["copy_binary"])
    print(f"\n{label}")
    print(f"  ingestor writer             {rate['writer']:>10,.0f} rows/s")
    print(f"  raw COPY FROM STDIN, text   {rate['copy_text']:>10,.0f} rows/s")
    print(f"  raw COPY FROM STDIN, binary {rate['copy_binary']:>10,.0f} rows/s")
    print(f"  executemany INSERT          {rate['executemany']:>10,.0f} rows/s  ({len(few):,} rows)")
    print(f"  writer / raw COPY (faster)  {rate['writer'] / raw_copy:>10.2f}   goal >= 0.60")
    print(f"  writer / executemany        {rate['writer'] / rate['executemany']:>10.2f}   goal >= 2.00")


if __name__ == "__main__":
    main()
