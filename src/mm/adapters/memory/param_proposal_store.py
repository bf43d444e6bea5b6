"""`ParamProposalStore` in memory, with Postgres's uniqueness and status-transition rules."""

from __future__ import annotations

from dataclasses import replace

from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import ReflectionWindow
from mm.ports.errors import RecordNotFound, StoreConflict


class InMemoryParamProposalStore:
    def __init__(self) -> None:
        self._proposals: dict[str, StoredProposal] = {}

    async def create(self, proposal: StoredProposal) -> None:
        if proposal.id in self._proposals:
            raise StoreConflict(f"proposal {proposal.id} already exists")
        if await self.exists_for_window(proposal.exchange, proposal.symbol, proposal.window):
            raise StoreConflict(f"{proposal.exchange}/{proposal.symbol} already has a proposal for {proposal.window}")
        self._proposals[proposal.id] = proposal

    async def get(self, proposal_id: str) -> StoredProposal | None:
        return self._proposals.get(proposal_id)

    async def recent(
        self, exchange: str, symbol: str, *, status: ProposalStatus | None = None, limit: int = 20
    ) -> list[StoredProposal]:
        found = [
            p
            for p in self._proposals.values()
            if p.exchange == exchange and p.symbol == symbol and (status is None or p.status is status)
        ]
        found.sort(key=lambda p: (p.window.end_ms, p.window.start_ms, p.created_ts_ms), reverse=True)
        return found[:limit]

    async def set_status(self, proposal_id: str, status: ProposalStatus, *, ts_ms: int) -> StoredProposal:
        stored = self._proposals.get(proposal_id)
        if stored is None:
            raise RecordNotFound(f"no proposal {proposal_id}")
        if not stored.status.can_become(status):
            raise StoreConflict(f"proposal {proposal_id} is {stored.status}; it cannot become {status}")
        updated = replace(stored, status=status, updated_ts_ms=max(ts_ms, stored.created_ts_ms))
        self._proposals[proposal_id] = updated
        return updated

    async def exists_for_window(self, exchange: str, symbol: str, window: ReflectionWindow) -> bool:
        return any(
            p.exchange == exchange and p.symbol == symbol and p.window == window for p in self._proposals.values()
        )
