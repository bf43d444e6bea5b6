"""What became of one market's reflection window, stored once so the window is never asked about again. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mm.domain.reflection_window import ReflectionWindow


class WindowOutcome(StrEnum):
    PROPOSED = "proposed"
    NO_CHANGE = "no_change"
    REJECTED = "rejected"
    TOO_LITTLE_EVIDENCE = "too_little_evidence"


@dataclass(frozen=True, slots=True)
class WindowDecision:
    """One `reflection_outcome` row: the window, its outcome, the proposal it made (if any) and why."""

    exchange: str
    symbol: str
    window: ReflectionWindow
    outcome: WindowOutcome
    decided_ts_ms: int
    proposal_id: str | None = None
    reasons: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.outcome is WindowOutcome.PROPOSED) != (self.proposal_id is not None):
            raise ValueError("a proposal id goes with the outcome proposed, and only with it")
