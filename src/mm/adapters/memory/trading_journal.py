"""`TradingJournal` in memory, for unit tests and notebooks; `fail_next` makes it fail like a database."""

from __future__ import annotations

from mm.domain.decision_record import DecisionRecord
from mm.domain.journal_batch import JournalBatch, JournaledFill
from mm.domain.market_events import MarketEvent
from mm.domain.order_journal import OrderJournalEntry
from mm.domain.orders import PositionUpdate
from mm.ports.errors import StoreError


class InMemoryTradingJournal:
    """Keeps every stored row; a fill id is stored once, as the Postgres primary key ensures."""

    def __init__(self) -> None:
        self.market: list[MarketEvent] = []
        self.orders: list[OrderJournalEntry] = []
        self.fills: dict[str, JournaledFill] = {}
        self.positions: list[PositionUpdate] = []
        self.decisions: list[DecisionRecord] = []
        self.batches = 0
        self._failures: list[StoreError] = []

    def fail_next(self, *errors: StoreError) -> None:
        """Raise these errors, one per `append`, before storing anything again."""
        self._failures.extend(errors)

    async def append(self, batch: JournalBatch) -> None:
        if self._failures:
            raise self._failures.pop(0)
        self.market.extend(batch.market)
        self.orders.extend(batch.orders)
        for fill in batch.fills:
            self.fills.setdefault(fill.event.fill.fill_id, fill)
        self.positions.extend(batch.positions)
        self.decisions.extend(batch.decisions)
        self.batches += 1
