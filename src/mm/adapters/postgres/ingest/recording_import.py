"""`mm data import`: load a recorded CSV file into `md_bbo` / `md_trade` with COPY, in one transaction.

Idempotent: the file's sha256 (with market and kind) is its `md_source` name, so importing the same
file twice stores it once. All-or-nothing: rows go to a temporary table first, and a malformed row
rolls the whole file back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg

from mm.adapters.files.recorded_csv import RecordingKind, file_sha256, read_recording, recording_kind
from mm.adapters.postgres.partitions import create_partition_sql, partition_name
from mm.adapters.postgres.urls import libpq_url

_STAGING = {
    RecordingKind.BBO: (
        "md_bbo",
        "CREATE TEMP TABLE staging (row_no bigint, ts_ms bigint, bid_px numeric, bid_sz numeric, "
        "ask_px numeric, ask_sz numeric) ON COMMIT DROP",
        "INSERT INTO md_bbo (exchange, symbol, ts, seq, bid_px, bid_sz, ask_px, ask_sz, source_id, row_no) "
        "SELECT %(exchange)s, %(symbol)s, (timestamptz 'epoch' + ts_ms * interval '1 millisecond'), NULL, bid_px, bid_sz, ask_px, ask_sz, "
        "%(source_id)s, row_no FROM staging ON CONFLICT DO NOTHING",
    ),
    RecordingKind.TRADES: (
        "md_trade",
        "CREATE TEMP TABLE staging (row_no bigint, ts_ms bigint, price numeric, size numeric, side text) "
        "ON COMMIT DROP",
        "INSERT INTO md_trade (exchange, symbol, ts, seq, price, size, taker_side, kind, is_replay, source_id, row_no) "
        "SELECT %(exchange)s, %(symbol)s, (timestamptz 'epoch' + ts_ms * interval '1 millisecond'), NULL, price, size, side, 'trade', false, "
        "%(source_id)s, row_no FROM staging ON CONFLICT DO NOTHING",
    ),
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    path: Path
    table: str
    rows: int
    skipped: bool  # the same file was imported before: nothing stored


def import_recording(
    database_url: str,
    path: Path,
    exchange: str,
    symbol: str,
    on_rows: Callable[[int], object] = lambda _n: None,
) -> ImportResult:
    """Import one recorded file; `on_rows(n)` reports progress every few thousand rows."""
    kind = recording_kind(path)
    table, create_staging, insert = _STAGING[kind]
    name = f"{symbol}:{kind.value}:{file_sha256(path)}"
    with psycopg.connect(libpq_url(database_url)) as conn, conn.transaction():
        source_id = conn.execute(
            "INSERT INTO md_source (kind, exchange, name, detail) VALUES ('file', %s, %s, %s::jsonb) "
            "ON CONFLICT (kind, exchange, name) DO NOTHING RETURNING id",
            (exchange, name, f'{{"file": "{path.name}"}}'),
        ).fetchone()
        if source_id is None:
            return ImportResult(path, table, 0, skipped=True)
        conn.execute(create_staging)
        rows = _copy_rows(conn, path, on_rows)
        days: list[date] = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT ((timestamptz 'epoch' + ts_ms * interval '1 millisecond') AT TIME ZONE 'UTC')::date "
                "FROM staging"
            )
        ]
        conn.execute("SELECT pg_advisory_xact_lock(7310001)")
        for day in days:
            conn.execute(create_partition_sql(table, day))
        conn.execute(insert, {"exchange": exchange, "symbol": symbol, "source_id": source_id[0]})
    _analyze(database_url, table, days)
    return ImportResult(path, table, rows, skipped=False)


def _copy_rows(conn: psycopg.Connection, path: Path, on_rows: Callable[[int], object]) -> int:
    rows = 0
    with conn.cursor().copy("COPY staging FROM STDIN") as copy:
        for row_no, (_line_no, _ts_ms, fields) in enumerate(read_recording(path), start=1):
            copy.write_row((row_no, *fields))
            rows = row_no
            if row_no % 5000 == 0:
                on_rows(5000)
    on_rows(rows % 5000)
    return rows


def _analyze(database_url: str, table: str, days: list[date]) -> None:
    """Let the planner see the new rows at once (see docs/database.md)."""
    with psycopg.connect(libpq_url(database_url), autocommit=True) as conn:
        for day in days:
            conn.execute(f"ANALYZE {partition_name(table, day)}")
