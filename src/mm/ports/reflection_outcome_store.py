"""Where the reflector records what became of each market's windows (`reflection_outcome`)."""

from __future__ import annotations

from typing import Protocol

from mm.domain.reflection_outcome import WindowDecision
from mm.domain.reflection_window import ReflectionWindow


class ReflectionOutcomeStore(Protocol):
    async def record(self, decision: WindowDecision) -> bool:
        """Store the window's outcome once; False (and nothing changed) when it already has one."""
        ...

    async def get(self, exchange: str, symbol: str, window: ReflectionWindow) -> WindowDecision | None:
        """The stored outcome of exactly this window, or None."""
        ...
