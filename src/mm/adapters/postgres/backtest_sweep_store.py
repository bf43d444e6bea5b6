"""`BacktestSweepStore` on Postgres: `backtest_sweep`, its `backtest_sweep_run` rows and `backtest_run_key`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import backtest_run, backtest_run_key, backtest_sweep, backtest_sweep_run
from mm.domain.backtest_sweep import Split, StoredRunSummary, SweepMember
from mm.ports.errors import RecordNotFound


class PostgresBacktestSweepStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create_sweep(self, name: str, config: Mapping[str, Any]) -> int:
        with translate_db_errors():
            async with self._engine.begin() as conn:
                sweep_id: int = await conn.scalar(
                    insert(backtest_sweep).values(name=name, config=dict(config)).returning(backtest_sweep.c.id)
                )
        return sweep_id

    async def run_id_for_key(self, run_key: str) -> int | None:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                run_id: int | None = await conn.scalar(
                    select(backtest_run_key.c.run_id).where(backtest_run_key.c.run_key == run_key)
                )
        return run_id

    async def remember_key(self, run_key: str, run_id: int) -> None:
        statement = pg_insert(backtest_run_key).values(run_key=run_key, run_id=run_id).on_conflict_do_nothing()
        with translate_db_errors():
            async with self._engine.begin() as conn:
                await conn.execute(statement)

    async def add_member(self, member: SweepMember) -> None:
        statement = (
            pg_insert(backtest_sweep_run)
            .values(
                sweep_id=member.sweep_id,
                run_id=member.run_id,
                split=member.split.value if member.split is not None else None,
                trial=member.trial,
            )
            .on_conflict_do_nothing()
        )
        with translate_db_errors():
            async with self._engine.begin() as conn:
                await conn.execute(statement)

    async def members(self, sweep_id: int) -> list[SweepMember]:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                known = await conn.scalar(select(backtest_sweep.c.id).where(backtest_sweep.c.id == sweep_id))
                if known is None:
                    raise RecordNotFound(f"no backtest sweep {sweep_id}")
                rows = (
                    await conn.execute(
                        select(backtest_sweep_run)
                        .where(backtest_sweep_run.c.sweep_id == sweep_id)
                        .order_by(backtest_sweep_run.c.trial.nulls_first(), backtest_sweep_run.c.run_id)
                    )
                ).mappings()
                return [
                    SweepMember(
                        row["sweep_id"],
                        row["run_id"],
                        Split(row["split"]) if row["split"] is not None else None,
                        row["trial"],
                    )
                    for row in rows
                ]

    async def list_runs(self, *, sweep_id: int | None = None, limit: int = 50) -> list[StoredRunSummary]:
        sweeps = (
            select(func.coalesce(func.array_agg(backtest_sweep_run.c.sweep_id), []))
            .where(backtest_sweep_run.c.run_id == backtest_run.c.id)
            .scalar_subquery()
        )
        query = select(backtest_run, sweeps.label("sweep_ids")).order_by(backtest_run.c.id.desc()).limit(limit)
        if sweep_id is not None:
            members = select(backtest_sweep_run.c.run_id).where(backtest_sweep_run.c.sweep_id == sweep_id)
            query = query.where(backtest_run.c.id.in_(members))
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [
            StoredRunSummary(
                run_id=row["id"],
                created_ts_ms=to_epoch_ms(row["created_at"]),
                exchange=row["exchange"],
                symbol=row["symbol"],
                start_ms=to_epoch_ms(row["start_ts"]),
                end_ms=to_epoch_ms(row["end_ts"]),
                data_source=row["data_source"],
                params=row["params"],
                settings=row["settings"],
                summary=row["summary"],
                sweep_ids=tuple(sorted(row["sweep_ids"] or ())),
            )
            for row in rows
        ]
