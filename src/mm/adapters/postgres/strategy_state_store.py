"""`StrategyStateStore` on Postgres: snapshots are appended with a version one above the last."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import strategy_state
from mm.domain.mode import Mode
from mm.domain.strategy_snapshot import StrategySnapshot
from mm.ports.errors import StoreConflict


class PostgresStrategyStateStore:
    """Keeps the last `keep_last` snapshots per market; older ones are pruned on save."""

    def __init__(self, engine: AsyncEngine, keep_last: int = 1000) -> None:
        self._engine = engine
        self._keep_last = keep_last

    async def save(self, snapshot: StrategySnapshot) -> None:
        table = strategy_state
        market = (table.c.exchange == snapshot.exchange) & (table.c.symbol == snapshot.symbol)
        with translate_db_errors():
            try:
                async with self._engine.begin() as conn:
                    stored = int(
                        await conn.scalar(select(func.coalesce(func.max(table.c.version), 0)).where(market)) or 0
                    )
                    if snapshot.version != stored + 1:
                        raise StoreConflict(
                            f"strategy_state {snapshot.exchange}/{snapshot.symbol} is at version {stored}; "
                            f"cannot save version {snapshot.version}"
                        )
                    await conn.execute(insert(table).values(_row(snapshot)))
                    await conn.execute(
                        delete(table).where(market, table.c.version <= snapshot.version - self._keep_last)
                    )
            except IntegrityError as error:
                # A concurrent writer inserted the same version first.
                raise StoreConflict(f"strategy_state version {snapshot.version} was saved concurrently") from error

    async def load_latest(self, exchange: str, symbol: str) -> StrategySnapshot | None:
        table = strategy_state
        query = (
            select(table)
            .where(table.c.exchange == exchange, table.c.symbol == symbol)
            .order_by(table.c.version.desc())
            .limit(1)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return StrategySnapshot(
            exchange=row["exchange"],
            symbol=row["symbol"],
            mode=Mode(row["mode"]),
            params_version=row["params_version"],
            saved_ts_ms=int(row["saved_ts"].timestamp() * 1000),
            version=row["version"],
            mode_reasons=tuple(row["mode_reasons"]),
            detail=dict(row["detail"]),
        )


def _row(snapshot: StrategySnapshot) -> dict[str, object]:
    return {
        "exchange": snapshot.exchange,
        "symbol": snapshot.symbol,
        "version": snapshot.version,
        "mode": snapshot.mode.value,
        "mode_reasons": list(snapshot.mode_reasons),
        "params_version": snapshot.params_version,
        "saved_ts": datetime.fromtimestamp(snapshot.saved_ts_ms / 1000, tz=UTC),
        "detail": snapshot.detail,
    }
