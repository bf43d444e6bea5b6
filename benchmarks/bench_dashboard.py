"""How long the dashboard's live page takes to refresh on a database holding 5M `md_bbo` rows.

Builds (or reuses) its own database `mm_bench_dashboard` on the server of MM_BENCH_DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/test), so no test database is touched: alembic to head, then COPY of
`--rows` best bid/offer rows of one market, one every ~35 ms over two days (day partitions), with the
executor's decisions (one a second), fills (one a minute), their markouts, gaps and saved state. Reused as
is when it already holds that many rows (`--rebuild` starts over).

The clock is set at the data's last row, as on a running system. Printed per live read (median and p95 of
`--refreshes` refreshes, after one warm-up):
- the read model's query time: `mm status`'s reads, then the recent series (book and quotes sampled, modes,
  fills, gaps), then both together as one refresh; and what Postgres itself spends on that refresh's
  statements (planning + execution by EXPLAIN ANALYZE, each statement's median, summed);
- the full GET over a loopback socket to the real app on uvicorn: `/markets/panel` (what the page polls),
  `/api/markets` and `/markets`.
Goal: under 50 ms per refresh. The CPU this process spent per refresh (client and, for the GETs, the server) is
printed beside the wall time: on a shared machine the wall time also holds the waits for a core, and the load
average is printed before and after.

Run: `python benchmarks/bench_dashboard.py [--rows N] [--refreshes N] [--rebuild]`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx
import psycopg
import uvicorn
from psycopg import sql
from sqlalchemy import event

from mm.adapters.clock.simulated import SimulatedClock
from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.postgres import migrations
from mm.adapters.postgres.backtest_run_store import PostgresBacktestRunStore
from mm.adapters.postgres.dashboard_reader import PostgresDashboardReader
from mm.adapters.postgres.engine import create_engine_for
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.urls import libpq_url
from mm.apps.dashboard.read_model import DashboardReadModel
from mm.apps.dashboard.settings import DashboardSettings
from mm.apps.dashboard.web_app import create_app

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
DATABASE = "mm_bench_dashboard"
EXCHANGE = "extended"
SYMBOL = "BTC-USD"
SPAN_MS = 2 * 86_400_000
END_MS = 1_764_763_200_000  # 2025-12-03T12:00:00Z: fixed, so a reused database stays valid
WINDOW_MS = 600_000
GOAL_MS = 50.0


def _with_database(url: str, database: str) -> str:
    base, _, query = url.partition("?")
    return f"{base.rsplit('/', 1)[0]}/{database}" + (f"?{query}" if query else "")


def _dt(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).isoformat()


def prepare(server: str, rows: int, *, rebuild: bool) -> str:
    """The bench database's URL, holding `rows` md_bbo rows (built now unless already there)."""
    url = _with_database(server, DATABASE)
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if exists and rebuild:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    migrations.upgrade(url)
    with psycopg.connect(url) as conn:
        held = conn.execute("SELECT count(*) FROM md_bbo WHERE exchange = %s AND symbol = %s", (EXCHANGE, SYMBOL))
        count = held.fetchone()[0]  # type: ignore[index]
    if count == rows:
        print(f"reusing {DATABASE}: {count:,} md_bbo rows")
        return url
    started = time.perf_counter()
    _build(url, rows)
    print(f"built {DATABASE}: {rows:,} md_bbo rows and the executor's rows in {time.perf_counter() - started:.0f} s")
    return url


def _build(url: str, rows: int) -> None:
    start_ms = END_MS - SPAN_MS
    step_ms = SPAN_MS / rows
    with psycopg.connect(url) as conn:
        conn.execute(
            "TRUNCATE md_bbo, ex_decision, ex_fill, fills_enriched, md_gap, strategy_state, latest_top CASCADE"
        )
        day_ms = start_ms - start_ms % 86_400_000
        while day_ms <= END_MS:
            conn.execute(create_partition_sql("md_bbo", day_of_ms(day_ms)))
            day_ms += 86_400_000
        _copy(
            conn,
            "md_bbo",
            ("exchange", "symbol", "ts", "bid_px", "bid_sz", "ask_px", "ask_sz", "source_id", "row_no"),
            (
                f"{EXCHANGE}\t{SYMBOL}\t{_dt(int(start_ms + i * step_ms))}\t{_mid(i) - 0.5:.1f}\t0.5\t{_mid(i) + 0.5:.1f}\t0.7\t1\t{i}\n"
                for i in range(rows)
            ),
        )
        seconds = SPAN_MS // 1000
        _copy(
            conn,
            "ex_decision",
            ("exchange", "symbol", "ts", "mode", "prev_mode", "reasons", "params_version", "bid_px", "ask_px"),
            (
                f"{EXCHANGE}\t{SYMBOL}\t{_dt(start_ms + s * 1000)}\t{_mode(s)}\t{_mode(s - 1)}\t{{}}\t1\t"
                f"{_mid(int(s * 1000 / step_ms)) - 2:.1f}\t{_mid(int(s * 1000 / step_ms)) + 2:.1f}\n"
                for s in range(seconds)
            ),
        )
        minutes = SPAN_MS // 60_000
        fill_rows = [
            (
                f"f{m}",
                _dt(start_ms + m * 60_000 + 500),
                "buy" if m % 2 == 0 else "sell",
                _mid(int((m * 60_000 + 500) / step_ms)),
            )
            for m in range(minutes)
        ]
        _copy(
            conn,
            "ex_fill",
            ("exchange", "fill_id", "symbol", "ts", "side", "price", "size", "fee", "is_taker"),
            (
                f"{EXCHANGE}\t{fid}\t{SYMBOL}\t{ts}\t{side}\t{price:.1f}\t0.001\t0.0001\tf\n"
                for fid, ts, side, price in fill_rows
            ),
        )
        _copy(
            conn,
            "fills_enriched",
            ("exchange", "fill_id", "symbol", "ts", "side", "price", "size", "fee", "markout_10s_bps", "is_complete"),
            (
                f"{EXCHANGE}\t{fid}\t{SYMBOL}\t{ts}\t{side}\t{price:.1f}\t0.001\t0.0001\t{(hash(fid) % 100) / 10 - 5:.1f}\tt\n"
                for fid, ts, side, price in fill_rows
            ),
        )
        for g in range(200):
            conn.execute(
                "INSERT INTO md_gap (exchange, symbol, stream, kind, from_ts, to_ts) VALUES (%s, %s, 'orderbooks', 'reconnect', %s, %s)",
                (EXCHANGE, SYMBOL, _dt(start_ms + g * 800_000), _dt(start_ms + g * 800_000 + 5_000)),
            )
        conn.execute(
            "INSERT INTO strategy_state (exchange, symbol, version, mode, params_version, saved_ts, detail) "
            "VALUES (%s, %s, 1, 'NORMAL', 1, %s, %s)",
            (EXCHANGE, SYMBOL, _dt(END_MS - 1000), json.dumps({"mode_since_ts_ms": END_MS - 60_000, "orders": []})),
        )
        conn.execute(
            "INSERT INTO latest_top (exchange, symbol, ts, bid_px, ask_px) VALUES (%s, %s, %s, %s, %s)",
            (EXCHANGE, SYMBOL, _dt(END_MS - 10), _mid(rows - 1) - 0.5, _mid(rows - 1) + 0.5),
        )
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _mid(i: int) -> float:
    return 90_000 + (i % 20_000) / 10


def _mode(s: int) -> str:
    return ("NORMAL", "NORMAL", "NORMAL", "DEFENSIVE", "PAUSE")[(s // 300) % 5]


def _copy(conn: psycopg.Connection, table: str, columns: tuple[str, ...], lines: object) -> None:
    query = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with conn.cursor() as cursor, cursor.copy(query) as copy:
        buffer = io.StringIO()
        for n, line in enumerate(lines, 1):  # type: ignore[attr-defined]
            buffer.write(line)
            if n % 100_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


async def _timed(label: str, refreshes: int, call: Callable[[], Awaitable[object]]) -> float:
    await call()  # warm-up: connection pool, plans, the status reader's opening basis
    samples = []
    cpu = []
    for _ in range(refreshes):
        started = time.perf_counter()
        cpu_started = time.process_time()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    median = statistics.median(samples)
    p95 = sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]
    verdict = "ok" if median < GOAL_MS else "OVER GOAL"
    print(
        f"  {label:<44} median {median:7.2f} ms   p95 {p95:7.2f} ms   {median / GOAL_MS:5.2f} x goal  {verdict:<9}"
        f"  this process's CPU {statistics.median(cpu):6.2f} ms"
    )
    return median


async def measure(url: str, refreshes: int) -> None:
    engine = create_engine_for(url)
    clock = SimulatedClock(END_MS)
    with TemporaryDirectory() as logs:
        read_model = DashboardReadModel(
            exchange=EXCHANGE,
            symbols=(),
            window_ms=WINDOW_MS,
            status=PostgresStatusReader(engine, EXCHANGE, fills_shown=20),
            series=PostgresDashboardReader(engine, EXCHANGE),
            buckets=PostgresBucketSummaryStore(engine),
            enrichment=PostgresFillEnrichmentStore(engine),
            proposals=PostgresParamProposalStore(engine),
            rollouts=PostgresParamRolloutStore(engine),
            backtests=PostgresBacktestRunStore(engine),
            reasoning=FileReasoningSink(Path(logs)),
        )
        print(f"live page, one market, {WINDOW_MS // 60_000}-minute window, {refreshes} refreshes each:")
        print("query time (read model)")
        await _timed("status (mm status's reads)", refreshes, lambda: read_model.status.read([SYMBOL], clock.now_ms()))
        await _timed(
            "series (book, quotes, modes, fills, gaps)",
            refreshes,
            lambda: read_model.series.series(SYMBOL, END_MS - WINDOW_MS, END_MS),
        )
        await _timed("one refresh: both", refreshes, lambda: read_model.live(clock.now_ms()))
        statements = await _statements_of_one_refresh(engine, lambda: read_model.live(clock.now_ms()))
        _server_time(url, statements, refreshes)
        settings = DashboardSettings(_env_file=None, DASHBOARD_PORT=0)  # type: ignore[call-arg]
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(read_model, clock, settings), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
            )
        )
        serving = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110  (uvicorn offers a flag, not an event)
            await asyncio.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        print("full GET over loopback (queries, rendering, HTTP)")
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            for path in ("/markets/panel", "/api/markets", "/markets"):
                await _timed(f"GET {path}", refreshes, lambda path=path: _get(http, path))
        server.should_exit = True
        await serving
    await engine.dispose()


async def _statements_of_one_refresh(engine: Any, refresh: Callable[[], Awaitable[object]]) -> list[tuple[str, Any]]:
    """The SQL statements (with their parameters) one refresh sends, as the driver received them."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        await refresh()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    return [
        (statement, parameters)
        for statement, parameters in sent
        if statement.lstrip().upper().startswith(("SELECT", "WITH"))
    ]


def _server_time(url: str, statements: list[tuple[str, Any]], repeats: int) -> None:
    """Postgres's own execution time of each statement (EXPLAIN ANALYZE), median of `repeats`, summed; planning apart.

    What the database spends per refresh, without the waits of a client process for a core on a busy machine.
    Planning is printed apart: the driver prepares a statement it has run five times, so a refresh plans none.
    """
    executing = 0.0
    planning = 0.0
    slowest: list[tuple[float, str]] = []
    with psycopg.connect(url) as conn:
        for statement, parameters in statements:
            runs = []
            for _ in range(repeats):
                plan = conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {statement}", parameters).fetchone()[0][0]  # type: ignore[index]
                runs.append((plan["Execution Time"], plan["Planning Time"]))
            execution = statistics.median(run[0] for run in runs)
            executing += execution
            planning += statistics.median(run[1] for run in runs)
            slowest.append((execution, " ".join(statement.split())[:60]))
    verdict = "ok" if executing < GOAL_MS else "OVER GOAL"
    print(
        f"  {'server execution of one refresh':<44} median {executing:7.2f} ms   {len(statements)} statements   "
        f"{executing / GOAL_MS:5.2f} x goal  {verdict:<9}  (planning {planning:.2f} ms more, unprepared)"
    )
    for execution, text in sorted(slowest, reverse=True)[:3]:
        print(f"    {execution:6.2f} ms  {text}")


async def _get(http: httpx.AsyncClient, path: str) -> None:
    response = await http.get(path)
    response.raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=5_000_000, help="md_bbo rows (5,000,000)")
    parser.add_argument("--refreshes", type=int, default=50, help="timed refreshes per figure (50)")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the bench database")
    args = parser.parse_args()
    server = libpq_url(os.environ.get("MM_BENCH_DATABASE_URL", DEFAULT_SERVER))
    url = prepare(server, args.rows, rebuild=args.rebuild)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    asyncio.run(measure(url, args.refreshes))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
