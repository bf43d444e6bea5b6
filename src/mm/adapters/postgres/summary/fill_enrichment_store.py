"""`FillEnrichmentStore` on Postgres: `ex_fill` enriched into `fills_enriched` by set-based SQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import RowMapping, Select, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.summary.fill_enrichment_sql import enrich_pending_sql
from mm.adapters.postgres.tables import fills_enriched
from mm.domain.enrichment_pass import EnrichmentPass, MarketTouch
from mm.domain.fill_enrichment import MarkoutSpec
from mm.domain.fill_summary import EnrichedFill, FillRecord, HorizonMarkout
from mm.domain.mode import Mode
from mm.domain.side import Side

_WITH_SYMBOL = text(enrich_pending_sql(with_symbol=True))
_ALL_SYMBOLS = text(enrich_pending_sql(with_symbol=False))
_NO_JIT = text("SET LOCAL jit = off")


class PostgresFillEnrichmentStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def enrich_pending(
        self,
        exchange: str,
        spec: MarkoutSpec,
        *,
        limit: int,
        after_fill_id: str | None = None,
        symbol: str | None = None,
    ) -> EnrichmentPass:
        params: dict[str, Any] = {
            "exchange": exchange,
            "after_fill_id": after_fill_id or "",
            "limit": limit,
            "max_staleness": timedelta(milliseconds=spec.max_staleness_ms),
        }
        if symbol is not None:
            params["symbol"] = symbol
        with translate_db_errors():
            async with self._engine.begin() as conn:
                # Thousands of tiny index look-ups: compiling the plan costs more than it saves.
                await conn.execute(_NO_JIT)
                rows = (
                    (await conn.execute(_WITH_SYMBOL if symbol is not None else _ALL_SYMBOLS, params)).mappings().all()
                )
        touched = tuple(_touch(row) for row in rows if row["symbol"] is not None)
        return EnrichmentPass(examined=rows[0]["examined"], last_fill_id=rows[0]["last_fill_id"], touched=touched)

    async def enriched_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[EnrichedFill]:
        table = fills_enriched
        query = (
            select(table)
            .where(
                table.c.exchange == exchange,
                table.c.symbol == symbol,
                table.c.ts >= to_datetime(start_ms),
                table.c.ts < to_datetime(end_ms),
            )
            .order_by(table.c.ts, table.c.fill_id)
        )
        return await self._fetch(query)

    async def worst_fills(
        self, exchange: str, start_ms: int, end_ms: int, *, limit: int, symbol: str | None = None
    ) -> list[EnrichedFill]:
        table = fills_enriched
        query = select(table).where(
            table.c.exchange == exchange,
            table.c.ts >= to_datetime(start_ms),
            table.c.ts < to_datetime(end_ms),
            table.c.markout_10s_bps.is_not(None),
        )
        if symbol is not None:
            query = query.where(table.c.symbol == symbol)
        return await self._fetch(query.order_by(table.c.markout_10s_bps, table.c.ts, table.c.fill_id).limit(limit))

    async def _fetch(self, query: Select[Any]) -> list[EnrichedFill]:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [_enriched(row) for row in rows]


def _touch(row: RowMapping) -> MarketTouch:
    return MarketTouch(
        symbol=row["symbol"],
        first_ts_ms=to_epoch_ms(row["first_ts"]),
        last_ts_ms=to_epoch_ms(row["last_ts"]),
        written=row["written"],
        completed=row["completed"],
    )


def _enriched(row: RowMapping) -> EnrichedFill:
    fill = FillRecord(
        exchange=row["exchange"],
        fill_id=row["fill_id"],
        symbol=row["symbol"],
        ts_ms=to_epoch_ms(row["ts"]),
        side=Side(row["side"]),
        price=row["price"],
        size=row["size"],
        fee=row["fee"],
        mode=Mode(row["mode"]) if row["mode"] is not None else None,
        params_version=row["params_version"],
    )
    return EnrichedFill(
        fill=fill,
        mid_at_fill=row["mid_at_fill"],
        spread_at_fill=row["spread_at_fill"],
        markout_1s=_markout(row, 1),
        markout_10s=_markout(row, 10),
        markout_60s=_markout(row, 60),
    )


def _markout(row: RowMapping, horizon_s: int) -> HorizonMarkout | None:
    price, bps = row[f"markout_{horizon_s}s"], row[f"markout_{horizon_s}s_bps"]
    if price is None or bps is None:
        return None
    return HorizonMarkout(horizon_s=horizon_s, price=price, bps=bps)
