"""`BucketSummaryStore` on Postgres: `agg_1m` and `agg_1h`, upserted on (exchange, symbol, bucket_start)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, Table, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import agg_1h, agg_1m
from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth

_TABLES: Mapping[BucketWidth, Table] = {BucketWidth.MINUTE: agg_1m, BucketWidth.HOUR: agg_1h}
# Every field of the summary but the two that the table holds as its key or implicitly.
_VALUE_FIELDS = tuple(field.name for field in fields(BucketSummary) if field.name not in {"width", "bucket_start_ms"})
_KEY = ("exchange", "symbol", "bucket_start")


class PostgresBucketSummaryStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def upsert(self, summaries: Sequence[BucketSummary]) -> None:
        by_width: dict[BucketWidth, list[dict[str, Any]]] = {}
        for summary in summaries:
            by_width.setdefault(summary.width, []).append(_row(summary))
        with translate_db_errors():
            async with self._engine.begin() as conn:
                for width, rows in by_width.items():
                    statement = insert(_TABLES[width])
                    replaced = {name: statement.excluded[name] for name in rows[0] if name not in _KEY}
                    statement = statement.on_conflict_do_update(
                        index_elements=list(_KEY), set_={**replaced, "updated_at": func.now()}
                    )
                    await conn.execute(statement, rows)

    async def summaries_between(
        self, exchange: str, symbol: str, width: BucketWidth, start_ms: int, end_ms: int
    ) -> list[BucketSummary]:
        table = _TABLES[width]
        query = (
            select(table)
            .where(
                table.c.exchange == exchange,
                table.c.symbol == symbol,
                table.c.bucket_start >= to_datetime(start_ms),
                table.c.bucket_start < to_datetime(end_ms),
            )
            .order_by(table.c.bucket_start)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [_summary(row, width) for row in rows]

    async def latest(
        self, exchange: str, symbol: str, width: BucketWidth, *, before_ms: int | None = None
    ) -> BucketSummary | None:
        table = _TABLES[width]
        query = select(table).where(table.c.exchange == exchange, table.c.symbol == symbol)
        if before_ms is not None:
            query = query.where(table.c.bucket_start < to_datetime(before_ms))
        query = query.order_by(table.c.bucket_start.desc()).limit(1)
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(query)).mappings().first()
        return None if row is None else _summary(row, width)


def _row(summary: BucketSummary) -> dict[str, Any]:
    row = {name: getattr(summary, name) for name in _VALUE_FIELDS}
    row["bucket_start"] = to_datetime(summary.bucket_start_ms)
    return row


def _summary(row: RowMapping, width: BucketWidth) -> BucketSummary:
    values = {name: row[name] for name in _VALUE_FIELDS}
    for name in ("position_end",):
        values[name] = values[name] if values[name] is not None else Decimal(0)
    return BucketSummary(width=width, bucket_start_ms=to_epoch_ms(row["bucket_start"]), **values)
