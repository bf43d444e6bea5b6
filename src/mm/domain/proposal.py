"""A parameter proposal as the reflector stores it (`llm_proposal`), and its life cycle. No I/O.

A stored proposal has passed the `ParamGate` once, against the params it was based on; the
executor gates it again, together with operational facts, before applying it (`mm.domain.rollout`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from mm.domain.param_gate import ParamProposal
from mm.domain.reflection_window import ReflectionWindow


class ProposalStatus(StrEnum):
    PROPOSED = "proposed"
    APPLIED = "applied"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"

    def can_become(self, new: ProposalStatus) -> bool:
        """Whether `self -> new` is a legal step: proposed -> applied | rejected, applied -> rolled_back."""
        return new in _NEXT[self]


_NEXT: dict[ProposalStatus, frozenset[ProposalStatus]] = {
    ProposalStatus.PROPOSED: frozenset({ProposalStatus.APPLIED, ProposalStatus.REJECTED}),
    ProposalStatus.APPLIED: frozenset({ProposalStatus.ROLLED_BACK}),
    ProposalStatus.REJECTED: frozenset(),
    ProposalStatus.ROLLED_BACK: frozenset(),
}


@dataclass(frozen=True, slots=True)
class StoredProposal:
    """One `llm_proposal` row.

    `reasoning_sha256` is the hex digest of the reasoning file at `reasoning_path`, and of
    `reasoning_document`, the same bytes kept in the database, so the proposal can be checked
    before anyone acts on it without reading the reflector's disk.
    """

    id: str
    exchange: str
    symbol: str
    window: ReflectionWindow
    status: ProposalStatus
    model: str
    proposal: ParamProposal
    reasoning_path: str
    reasoning_sha256: str
    created_ts_ms: int
    updated_ts_ms: int
    reasoning_document: bytes | None = None

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a stored proposal needs an id")
        if len(self.reasoning_sha256) != 64:
            raise ValueError(f"reasoning_sha256 must be a hex sha256 digest, got {self.reasoning_sha256!r}")
        if self.updated_ts_ms < self.created_ts_ms:
            raise ValueError("a proposal cannot be updated before it was created")

    @property
    def base_params_version(self) -> int | None:
        """The `StrategyParams.version` the proposal was made against."""
        return self.proposal.base_version

    def reasoning_problem(self) -> str | None:
        """Why the stored reasoning document cannot be trusted (missing, or not its sha256), or None."""
        if self.reasoning_document is None:
            return f"proposal {self.id} has no stored reasoning document"
        if hashlib.sha256(self.reasoning_document).hexdigest() != self.reasoning_sha256:
            return f"proposal {self.id}: the stored reasoning document does not match its sha256"
        return None
