"""Where the executor keeps its recoverable state."""

from __future__ import annotations

from typing import Protocol

from mm.domain.strategy_snapshot import StrategySnapshot


class StrategyStateStore(Protocol):
    async def save(self, snapshot: StrategySnapshot) -> None:
        """Store a snapshot. Raises `StoreConflict` unless `snapshot.version` is the stored one plus 1."""
        ...

    async def load_latest(self, exchange: str, symbol: str) -> StrategySnapshot | None:
        """The newest snapshot for the market, or None when there is none."""
        ...
