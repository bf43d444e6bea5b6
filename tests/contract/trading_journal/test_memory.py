from __future__ import annotations

import pytest

from mm.adapters.memory.trading_journal import InMemoryTradingJournal
from mm.domain.market_events import FeedGap, FeedRecovered
from tests.contract.trading_journal.contract import StoredCounts, TradingJournalContract


@pytest.mark.contract
class TestInMemoryTradingJournal(TradingJournalContract):
    @pytest.fixture
    def journal(self) -> InMemoryTradingJournal:
        return InMemoryTradingJournal()

    @pytest.fixture
    def stored_counts(self, journal: InMemoryTradingJournal) -> StoredCounts:
        async def counts(symbol: str) -> dict[str, int]:
            return {
                "market": sum(
                    1 for e in journal.market if e.symbol == symbol and not isinstance(e, FeedGap | FeedRecovered)
                ),
                "orders": sum(1 for e in journal.orders if e.symbol == symbol),
                "fills": sum(1 for f in journal.fills.values() if f.event.fill.symbol == symbol),
                "positions": sum(1 for p in journal.positions if p.position.symbol == symbol),
                "decisions": sum(1 for d in journal.decisions if d.symbol == symbol),
            }

        return counts
