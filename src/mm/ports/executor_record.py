"""What an executor recorded before this start, read back: incidents for the operations gate, and where its fills end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.recorded_incidents import RecordedIncidents


class ExecutorRecord(Protocol):
    async def incidents_since(self, exchange: str, symbol: str, since_ms: int) -> RecordedIncidents:
        """PAUSEs entered, data gaps and exchange errors of the market stamped at or after `since_ms`."""
        ...

    async def fill_history_mark(
        self, exchange: str, symbols: Sequence[str], lookback_ms: int
    ) -> FillHistoryMark | None:
        """Where the recorded fills of `symbols` end (`FillHistoryMark.of`).

        With no fill recorded: `FillHistoryMark.before_first_order` of the first recorded order of `symbols`,
        or None when no order is recorded either (nothing of ours can have filled).
        """
        ...
