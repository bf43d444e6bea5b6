"""Stores one ingest batch in one transaction with psycopg 3 COPY, exactly once.

The transaction first claims the batch id in `md_ingest_batch`; if the id is already there, an
earlier attempt committed (perhaps with the answer lost on a dropped connection) and nothing is
stored again. Then rows go in with COPY (a venue message another app stored already is left out:
`market_row_copy.py`), gaps into `md_gap`, and `latest_top` / `latest_price` are upserted, the
newest exchange time winning. Day partitions are created first, in a short
transaction of their own, so the batch never holds the DDL lock. A batch refused for a row's
content is written again by `write_isolating`, which leaves each refused row out (`row_isolation.py`).
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Iterable
from datetime import UTC, date, datetime

import psycopg

from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.ingest.batch import GapEvent, IngestBatch, RecordingSource
from mm.adapters.postgres.ingest.market_data_rows import MS_PER_DAY
from mm.adapters.postgres.ingest.market_row_copy import MarketRowCopy, Rows, use_fast_bytea_dumper
from mm.adapters.postgres.ingest.row_isolation import Connection, execute_isolating, store_rows_isolating
from mm.adapters.postgres.ingest.storable import RejectedRow
from mm.adapters.postgres.partitions import create_partition_sql, ddl_lock_sql
from mm.adapters.postgres.tables import PARTITIONED_TABLES
from mm.adapters.postgres.urls import libpq_url
from mm.domain.market_events import BestBidOffer, FeedGap, PriceUpdate
from mm.ports.errors import StoreError

_CLAIM_BATCH = "INSERT INTO md_ingest_batch (batch_id, rows) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1"
_REGISTER_SOURCE = (
    "INSERT INTO md_source (kind, exchange, name, detail) VALUES (%s, %s, %s, %s::jsonb) "
    "ON CONFLICT (kind, exchange, name) DO UPDATE SET kind = EXCLUDED.kind RETURNING id"
)
_OPEN_GAP = (
    "INSERT INTO md_gap (exchange, symbol, stream, kind, from_ts, expected_seq, received_seq, detail) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)
# A recovery closes every gap its outage opened (a flapping connection reports several).
_CLOSE_GAPS = (
    "UPDATE md_gap SET to_ts = %s WHERE exchange = %s AND symbol = %s AND stream = %s "
    "AND to_ts IS NULL AND from_ts >= %s"
)
_UPSERT_TOP = (
    "INSERT INTO latest_top AS t (exchange, symbol, ts, recv_ts, bid_px, bid_sz, ask_px, ask_sz, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, now()) ON CONFLICT (exchange, symbol) DO UPDATE SET "
    "ts = EXCLUDED.ts, recv_ts = EXCLUDED.recv_ts, bid_px = EXCLUDED.bid_px, bid_sz = EXCLUDED.bid_sz, "
    "ask_px = EXCLUDED.ask_px, ask_sz = EXCLUDED.ask_sz, updated_at = now() WHERE t.ts <= EXCLUDED.ts"
)
_UPSERT_PRICE = (
    "INSERT INTO latest_price AS p (exchange, symbol, kind, ts, recv_ts, price, updated_at) "
    "VALUES (%s, %s, %s, %s, %s, %s, now()) ON CONFLICT (exchange, symbol, kind) DO UPDATE SET "
    "ts = EXCLUDED.ts, recv_ts = EXCLUDED.recv_ts, price = EXCLUDED.price, updated_at = now() "
    "WHERE p.ts <= EXCLUDED.ts"
)


def _dt(ts_ms: int) -> datetime:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC)


class PostgresBatchWriter:
    """One connection, reopened after any failure; `write` is not re-entrant."""

    def __init__(self, database_url: str, *, connect_timeout_s: float = 5.0, write_timeout_s: float = 30.0) -> None:
        self._url = libpq_url(database_url)
        self._connect_timeout_s = connect_timeout_s
        self._write_timeout_s = write_timeout_s
        self._conn: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self._source_ids: dict[RecordingSource, int] = {}
        self._known_days: set[int] = set()
        self._rows = MarketRowCopy()

    async def write(self, batch: IngestBatch) -> bool:
        """Store `batch`; False if it had been stored before. Raises `StoreUnavailable` or `StoreError`.

        A row the driver cannot send (a dumper's own error) is a `StoreError` like a row the server
        refused: `write_isolating` then finds it.
        """
        return (await self._guarded(batch, isolate=False))[0]

    async def write_isolating(self, batch: IngestBatch) -> tuple[bool, list[RejectedRow]]:
        """Store `batch` leaving out each row, gap or latest value refused for its content; return those.

        Slower than `write` (savepoints, halving): for a batch `write` failed with a `StoreError`.
        """
        return await self._guarded(batch, isolate=True)

    async def _guarded(self, batch: IngestBatch, *, isolate: bool) -> tuple[bool, list[RejectedRow]]:
        try:
            try:
                with translate_db_errors():  # a write that timed out is StoreUnavailable
                    async with asyncio.timeout(self._write_timeout_s):
                        return await self._write(batch, isolate=isolate)
            except (ValueError, TypeError, OverflowError, UnicodeError, struct.error) as error:
                raise StoreError(f"a row could not be sent: {type(error).__name__}: {error}") from error
        except StoreError:
            # The connection's state is unknown (e.g. cancelled mid-COPY): start over next time.
            await self.close()
            self._known_days.clear()
            raise

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.closed:
            await conn.close()

    async def _write(self, batch: IngestBatch, *, isolate: bool) -> tuple[bool, list[RejectedRow]]:
        conn = await self._connection()
        source_id = await self._source_id(conn, batch.source)
        await self._ensure_partitions(conn, batch.days)
        refused: list[RejectedRow] = []
        async with conn.transaction():
            claimed = await (await conn.execute(_CLAIM_BATCH, (batch.batch_id, batch.row_total))).fetchone()
            if claimed is None:
                return False, refused
            tables: list[tuple[str, Rows]] = [*batch.binary_rows.items(), *batch.text_rows.items()]
            if isolate:
                for table, rows in tables:
                    refused += await store_rows_isolating(conn, self._rows, table, rows, source_id)
                refused += await self._write_others_isolating(conn, batch)
            else:
                for table, rows in tables:
                    await self._rows.store(conn, table, rows, source_id)
                async with conn.cursor() as cursor:
                    await self._write_gaps(cursor, batch)
                    await self._write_latest(cursor, batch)
        return True, refused

    @staticmethod
    async def _write_others_isolating(conn: Connection, batch: IngestBatch) -> list[RejectedRow]:
        """Gaps and latest values one statement each, each refused one left out."""
        refused: list[RejectedRow] = []
        for event in batch.gap_events:
            statement, params = _gap_statement(event)
            refused += await execute_isolating(conn, "md_gap", statement, [params], [event])
        tops, prices = batch.latest_tops, batch.latest_prices
        refused += await execute_isolating(conn, "latest_top", _UPSERT_TOP, [_top_params(t) for t in tops], tops)
        refused += await execute_isolating(
            conn, "latest_price", _UPSERT_PRICE, [_price_params(p) for p in prices], prices
        )
        return refused

    async def _connection(self) -> psycopg.AsyncConnection[tuple[object, ...]]:
        if self._conn is None or self._conn.closed:
            conn = await psycopg.AsyncConnection.connect(
                self._url,
                autocommit=True,
                connect_timeout=max(1, round(self._connect_timeout_s)),
                application_name="mm-ingest",
            )
            use_fast_bytea_dumper(conn)
            self._conn = conn
        return self._conn

    async def _source_id(self, conn: psycopg.AsyncConnection[tuple[object, ...]], source: RecordingSource) -> int:
        known = self._source_ids.get(source)
        if known is not None:
            return known
        row = await (
            await conn.execute(_REGISTER_SOURCE, (source.kind, source.exchange, source.name, source.detail))
        ).fetchone()
        source_id = row[0] if row is not None else None
        if not isinstance(source_id, int):
            raise StoreError(f"md_source gave no id for {source.name}")
        self._source_ids[source] = source_id
        return source_id

    async def _ensure_partitions(self, conn: psycopg.AsyncConnection[tuple[object, ...]], days: Iterable[int]) -> None:
        new_days = sorted(set(days) - self._known_days)
        if not new_days:
            return
        async with conn.transaction():
            await conn.execute(ddl_lock_sql())
            for day in new_days:
                for table in PARTITIONED_TABLES:
                    await conn.execute(create_partition_sql(table, _day(day)))
        self._known_days.update(new_days)

    @staticmethod
    async def _write_gaps(cursor: psycopg.AsyncCursor[tuple[object, ...]], batch: IngestBatch) -> None:
        for event in batch.gap_events:
            await cursor.execute(*_gap_statement(event))

    @staticmethod
    async def _write_latest(cursor: psycopg.AsyncCursor[tuple[object, ...]], batch: IngestBatch) -> None:
        if batch.latest_tops:
            await cursor.executemany(_UPSERT_TOP, [_top_params(t) for t in batch.latest_tops])
        if batch.latest_prices:
            await cursor.executemany(_UPSERT_PRICE, [_price_params(p) for p in batch.latest_prices])


def _gap_statement(event: GapEvent) -> tuple[str, tuple[object, ...]]:
    if isinstance(event, FeedGap):
        return _OPEN_GAP, (
            event.exchange,
            event.symbol,
            event.stream,
            event.kind.value,
            _dt(event.from_ts_ms),
            event.expected_seq,
            event.received_seq,
            event.detail,
        )
    return _CLOSE_GAPS, (
        _dt(event.recovered_ts_ms),
        event.exchange,
        event.symbol,
        event.stream,
        _dt(event.gap_from_ts_ms),
    )


def _top_params(t: BestBidOffer) -> tuple[object, ...]:
    return (
        t.exchange,
        t.symbol,
        _dt(t.exchange_ts_ms),
        _dt(t.received_ts_ms),
        t.bid_px,
        t.bid_sz,
        t.ask_px,
        t.ask_sz,
    )


def _price_params(p: PriceUpdate) -> tuple[object, ...]:
    return (p.exchange, p.symbol, p.kind.value, _dt(p.exchange_ts_ms), _dt(p.received_ts_ms), p.price)


def _day(epoch_day: int) -> date:
    return datetime.fromtimestamp(epoch_day * MS_PER_DAY / 1000, tz=UTC).date()
