"""What the executor did, read back: which markets traded, its decisions and the reported positions."""

from __future__ import annotations

from typing import Protocol

from mm.domain.mode_timeline import DecisionSample
from mm.domain.position_timeline import PositionSample


class TradingHistory(Protocol):
    async def symbols(self, exchange: str) -> list[str]:
        """Markets with fills or decisions on `exchange`, sorted."""
        ...

    async def activity_span_ms(self, exchange: str, symbol: str) -> tuple[int, int] | None:
        """First and last time of any fill, decision or position of the market; None when none."""
        ...

    async def decisions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[DecisionSample]:
        """Decisions with start_ms <= ts < end_ms, and the last one before, in time order."""
        ...

    async def positions_between(self, exchange: str, symbol: str, start_ms: int, end_ms: int) -> list[PositionSample]:
        """Reported positions with start_ms <= ts < end_ms, and the last one before, in time order."""
        ...
