"""`ReflectionOutcomeStore` on Postgres: `reflection_outcome`, one row per market and window."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import reflection_outcome
from mm.domain.reflection_outcome import WindowDecision, WindowOutcome
from mm.domain.reflection_window import ReflectionWindow


class PostgresReflectionOutcomeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def record(self, decision: WindowDecision) -> bool:
        statement = (
            insert(reflection_outcome)
            .values(
                exchange=decision.exchange,
                symbol=decision.symbol,
                window_start=to_datetime(decision.window.start_ms),
                window_end=to_datetime(decision.window.end_ms),
                outcome=decision.outcome.value,
                proposal_id=decision.proposal_id,
                reasons=list(decision.reasons),
                decided_at=to_datetime(decision.decided_ts_ms),
            )
            .on_conflict_do_nothing()
            .returning(reflection_outcome.c.outcome)
        )
        with translate_db_errors():
            async with self._engine.begin() as conn:
                return (await conn.execute(statement)).first() is not None

    async def get(self, exchange: str, symbol: str, window: ReflectionWindow) -> WindowDecision | None:
        table = reflection_outcome
        query = select(table).where(
            table.c.exchange == exchange,
            table.c.symbol == symbol,
            table.c.window_start == to_datetime(window.start_ms),
            table.c.window_end == to_datetime(window.end_ms),
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return WindowDecision(
            exchange=row["exchange"],
            symbol=row["symbol"],
            window=window,
            outcome=WindowOutcome(row["outcome"]),
            decided_ts_ms=to_epoch_ms(row["decided_at"]),
            proposal_id=row["proposal_id"],
            reasons=tuple(row["reasons"]),
        )
