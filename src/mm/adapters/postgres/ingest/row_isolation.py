"""Storing a batch Postgres refused, row by row where it must: the refused rows go aside, the rest is stored.

Refusals the writer can foresee (a timestamp, seq or number beyond its column) never reach
Postgres (`storable.py`). Anything else the server or the driver refuses for a row's content (a
NUL or a lone surrogate in a text, a constraint) fails the whole COPY; the batch is then stored
again in one transaction where each table's rows are halved under savepoints until every refused
row is alone: a batch with one bad row costs about 2·log2(rows) extra COPYs, and only when it
happens. A lost connection or a timeout is not a row's fault: it ends the attempt as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import psycopg

from mm.adapters.postgres.errors import store_error_of
from mm.adapters.postgres.ingest.copy_text import text_lines
from mm.adapters.postgres.ingest.market_data_rows import Row
from mm.adapters.postgres.ingest.market_row_copy import MarketRowCopy, Rows
from mm.adapters.postgres.ingest.storable import RejectedRow, RejectReason
from mm.ports.errors import StoreUnavailable

Connection = psycopg.AsyncConnection[tuple[object, ...]]
_SAVEPOINT = "md_isolate"


async def _attempt(conn: Connection, step: Callable[[], Awaitable[object]]) -> Exception | None:
    """Run `step` under a savepoint: None if it was stored, else the row-level error (rolled back)."""
    await conn.execute(f"SAVEPOINT {_SAVEPOINT}")
    try:
        await step()
    except Exception as error:  # the driver's and the dumpers' errors alike (UnicodeEncodeError, ...)
        if conn.closed or isinstance(store_error_of(error), StoreUnavailable):
            raise
        await conn.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
        return error
    await conn.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
    return None


async def store_rows_isolating(
    conn: Connection, copier: MarketRowCopy, table: str, rows: Rows, source_id: int
) -> list[RejectedRow]:
    """Store `table`'s rows inside the caller's transaction, leaving out (and returning) each refused row."""
    units: Sequence[Row] | list[bytes] = rows.splitlines(keepends=True) if isinstance(rows, bytes) else rows

    def packed(part: Sequence[Row] | list[bytes]) -> Rows:
        return b"".join(part) if isinstance(rows, bytes) else part  # type: ignore[arg-type, return-value]

    refused: list[RejectedRow] = []
    pending = [units]
    while pending:
        part = pending.pop()
        error = await _attempt(conn, lambda part=part: copier.store(conn, table, packed(part), source_id))  # type: ignore[misc]
        if error is None:
            continue
        if len(part) == 1:
            refused.append(RejectedRow(table, RejectReason.REFUSED, _reason(error), _shown_row(table, part[0])))
        else:
            middle = len(part) // 2
            pending += [part[middle:], part[:middle]]  # the first half is tried first
    return refused


async def execute_isolating(
    conn: Connection, table: str, statement: str, params: Sequence[tuple[object, ...]], items: Sequence[object]
) -> list[RejectedRow]:
    """Execute `statement` once per parameter row, leaving out (and returning) each refused one."""
    refused: list[RejectedRow] = []
    for values, item in zip(params, items, strict=True):

        async def run(values: tuple[object, ...] = values) -> None:
            async with conn.cursor() as cursor:
                await cursor.execute(statement, values)

        error = await _attempt(conn, run)
        if error is not None:
            refused.append(RejectedRow(table, RejectReason.REFUSED, _reason(error), item))
    return refused


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".splitlines()[0][:300]


def _shown_row(table: str, unit: Row | bytes) -> object:
    """A refused row as readable text: its text COPY line."""
    if isinstance(unit, bytes):
        return unit.decode(errors="replace").rstrip("\n")
    try:
        return text_lines(table, [unit]).decode(errors="replace").rstrip("\n")
    except (ValueError, UnicodeError):
        return repr(unit)
