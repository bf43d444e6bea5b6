"""Where the executor records what it did with proposals (`param_rollout`) and the params versions it made."""

from __future__ import annotations

from typing import Protocol

from mm.domain.params import StrategyParams
from mm.domain.rollout import AppliedChange, ParamVersion, RolloutRecord


class ParamRolloutStore(Protocol):
    async def current(self, exchange: str, symbol: str) -> StrategyParams | None:
        """The market's newest stored params, or None if none are stored."""
        ...

    async def current_version(self, exchange: str, symbol: str) -> ParamVersion | None:
        """The market's newest stored params version with where it came from, or None if none is stored."""
        ...

    async def applied_change(self, proposal_id: str) -> AppliedChange | None:
        """The proposal's APPLIED rollout with the params version it replaced (`from_version`'s row).

        None when the proposal was never applied (or the replaced version is not stored).
        """
        ...

    async def save_version(self, version: ParamVersion) -> None:
        """Store a params version outside any proposal (defaults, a manual change).

        Raises `StoreConflict` unless its version is one above the newest stored (1 when none is).
        """
        ...

    async def record(self, rollout: RolloutRecord, new_version: ParamVersion | None = None) -> None:
        """Record a rollout, all or nothing: the new params version (if any), the audit row, and the
        proposal's status (if it names one) moved by `rollout.action`.

        Raises `StoreConflict` when the version is not one above the newest, or the proposal's
        status cannot make that move (e.g. a second executor applied it first); `RecordNotFound`
        when the proposal does not exist.
        """
        ...

    async def history(self, exchange: str, symbol: str, limit: int = 20) -> list[RolloutRecord]:
        """The market's rollout records, newest first."""
        ...
