"""`StrategyStateStore` in memory, with the same optimistic-concurrency rule as Postgres."""

from __future__ import annotations

from mm.domain.strategy_snapshot import StrategySnapshot
from mm.ports.errors import StoreConflict


class InMemoryStrategyStateStore:
    def __init__(self) -> None:
        self._latest: dict[tuple[str, str], StrategySnapshot] = {}

    async def save(self, snapshot: StrategySnapshot) -> None:
        key = (snapshot.exchange, snapshot.symbol)
        stored = self._latest.get(key)
        stored_version = stored.version if stored else 0
        if snapshot.version != stored_version + 1:
            raise StoreConflict(
                f"strategy_state {key} is at version {stored_version}; cannot save version {snapshot.version}"
            )
        self._latest[key] = snapshot

    async def load_latest(self, exchange: str, symbol: str) -> StrategySnapshot | None:
        return self._latest.get((exchange, symbol))
