from __future__ import annotations

import pytest
from sqlalchemy import Table, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.tables import ex_decision, ex_fill, ex_order, ex_position, md_bbo, md_gap, md_price, md_trade
from mm.adapters.postgres.trading_journal import PostgresTradingJournal
from mm.domain.journal_batch import JournalBatch
from mm.domain.market_events import FeedGap, FeedIssueKind, FeedRecovered
from tests.contract.trading_journal.contract import TS_MS, StoredCounts, TradingJournalContract
from tests.unique_keys import a_symbol


@pytest.mark.contract
@pytest.mark.integration
class TestPostgresTradingJournal(TradingJournalContract):
    @pytest.fixture
    def journal(self, shared_db_engine: AsyncEngine) -> PostgresTradingJournal:
        return PostgresTradingJournal(shared_db_engine, "extended", "executor-test")

    @pytest.fixture
    def stored_counts(self, shared_db_engine: AsyncEngine) -> StoredCounts:
        async def count(table: Table, symbol: str) -> int:
            query = select(func.count()).select_from(table).where(table.c.symbol == symbol)
            async with shared_db_engine.connect() as conn:
                return int(await conn.scalar(query) or 0)

        async def counts(symbol: str) -> dict[str, int]:
            return {
                "market": sum([await count(t, symbol) for t in (md_bbo, md_trade, md_price)]),
                "orders": await count(ex_order, symbol),
                "fills": await count(ex_fill, symbol),
                "positions": await count(ex_position, symbol),
                "decisions": await count(ex_decision, symbol),
            }

        return counts

    async def test_a_feed_gap_is_stored_and_closed_by_its_recovery(
        self, journal: PostgresTradingJournal, shared_db_engine: AsyncEngine
    ) -> None:
        symbol = a_symbol()
        gap = FeedGap("extended", symbol, "bbo", FeedIssueKind.DISCONNECTED, TS_MS, TS_MS + 5)
        await journal.append(JournalBatch(market=(gap,)))
        await journal.append(JournalBatch(market=(FeedRecovered("extended", symbol, "bbo", TS_MS, TS_MS + 900),)))
        async with shared_db_engine.connect() as conn:
            rows = (await conn.execute(select(md_gap.c.kind, md_gap.c.to_ts).where(md_gap.c.symbol == symbol))).all()
        assert len(rows) == 1
        assert rows[0].kind == "disconnected"
        assert rows[0].to_ts is not None
