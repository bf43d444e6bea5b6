"""Where the executor's event log goes: market data, order events, fills, positions and decisions."""

from __future__ import annotations

from typing import Protocol

from mm.domain.journal_batch import JournalBatch


class TradingJournal(Protocol):
    async def append(self, batch: JournalBatch) -> None:
        """Store every row of `batch` in one transaction: all of it or, raising a `StoreError`, none.

        Retrying a batch after an error of unknown outcome stores no fill twice.
        """
        ...
