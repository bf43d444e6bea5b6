"""`MarketMidSource` on Postgres: many as-of mids from `md_bbo` in one LATERAL query."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.errors import translate_db_errors

_MIDS_AT = text("""
SELECT wanted.ord, as_of.mid
FROM unnest(CAST(:times AS timestamptz[])) WITH ORDINALITY AS wanted(ts, ord)
LEFT JOIN LATERAL (
    SELECT (b.bid_px + b.ask_px) / 2 AS mid
    FROM md_bbo b
    WHERE b.exchange = :exchange AND b.symbol = :symbol
      AND b.ts <= wanted.ts AND b.ts >= wanted.ts - :max_staleness
      AND b.bid_px IS NOT NULL AND b.ask_px IS NOT NULL
    ORDER BY b.ts DESC, b.source_id DESC, b.row_no DESC
    LIMIT 1
) as_of ON true
ORDER BY wanted.ord
""")


class PostgresMarketMidSource:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def mids_at(
        self, exchange: str, symbol: str, times_ms: Sequence[int], max_staleness_ms: int
    ) -> list[Decimal | None]:
        if not times_ms:
            return []
        params = {
            "exchange": exchange,
            "symbol": symbol,
            "times": [to_datetime(ts_ms) for ts_ms in times_ms],
            "max_staleness": timedelta(milliseconds=max_staleness_ms),
        }
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(_MIDS_AT, params)).all()
        return [row.mid for row in rows]
