"""Where the reflector keeps its parameter proposals (`llm_proposal`) and the executor updates them."""

from __future__ import annotations

from typing import Protocol

from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import ReflectionWindow


class ParamProposalStore(Protocol):
    async def create(self, proposal: StoredProposal) -> None:
        """Store a new proposal.

        Raises `StoreConflict` when its id is taken or the market already has a proposal for the
        same window (one proposal per market and window).
        """
        ...

    async def get(self, proposal_id: str) -> StoredProposal | None:
        """The proposal with this id, or None."""
        ...

    async def recent(
        self, exchange: str, symbol: str, *, status: ProposalStatus | None = None, limit: int = 20
    ) -> list[StoredProposal]:
        """The market's proposals (only those in `status` when given), latest window first."""
        ...

    async def set_status(self, proposal_id: str, status: ProposalStatus, *, ts_ms: int) -> StoredProposal:
        """Move a proposal to `status` at `ts_ms` and return it.

        Raises `RecordNotFound` for an unknown id and `StoreConflict` when its current status
        cannot become `status` (see `ProposalStatus.can_become`), e.g. when two executors race.
        """
        ...

    async def exists_for_window(self, exchange: str, symbol: str, window: ReflectionWindow) -> bool:
        """Whether the market has a proposal for exactly this window, whatever its status."""
        ...
