"""`ParamProposalStore` on Postgres: `llm_proposal`, one row per market and input window."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime, to_epoch_ms
from mm.adapters.postgres.errors import translate_db_errors
from mm.adapters.postgres.tables import llm_proposal
from mm.domain.param_gate import Comparison, ParamChange, ParamProposal, RollbackCondition
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import ReflectionWindow
from mm.ports.errors import RecordNotFound, StoreConflict


class PostgresParamProposalStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(self, proposal: StoredProposal) -> None:
        with translate_db_errors():  # the primary key and the window's unique key raise StoreConflict
            async with self._engine.begin() as conn:
                await conn.execute(insert(llm_proposal).values(proposal_row(proposal)))

    async def get(self, proposal_id: str) -> StoredProposal | None:
        with translate_db_errors():
            async with self._engine.connect() as conn:
                row = (await conn.execute(select(llm_proposal).where(llm_proposal.c.id == proposal_id))).mappings()
                found = row.first()
        return stored_proposal(found) if found is not None else None

    async def recent(
        self, exchange: str, symbol: str, *, status: ProposalStatus | None = None, limit: int = 20
    ) -> list[StoredProposal]:
        table = llm_proposal
        query = select(table).where(table.c.exchange == exchange, table.c.symbol == symbol)
        if status is not None:
            query = query.where(table.c.status == status.value)
        query = query.order_by(
            table.c.input_window_end.desc(), table.c.input_window_start.desc(), table.c.created_at.desc()
        ).limit(limit)
        with translate_db_errors():
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).mappings().all()
        return [stored_proposal(row) for row in rows]

    async def set_status(self, proposal_id: str, status: ProposalStatus, *, ts_ms: int) -> StoredProposal:
        table = llm_proposal
        with translate_db_errors():
            async with self._engine.begin() as conn:
                locked = select(table).where(table.c.id == proposal_id).with_for_update()
                current = (await conn.execute(locked)).mappings().first()
                if current is None:
                    raise RecordNotFound(f"no proposal {proposal_id}")
                if not ProposalStatus(current["status"]).can_become(status):
                    raise StoreConflict(f"proposal {proposal_id} is {current['status']}; it cannot become {status}")
                updated_at = func.greatest(to_datetime(ts_ms), table.c.created_at)
                statement = (
                    update(table)
                    .where(table.c.id == proposal_id)
                    .values(status=status.value, updated_at=updated_at)
                    .returning(table)
                )
                row = (await conn.execute(statement)).mappings().one()
        return stored_proposal(row)

    async def exists_for_window(self, exchange: str, symbol: str, window: ReflectionWindow) -> bool:
        table = llm_proposal
        query = select(table.c.id).where(
            table.c.exchange == exchange,
            table.c.symbol == symbol,
            table.c.input_window_start == to_datetime(window.start_ms),
            table.c.input_window_end == to_datetime(window.end_ms),
        )
        with translate_db_errors():
            async with self._engine.connect() as conn:
                return (await conn.scalar(query.limit(1))) is not None


def proposal_row(proposal: StoredProposal) -> dict[str, Any]:
    """The `llm_proposal` row of a stored proposal (changes and conditions as JSON lists)."""
    return {
        "id": proposal.id,
        "exchange": proposal.exchange,
        "symbol": proposal.symbol,
        "input_window_start": to_datetime(proposal.window.start_ms),
        "input_window_end": to_datetime(proposal.window.end_ms),
        "status": proposal.status.value,
        "model": proposal.model,
        "base_params_version": proposal.base_params_version,
        "changes": [{"name": c.name, "new_value": c.new_value, "reason": c.reason} for c in proposal.proposal.changes],
        "rollback_conditions": [
            {"metric": c.metric, "comparison": c.comparison.value, "threshold": c.threshold}
            for c in proposal.proposal.rollback_conditions
        ],
        "rationale": proposal.proposal.rationale,
        "reasoning_path": proposal.reasoning_path,
        "reasoning_sha256": proposal.reasoning_sha256,
        "reasoning_document": proposal.reasoning_document,
        "created_at": to_datetime(proposal.created_ts_ms),
        "updated_at": to_datetime(proposal.updated_ts_ms),
    }


def stored_proposal(row: RowMapping) -> StoredProposal:
    """Rebuild a stored proposal from its `llm_proposal` row."""
    proposal = ParamProposal(
        changes=tuple(ParamChange(c["name"], c["new_value"], c["reason"]) for c in row["changes"]),
        rollback_conditions=tuple(
            RollbackCondition(c["metric"], Comparison(c["comparison"]), c["threshold"])
            for c in row["rollback_conditions"]
        ),
        rationale=row["rationale"],
        base_version=row["base_params_version"],
    )
    return StoredProposal(
        id=row["id"],
        exchange=row["exchange"],
        symbol=row["symbol"],
        window=ReflectionWindow(to_epoch_ms(row["input_window_start"]), to_epoch_ms(row["input_window_end"])),
        status=ProposalStatus(row["status"]),
        model=row["model"],
        proposal=proposal,
        reasoning_path=row["reasoning_path"],
        reasoning_sha256=row["reasoning_sha256"],
        created_ts_ms=to_epoch_ms(row["created_at"]),
        updated_ts_ms=to_epoch_ms(row["updated_at"]),
        reasoning_document=None if row["reasoning_document"] is None else bytes(row["reasoning_document"]),
    )
