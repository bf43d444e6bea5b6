"""`FundingRateStore` on Postgres: `md_funding`, one row per market and settlement time."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import md_funding
from mm.domain.market_tape import FundingRate


class PostgresFundingRateStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def save(self, exchange: str, symbol: str, rates: Sequence[FundingRate]) -> int:
        if not rates:
            return 0
        rows = [{"exchange": exchange, "symbol": symbol, "ts": to_datetime(r.ts_ms), "rate": r.rate} for r in rates]
        statement = insert(md_funding).values(rows).on_conflict_do_nothing().returning(md_funding.c.ts)
        with translate_db_errors():
            async with self._engine.begin() as conn:
                return len((await conn.execute(statement)).all())

    async def last_ts_ms(self, exchange: str, symbol: str) -> int | None:
        query = select(func.max(md_funding.c.ts)).where(
            md_funding.c.exchange == exchange, md_funding.c.symbol == symbol
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                newest = await conn.scalar(query)
        return None if newest is None else to_epoch_ms(newest)
