"""What every `TradingJournal` must do, whatever stores it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

from mm.domain.decision_record import DecisionRecord
from mm.domain.engine_commands import CancelAll
from mm.domain.features import Features
from mm.domain.journal_batch import JournalBatch, JournaledFill
from mm.domain.market_events import BestBidOffer, PriceKind, PriceUpdate, PublicTrade
from mm.domain.order_journal import OrderEvent, OrderJournalEntry
from mm.domain.orders import Fill, FillEvent, Position, PositionUpdate
from mm.domain.side import Side
from mm.ports.trading_journal import TradingJournal
from tests.unique_keys import a_symbol

TS_MS = 1_795_000_000_000
StoredCounts = Callable[[str], Awaitable[dict[str, int]]]
"""Rows stored for a symbol, by kind: market, orders, fills, positions, decisions."""


def a_fill(symbol: str, fill_id: str) -> JournaledFill:
    fill = Fill(
        fill_id, "77", "mm-1", symbol, Side.BUY, Decimal("60000.5"), Decimal("0.002"), Decimal("0.01"), False, TS_MS
    )
    return JournaledFill(FillEvent(fill, TS_MS + 3, raw='{"type":"TRADE"}'), "NORMAL", 4)


def a_full_batch(symbol: str) -> JournalBatch:
    features = Features(60000.0, 60001.0, 60000.5, 1.0, 0.17, 0.1, 1.5, 3.0, float("nan"), 0)
    return JournalBatch(
        market=(
            BestBidOffer(
                "extended",
                symbol,
                TS_MS,
                TS_MS + 2,
                1,
                Decimal(60000),
                Decimal(1),
                Decimal(60001),
                None,
                raw='{"seq":1}',
            ),
            PublicTrade("extended", symbol, TS_MS, TS_MS + 2, 2, "t1", Decimal(60000), Decimal("0.1"), Side.SELL),
            PriceUpdate("extended", symbol, TS_MS, TS_MS + 2, 3, PriceKind.MARK, Decimal("60000.2"), raw="not json"),
        ),
        orders=(OrderJournalEntry("extended", symbol, TS_MS, OrderEvent.CANCEL_ALL_SENT),),
        fills=(a_fill(symbol, f"f-{symbol}"),),
        positions=(PositionUpdate(Position(symbol, Decimal("0.002"), Decimal("60000.5"), TS_MS), TS_MS),),
        decisions=(
            DecisionRecord(
                "extended",
                symbol,
                TS_MS,
                "PAUSE",
                "NORMAL",
                ("feed_gap",),
                4,
                60000.5,
                None,
                None,
                None,
                None,
                0.002,
                features=features,
                commands=(CancelAll(symbol),),
            ),
        ),
    )


class TradingJournalContract:
    """Subclasses provide `journal` and `stored_counts` fixtures."""

    async def test_a_batch_stores_every_row_of_every_kind(
        self, journal: TradingJournal, stored_counts: StoredCounts
    ) -> None:
        symbol = a_symbol()
        await journal.append(a_full_batch(symbol))
        assert await stored_counts(symbol) == {"market": 3, "orders": 1, "fills": 1, "positions": 1, "decisions": 1}

    async def test_an_empty_batch_stores_nothing(self, journal: TradingJournal, stored_counts: StoredCounts) -> None:
        symbol = a_symbol()
        await journal.append(JournalBatch())
        assert sum((await stored_counts(symbol)).values()) == 0

    async def test_a_fill_appended_twice_is_stored_once(
        self, journal: TradingJournal, stored_counts: StoredCounts
    ) -> None:
        symbol = a_symbol()
        await journal.append(JournalBatch(fills=(a_fill(symbol, f"f-{symbol}"),)))
        await journal.append(JournalBatch(fills=(a_fill(symbol, f"f-{symbol}"),)))
        assert (await stored_counts(symbol))["fills"] == 1

    async def test_batches_add_up(self, journal: TradingJournal, stored_counts: StoredCounts) -> None:
        symbol = a_symbol()
        await journal.append(a_full_batch(symbol))
        second = a_full_batch(symbol)
        market = tuple(replace(e, trade_id="t2") if isinstance(e, PublicTrade) else e for e in second.market)
        await journal.append(JournalBatch(market=market, orders=second.orders, decisions=second.decisions))
        counts = await stored_counts(symbol)
        assert (counts["market"], counts["orders"], counts["decisions"]) == (6, 2, 2)
