"""`AggregationSource` on Postgres: `agg_1h` / `agg_1m` buckets and the worst rows of `fills_enriched`."""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import RowMapping, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import agg_1h, agg_1m, fills_enriched
from mm.domain.mode import Mode
from mm.domain.reflection_input import HourlyAggregate, WorstFill
from mm.domain.reflection_window import ReflectionWindow
from mm.domain.side import Side

_AGGREGATE_COLUMNS = tuple(field.name for field in fields(HourlyAggregate) if field.name != "bucket_start_ms")


class PostgresAggregationSource:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def hourly_aggregates(self, exchange: str, symbol: str, window: ReflectionWindow) -> list[HourlyAggregate]:
        return await self._aggregates(agg_1h, exchange, symbol, window)

    async def minute_aggregates(self, exchange: str, symbol: str, window: ReflectionWindow) -> list[HourlyAggregate]:
        return await self._aggregates(agg_1m, exchange, symbol, window)

    async def _aggregates(
        self, table: Table, exchange: str, symbol: str, window: ReflectionWindow
    ) -> list[HourlyAggregate]:
        query = (
            select(table.c.bucket_start, *(table.c[name] for name in _AGGREGATE_COLUMNS))
            .where(
                table.c.exchange == exchange,
                table.c.symbol == symbol,
                table.c.bucket_start >= to_datetime(window.start_ms),
                table.c.bucket_start < to_datetime(window.end_ms),
            )
            .order_by(table.c.bucket_start)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [_aggregate(row) for row in rows]

    async def worst_fills(self, exchange: str, symbol: str, window: ReflectionWindow, limit: int) -> list[WorstFill]:
        table = fills_enriched
        query = (
            select(table)
            .where(
                table.c.exchange == exchange,
                table.c.symbol == symbol,
                table.c.ts >= to_datetime(window.start_ms),
                table.c.ts < to_datetime(window.end_ms),
                table.c.markout_10s_bps.is_not(None),
            )
            .order_by(table.c.markout_10s_bps, table.c.ts, table.c.fill_id)
            .limit(limit)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [_worst_fill(row) for row in rows]


def _aggregate(row: RowMapping) -> HourlyAggregate:
    return HourlyAggregate(
        bucket_start_ms=to_epoch_ms(row["bucket_start"]), **{name: row[name] for name in _AGGREGATE_COLUMNS}
    )


def _worst_fill(row: RowMapping) -> WorstFill:
    return WorstFill(
        fill_id=row["fill_id"],
        ts_ms=to_epoch_ms(row["ts"]),
        side=Side(row["side"]),
        price=row["price"],
        size=row["size"],
        markout_1s_bps=row["markout_1s_bps"],
        markout_10s_bps=row["markout_10s_bps"],
        markout_60s_bps=row["markout_60s_bps"],
        mode=Mode(row["mode"]) if row["mode"] is not None else None,
        params_version=row["params_version"],
    )
