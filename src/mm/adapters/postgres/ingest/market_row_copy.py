"""Storing encoded `md_*` rows with COPY, each venue message once however many apps recorded it.

COPY cannot skip a row whose key is already stored. So a table's rows go straight in with COPY
(the fastest way, and the common case: one app records each market) inside a savepoint; a key
already there rolls back to the savepoint, and the rows go through a staging table instead,
`INSERT … SELECT … ON CONFLICT DO NOTHING` (measured about 1.6x plain COPY's server time). A table
stays on that path while its batches meet copies another writer stored, and goes back to plain
COPY after a batch that met none.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg
from psycopg import errors as pg_errors
from psycopg.types.string import BytesBinaryDumper

from mm.adapters.postgres.ingest.copy_text import with_source_id
from mm.adapters.postgres.ingest.market_data_rows import Row, binary_types, column_list, copy_sql

Rows = Sequence[Row] | bytes
"""Binary COPY tuples, or text COPY lines without `source_id` (a batch replayed from the spool)."""


def use_fast_bytea_dumper(
    conn: psycopg.Connection[tuple[object, ...]] | psycopg.AsyncConnection[tuple[object, ...]],
) -> None:
    """Dump the pre-encoded numerics with psycopg's C bytes dumper.

    COPY picks dumpers by type for `set_types`; for bytea that is the DB-API `Binary` dumper, written
    in Python. The plain bytes dumper (C) is measured ~4x cheaper.
    """
    conn.adapters.register_dumper(None, BytesBinaryDumper)


def staging_table(table: str) -> str:
    return f"{table}_incoming"


def create_staging_sql(table: str) -> str:
    """The session's staging table of `table`; emptied at every commit (one batch per transaction)."""
    return f"CREATE TEMP TABLE IF NOT EXISTS {staging_table(table)} (LIKE {table}) ON COMMIT DELETE ROWS"


def insert_staged_sql(table: str) -> str:
    """Move the staged rows into `table`, leaving out every row whose message is stored already."""
    columns = column_list(table)
    return f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging_table(table)} ON CONFLICT DO NOTHING"


def row_count(rows: Rows) -> int:
    return rows.count(b"\n") if isinstance(rows, bytes) else len(rows)


async def copy_rows(
    conn: psycopg.AsyncConnection[tuple[object, ...]],
    table: str,
    rows: Rows,
    source_id: int,
    *,
    into: str | None = None,
) -> None:
    """COPY `table`'s rows (of `source_id`) into `into` (default: the table itself)."""
    async with conn.cursor() as cursor:
        if isinstance(rows, bytes):
            async with cursor.copy(copy_sql(table, binary=False, into=into)) as copy:
                await copy.write(with_source_id(rows, source_id))
            return
        async with cursor.copy(copy_sql(table, binary=True, into=into)) as copy:
            copy.set_types(binary_types(table))
            for row in rows:
                await copy.write_row((source_id, *row))


class MarketRowCopy:
    """Stores rows inside the caller's transaction; remembers which tables last met another writer's copies."""

    def __init__(self) -> None:
        self._shared_tables: set[str] = set()

    async def store(
        self, conn: psycopg.AsyncConnection[tuple[object, ...]], table: str, rows: Rows, source_id: int
    ) -> int:
        """Store the rows not stored yet; return how many that was. Call inside a transaction."""
        count = row_count(rows)
        if not count:
            return 0
        if table not in self._shared_tables:
            await conn.execute("SAVEPOINT md_copy")
            try:
                await copy_rows(conn, table, rows, source_id)
            except pg_errors.UniqueViolation:
                await conn.execute("ROLLBACK TO SAVEPOINT md_copy")
                self._shared_tables.add(table)
            else:
                await conn.execute("RELEASE SAVEPOINT md_copy")
                return count
        await conn.execute(create_staging_sql(table))
        await copy_rows(conn, table, rows, source_id, into=staging_table(table))
        stored = (await conn.execute(insert_staged_sql(table))).rowcount
        if stored == count:
            self._shared_tables.discard(table)
        return stored
