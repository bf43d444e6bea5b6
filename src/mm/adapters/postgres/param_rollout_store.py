"""`ParamRolloutStore` (and `StrategyParamsSource`) on Postgres: `strategy_params`, `param_rollout`, `llm_proposal`.

A rollout is one transaction: the new params version, the audit row and the proposal's status
change commit together or not at all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import llm_proposal, param_rollout, strategy_params
from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus
from mm.domain.rollout import (
    AppliedChange,
    OperationalFacts,
    ParamSource,
    ParamVersion,
    RolloutAction,
    RolloutRecord,
)
from mm.domain.shadow_backtest import ShadowComparison, ShadowFigures
from mm.ports.errors import RecordNotFound, StoreConflict


class PostgresParamRolloutStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def current(self, exchange: str, symbol: str) -> StrategyParams | None:
        version = await self.current_version(exchange, symbol)
        return None if version is None else version.params

    async def current_version(self, exchange: str, symbol: str) -> ParamVersion | None:
        table = strategy_params
        query = (
            select(table)
            .where(table.c.exchange == exchange, table.c.symbol == symbol)
            .order_by(table.c.version.desc())
            .limit(1)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(query)).mappings().first()
        return None if row is None else _param_version(row)

    async def applied_change(self, proposal_id: str) -> AppliedChange | None:
        rollout, params = param_rollout, strategy_params
        query = (
            select(rollout.c.ts.label("applied_ts"), rollout.c.to_version.label("applied_version"), params)
            .join_from(
                rollout,
                params,
                and_(
                    params.c.exchange == rollout.c.exchange,
                    params.c.symbol == rollout.c.symbol,
                    params.c.version == rollout.c.from_version,
                ),
            )
            .where(
                rollout.c.proposal_id == proposal_id,
                rollout.c.action == RolloutAction.APPLIED.value,
                rollout.c.to_version.is_not(None),
            )
            .order_by(rollout.c.ts.desc(), rollout.c.id.desc())
            .limit(1)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return AppliedChange(proposal_id, to_epoch_ms(row["applied_ts"]), _param_version(row), row["applied_version"])

    async def save_version(self, version: ParamVersion) -> None:
        with translate_db_errors():  # a concurrent insert of the same version raises StoreConflict
            async with self._engine.begin() as conn:
                await _insert_version(conn, version)

    async def record(self, rollout: RolloutRecord, new_version: ParamVersion | None = None) -> None:
        with translate_db_errors():
            async with self._engine.begin() as conn:
                # The proposal first: its row lock makes a second applier wait, then fail.
                if rollout.proposal_id is not None:
                    await _move_proposal(conn, rollout)
                if new_version is not None:
                    await _insert_version(conn, new_version)
                await conn.execute(insert(param_rollout).values(_rollout_row(rollout)))

    async def history(self, exchange: str, symbol: str, limit: int = 20) -> list[RolloutRecord]:
        table = param_rollout
        query = (
            select(table)
            .where(table.c.exchange == exchange, table.c.symbol == symbol)
            .order_by(table.c.ts.desc(), table.c.id.desc())
            .limit(limit)
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [_rollout(row) for row in rows]


async def _insert_version(conn: AsyncConnection, version: ParamVersion) -> None:
    table = strategy_params
    newest = await conn.scalar(
        select(func.coalesce(func.max(table.c.version), 0)).where(
            table.c.exchange == version.exchange, table.c.symbol == version.symbol
        )
    )
    if version.version != int(newest or 0) + 1:
        raise StoreConflict(
            f"strategy_params {version.exchange}/{version.symbol} is at version {newest}; "
            f"cannot store version {version.version}"
        )
    await conn.execute(
        insert(table).values(
            exchange=version.exchange,
            symbol=version.symbol,
            version=version.version,
            params=version.params.to_mapping(),
            source=version.source.value,
            proposal_id=version.proposal_id,
        )
    )


async def _move_proposal(conn: AsyncConnection, rollout: RolloutRecord) -> None:
    table = llm_proposal
    status = await conn.scalar(select(table.c.status).where(table.c.id == rollout.proposal_id).with_for_update())
    if status is None:
        raise RecordNotFound(f"no proposal {rollout.proposal_id}")
    target = rollout.action.proposal_status
    if not ProposalStatus(status).can_become(target):
        raise StoreConflict(f"proposal {rollout.proposal_id} is {status}; cannot be {rollout.action}")
    await conn.execute(
        update(table)
        .where(table.c.id == rollout.proposal_id)
        .values(status=target.value, updated_at=func.greatest(to_datetime(rollout.ts_ms), table.c.created_at))
    )


def _param_version(row: RowMapping) -> ParamVersion:
    # The row's version column is the truth, whatever the JSON says.
    params = StrategyParams.from_mapping({**row["params"], "version": row["version"]})
    return ParamVersion(row["exchange"], row["symbol"], params, ParamSource(row["source"]), row["proposal_id"])


def _rollout_row(rollout: RolloutRecord) -> dict[str, Any]:
    facts = rollout.facts
    detail: dict[str, Any] = {}
    if facts is not None:
        detail["facts"] = {
            "mode": facts.mode.value,
            "pause_count": facts.pause_count,
            "data_gap_count": facts.data_gap_count,
            "exchange_error_count": facts.exchange_error_count,
        }
    return {
        "proposal_id": rollout.proposal_id,
        "exchange": rollout.exchange,
        "symbol": rollout.symbol,
        "ts": to_datetime(rollout.ts_ms),
        "action": rollout.action.value,
        "from_version": rollout.from_version,
        "to_version": rollout.to_version,
        "reasons": list(rollout.reasons),
        "detail": detail,
        "shadow_current": rollout.shadow.current.to_mapping() if rollout.shadow else None,
        "shadow_proposed": rollout.shadow.proposed.to_mapping() if rollout.shadow else None,
    }


def _rollout(row: RowMapping) -> RolloutRecord:
    facts = row["detail"].get("facts")
    return RolloutRecord(
        exchange=row["exchange"],
        symbol=row["symbol"],
        ts_ms=to_epoch_ms(row["ts"]),
        action=RolloutAction(row["action"]),
        proposal_id=row["proposal_id"],
        from_version=row["from_version"],
        to_version=row["to_version"],
        reasons=tuple(row["reasons"]),
        facts=OperationalFacts(
            Mode(facts["mode"]), facts["pause_count"], facts["data_gap_count"], facts["exchange_error_count"]
        )
        if facts
        else None,
        shadow=_shadow(row),
    )


def _shadow(row: RowMapping) -> ShadowComparison | None:
    if row["shadow_current"] is None or row["shadow_proposed"] is None:
        return None
    return ShadowComparison(
        ShadowFigures.from_mapping(row["shadow_current"]), ShadowFigures.from_mapping(row["shadow_proposed"])
    )
