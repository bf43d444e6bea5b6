"""`TradingHistory` on Postgres: reads `ex_fill`, `ex_decision` and `ex_position` through their
(exchange, symbol, ts DESC) indexes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, TextClause, text
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.domain.mode import Mode
from mm.domain.mode_timeline import DecisionSample
from mm.domain.position_timeline import PositionSample

# A loose index scan per table: one index descent per distinct symbol instead of reading every row.
DISTINCT_SYMBOLS_CTE = """
    {name}(symbol) AS (
        (SELECT symbol FROM {table} WHERE exchange = :exchange ORDER BY symbol LIMIT 1)
        UNION ALL
        SELECT (SELECT t.symbol FROM {table} t WHERE t.exchange = :exchange AND t.symbol > {name}.symbol
                ORDER BY t.symbol LIMIT 1)
        FROM {name} WHERE {name}.symbol IS NOT NULL
    )"""
_SYMBOLS = text(f"""
WITH RECURSIVE {DISTINCT_SYMBOLS_CTE.format(name="filled", table="ex_fill")},
{DISTINCT_SYMBOLS_CTE.format(name="decided", table="ex_decision")}
SELECT symbol FROM filled WHERE symbol IS NOT NULL
UNION
SELECT symbol FROM decided WHERE symbol IS NOT NULL
ORDER BY 1
""")

_SPAN = text("""
SELECT min(first_ts) AS first_ts, max(last_ts) AS last_ts FROM (
    SELECT min(ts) AS first_ts, max(ts) AS last_ts FROM ex_fill WHERE exchange = :exchange AND symbol = :symbol
    UNION ALL
    SELECT min(ts), max(ts) FROM ex_decision WHERE exchange = :exchange AND symbol = :symbol
    UNION ALL
    SELECT min(ts), max(ts) FROM ex_position WHERE exchange = :exchange AND symbol = :symbol
) spans
""")

_BETWEEN_WITH_PRIOR = """
SELECT * FROM (
    (SELECT id, ts, {columns} FROM {table}
     WHERE exchange = :exchange AND symbol = :symbol AND ts < :start
     ORDER BY ts DESC, id DESC LIMIT 1)
    UNION ALL
    (SELECT id, ts, {columns} FROM {table}
     WHERE exchange = :exchange AND symbol = :symbol AND ts >= :start AND ts < :end)
) rows ORDER BY ts, id
"""
_DECISIONS = text(
    _BETWEEN_WITH_PRIOR.format(
        table="ex_decision", columns="mode, bid_px IS NOT NULL AND ask_px IS NOT NULL AS is_quoting_both_sides"
    )
)
_POSITIONS = text(_BETWEEN_WITH_PRIOR.format(table="ex_position", columns="size"))


class PostgresTradingHistory:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def symbols(self, exchange: str) -> list[str]:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                return list((await conn.execute(_SYMBOLS, {"exchange": exchange})).scalars())

    async def activity_span_ms(self, exchange: str, symbol: str) -> tuple[int, int] | None:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(_SPAN, {"exchange": exchange, "symbol": symbol})).one()
        if row.first_ts is None:
            return None
        return to_epoch_ms(row.first_ts), to_epoch_ms(row.last_ts)

    async def decisions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[DecisionSample]:
        rows = await self._between(_DECISIONS, exchange, symbol, start_ms, end_ms)
        return [
            DecisionSample(
                ts_ms=to_epoch_ms(row.ts), mode=Mode(row.mode), is_quoting_both_sides=row.is_quoting_both_sides
            )
            for row in rows
        ]

    async def positions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[PositionSample]:
        rows = await self._between(_POSITIONS, exchange, symbol, start_ms, end_ms)
        return [PositionSample(ts_ms=to_epoch_ms(row.ts), size=row.size) for row in rows]

    async def _between(
        self, query: TextClause, exchange: str, symbol: str, start_ms: int, end_ms: int
    ) -> list[Row[Any]]:
        params = {"exchange": exchange, "symbol": symbol, "start": to_datetime(start_ms), "end": to_datetime(end_ms)}
        with translate_db_errors():
            async with self._engine.connect() as conn:
                return list((await conn.execute(query, params)).all())
