"""`FundingSettlementSource` on Postgres: `md_funding` rows priced at the last `md_price` mark, else the mid."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.domain.pnl_attribution import FundingPayment

SETTLEMENT_MARK_PX = """coalesce(
    (SELECT p.price FROM md_price p WHERE p.exchange = s.exchange AND p.symbol = s.symbol AND p.kind = 'mark'
       AND p.ts <= s.ts ORDER BY p.ts DESC LIMIT 1),
    (SELECT (b.bid_px + b.ask_px) / 2 FROM md_bbo b WHERE b.exchange = s.exchange AND b.symbol = s.symbol
       AND b.ts <= s.ts AND b.bid_px IS NOT NULL AND b.ask_px IS NOT NULL ORDER BY b.ts DESC LIMIT 1))"""
"""The price a settlement `s` (a `md_funding` row) is charged at: the last mark then, else the last mid (SQL)."""

_SETTLEMENTS = text(f"""
SELECT s.ts, s.rate, {SETTLEMENT_MARK_PX} AS mark_px
FROM md_funding s WHERE s.exchange = :exchange AND s.symbol = :symbol AND s.ts >= :start AND s.ts < :end
ORDER BY s.ts
""")


class PostgresFundingSettlements:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def settlements_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[FundingPayment]:
        params = {"exchange": exchange, "symbol": symbol, "start": to_datetime(start_ms), "end": to_datetime(end_ms)}
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(_SETTLEMENTS, params)).all()
        return [FundingPayment(to_epoch_ms(row.ts), row.rate, row.mark_px) for row in rows if row.mark_px is not None]
