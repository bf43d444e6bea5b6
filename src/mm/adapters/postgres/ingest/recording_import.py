"""`mm data import`: load a recorded CSV file into `md_bbo` / `md_trade` with COPY, in one transaction.

Rows are encoded as every writer of `md_*` encodes them (`market_data_rows.py`) and staged as the
live writers stage theirs (`market_row_copy.py`). Idempotent: the file's sha256 (with market and
kind) is its `md_source` name, so importing the same file twice stores it once. All-or-nothing: rows
go to the staging table first (so the days' partitions can be made before they move), and a
malformed row rolls the whole file back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg

from mm.adapters.files.recorded_csv import RecordingKind, file_sha256, read_recording, recording_kind
from mm.adapters.postgres.ingest.market_data_rows import (
    MS_PER_DAY,
    binary_types,
    copy_sql,
    recorded_bbo_row,
    recorded_trade_row,
)
from mm.adapters.postgres.ingest.market_row_copy import (
    create_staging_sql,
    insert_staged_sql,
    staging_table,
    use_fast_bytea_dumper,
)
from mm.adapters.postgres.ingest.numeric_binary import NumericCache
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms, ddl_lock_sql, partition_name
from mm.adapters.postgres.urls import libpq_url

_TABLES = {
    RecordingKind.BBO: ("md_bbo", recorded_bbo_row),
    RecordingKind.TRADES: ("md_trade", recorded_trade_row),
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    path: Path
    table: str
    rows: int
    skipped: bool  # the same file was imported before: nothing stored
    first_ts_ms: int | None = None  # the span of the rows stored (None when nothing was)
    last_ts_ms: int | None = None


def import_recording(
    database_url: str,
    path: Path,
    exchange: str,
    symbol: str,
    on_rows: Callable[[int], object] = lambda _n: None,
) -> ImportResult:
    """Import one recorded file; `on_rows(n)` reports progress every few thousand rows."""
    kind = recording_kind(path)
    table = _TABLES[kind][0]
    name = f"{symbol}:{kind.value}:{file_sha256(path)}"
    with psycopg.connect(libpq_url(database_url)) as conn, conn.transaction():
        source_id = conn.execute(
            "INSERT INTO md_source (kind, exchange, name, detail) VALUES ('file', %s, %s, %s::jsonb) "
            "ON CONFLICT (kind, exchange, name) DO NOTHING RETURNING id",
            (exchange, name, f'{{"file": "{path.name}"}}'),
        ).fetchone()
        if source_id is None:
            return ImportResult(path, table, 0, skipped=True)
        use_fast_bytea_dumper(conn)
        conn.execute(create_staging_sql(table))
        staged = _stage_rows(conn, path, (exchange, symbol), source_id[0], on_rows)
        conn.execute(ddl_lock_sql())
        for day in staged.days:
            conn.execute(create_partition_sql(table, day))
        conn.execute(insert_staged_sql(table))
    _analyze(database_url, table, staged.days)
    return ImportResult(
        path, table, staged.rows, skipped=False, first_ts_ms=staged.first_ts_ms, last_ts_ms=staged.last_ts_ms
    )


@dataclass(slots=True)
class _Staged:
    rows: int = 0
    days: list[date] = field(default_factory=list)
    first_ts_ms: int | None = None
    last_ts_ms: int | None = None


def _stage_rows(
    conn: psycopg.Connection,
    path: Path,
    market: tuple[str, str],
    source_id: int,
    on_rows: Callable[[int], object],
) -> _Staged:
    """COPY the file's rows into the staging table; return how many, their span and the UTC days they fall on."""
    table, encode = _TABLES[recording_kind(path)]
    numeric = NumericCache()
    epoch_days: set[int] = set()
    staged = _Staged()
    low, high = None, None
    with conn.cursor().copy(copy_sql(table, binary=True, into=staging_table(table))) as copy:
        copy.set_types(binary_types(table))
        for row_no, (_line_no, ts_ms, fields) in enumerate(read_recording(path), start=1):
            copy.write_row((source_id, *encode(market, ts_ms, fields, row_no, numeric)))
            epoch_days.add(ts_ms // MS_PER_DAY)
            low = ts_ms if low is None or ts_ms < low else low
            high = ts_ms if high is None or ts_ms > high else high
            staged.rows = row_no
            if row_no % 5000 == 0:
                on_rows(5000)
    on_rows(staged.rows % 5000)
    staged.days = sorted(day_of_ms(day * MS_PER_DAY) for day in epoch_days)
    staged.first_ts_ms, staged.last_ts_ms = low, high
    return staged


def _analyze(database_url: str, table: str, days: list[date]) -> None:
    """Let the planner see the new rows at once (see docs/database.md)."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        for day in days:
            conn.execute(f"ANALYZE {partition_name(table, day)}")
