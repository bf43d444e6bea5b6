"""`ReflectionOutcomeStore` in memory, with Postgres's one-row-per-window rule."""

from __future__ import annotations

from mm.domain.reflection_outcome import WindowDecision
from mm.domain.reflection_window import ReflectionWindow


class InMemoryReflectionOutcomeStore:
    def __init__(self) -> None:
        self.decisions: dict[tuple[str, str, ReflectionWindow], WindowDecision] = {}

    async def record(self, decision: WindowDecision) -> bool:
        key = (decision.exchange, decision.symbol, decision.window)
        if key in self.decisions:
            return False
        self.decisions[key] = decision
        return True

    async def get(self, exchange: str, symbol: str, window: ReflectionWindow) -> WindowDecision | None:
        return self.decisions.get((exchange, symbol, window))
