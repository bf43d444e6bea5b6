"""What every `ExecutorRecord` must do: read back what the executor's `TradingJournal` stored, as the engine counted it.

Subclasses provide a `recorded` fixture: a `TradingJournal` and the `ExecutorRecord` over the same store, for the
exchange `EXCHANGE`. Each test uses its own market, so the store may be shared.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mm.domain.decision_record import DecisionRecord
from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.journal_batch import JournalBatch, JournaledFill
from mm.domain.market_events import FeedGap, FeedIssueKind
from mm.domain.order_journal import OrderEvent, OrderJournalEntry
from mm.domain.orders import Fill, FillEvent
from mm.domain.recorded_incidents import RecordedIncidents
from mm.domain.side import Side
from mm.ports.executor_record import ExecutorRecord
from mm.ports.trading_journal import TradingJournal
from tests.unique_keys import a_symbol, an_id

EXCHANGE = "extended"
T0 = 1_795_000_000_000
LOOKBACK_MS = 10_000


@dataclass(frozen=True, slots=True)
class Recorded:
    journal: TradingJournal
    record: ExecutorRecord


def a_decision(symbol: str, ts_ms: int, mode: str, prev_mode: str | None) -> DecisionRecord:
    return DecisionRecord(EXCHANGE, symbol, ts_ms, mode, prev_mode, (), 1, None, None, None, None, None, 0.0)


def a_gap(symbol: str, ts_ms: int) -> FeedGap:
    return FeedGap(EXCHANGE, symbol, "bbo", FeedIssueKind.DISCONNECTED, ts_ms, ts_ms + 5)


def an_order_row(
    symbol: str, ts_ms: int, event: OrderEvent, reason: str | None = None, status: str | None = None
) -> OrderJournalEntry:
    return OrderJournalEntry(EXCHANGE, symbol, ts_ms, event, client_order_id=an_id("c"), status=status, reason=reason)


def a_fill(symbol: str, ts_ms: int, fill_id: str | None = None) -> JournaledFill:
    fill = Fill(
        fill_id or an_id("f"), "77", "mm-1", symbol, Side.BUY, Decimal(100), Decimal(1), Decimal(0), False, ts_ms
    )
    return JournaledFill(FillEvent(fill, ts_ms + 3), "NORMAL", 1)


class ExecutorRecordContract:
    async def test_nothing_recorded_means_no_incidents(self, recorded: Recorded) -> None:
        assert await recorded.record.incidents_since(EXCHANGE, a_symbol(), T0) == RecordedIncidents()

    async def test_entering_pause_is_an_incident_and_staying_in_it_is_not(self, recorded: Recorded) -> None:
        symbol = a_symbol()
        decisions = (
            a_decision(symbol, T0 + 1, "PAUSE", "NORMAL"),
            a_decision(symbol, T0 + 2, "PAUSE", None),
            a_decision(symbol, T0 + 3, "DEFENSIVE", "PAUSE"),
            a_decision(symbol, T0 + 4, "PAUSE", "DEFENSIVE"),
        )
        await recorded.journal.append(JournalBatch(decisions=decisions))
        incidents = await recorded.record.incidents_since(EXCHANGE, symbol, T0)
        assert incidents.pause_ts_ms == (T0 + 1, T0 + 4)

    async def test_every_recorded_data_gap_is_an_incident_at_its_start(self, recorded: Recorded) -> None:
        symbol = a_symbol()
        await recorded.journal.append(JournalBatch(market=(a_gap(symbol, T0 + 7), a_gap(symbol, T0 + 3))))
        incidents = await recorded.record.incidents_since(EXCHANGE, symbol, T0)
        assert incidents.gap_ts_ms == (T0 + 3, T0 + 7)

    async def test_failed_requests_and_faulty_closes_are_exchange_errors(self, recorded: Recorded) -> None:
        symbol = a_symbol()
        orders = (
            an_order_row(symbol, T0 + 1, OrderEvent.FAILED, "ExchangeUnavailable"),
            an_order_row(symbol, T0 + 2, OrderEvent.FAILED, "PostOnlyWouldCross"),
            an_order_row(symbol, T0 + 3, OrderEvent.UPDATE, "insufficient_margin", "rejected"),
            an_order_row(symbol, T0 + 4, OrderEvent.UPDATE, "none", "cancelled"),
            an_order_row(symbol, T0 + 5, OrderEvent.UPDATE, "replaced", "cancelled"),
            an_order_row(symbol, T0 + 6, OrderEvent.UPDATE, "post_only_would_cross", "rejected"),
            an_order_row(symbol, T0 + 7, OrderEvent.PLACE_SENT),
            an_order_row(symbol, T0 + 8, OrderEvent.ACCEPTED),
        )
        await recorded.journal.append(JournalBatch(orders=orders))
        incidents = await recorded.record.incidents_since(EXCHANGE, symbol, T0)
        assert incidents.error_ts_ms == (T0 + 1, T0 + 3)

    async def test_incidents_before_the_window_are_left_out(self, recorded: Recorded) -> None:
        symbol = a_symbol()
        await recorded.journal.append(
            JournalBatch(
                market=(a_gap(symbol, T0 - 1), a_gap(symbol, T0)),
                orders=(an_order_row(symbol, T0 - 1, OrderEvent.FAILED, "ExchangeUnavailable"),),
                decisions=(a_decision(symbol, T0 - 1, "PAUSE", "NORMAL"),),
            )
        )
        assert await recorded.record.incidents_since(EXCHANGE, symbol, T0) == RecordedIncidents(gap_ts_ms=(T0,))

    async def test_incidents_of_another_market_or_exchange_are_left_out(self, recorded: Recorded) -> None:
        symbol, other = a_symbol(), a_symbol()
        await recorded.journal.append(JournalBatch(market=(a_gap(other, T0),)))
        assert await recorded.record.incidents_since(EXCHANGE, symbol, T0) == RecordedIncidents()
        await recorded.journal.append(JournalBatch(market=(a_gap(symbol, T0),)))
        assert await recorded.record.incidents_since("elsewhere", symbol, T0) == RecordedIncidents()

    async def test_no_recorded_fill_means_no_mark(self, recorded: Recorded) -> None:
        assert await recorded.record.fill_history_mark(EXCHANGE, [a_symbol()], LOOKBACK_MS) is None

    async def test_the_mark_ends_at_the_newest_recorded_fill_of_the_markets(self, recorded: Recorded) -> None:
        symbol, other, elsewhere = a_symbol(), a_symbol(), a_symbol()
        fills = (
            a_fill(symbol, T0, "a"),
            a_fill(other, T0 + 20_000, "b"),
            a_fill(symbol, T0 + 25_000, "c"),
            a_fill(elsewhere, T0 + 90_000),
        )
        await recorded.journal.append(JournalBatch(fills=fills))
        mark = await recorded.record.fill_history_mark(EXCHANGE, [symbol, other], LOOKBACK_MS)
        assert mark == FillHistoryMark(T0 + 15_000, T0 + 25_000, frozenset({"b", "c"}))

    async def test_the_mark_carries_every_fill_recorded_within_the_look_back(self, recorded: Recorded) -> None:
        symbol = a_symbol()
        fills = tuple(a_fill(symbol, T0 + step * 1_000, f"{symbol}-{step}") for step in range(15))
        await recorded.journal.append(JournalBatch(fills=fills))
        mark = await recorded.record.fill_history_mark(EXCHANGE, [symbol], LOOKBACK_MS)
        assert mark is not None
        assert mark.recorded_ids == {f"{symbol}-{step}" for step in range(4, 15)}

    async def test_with_no_fill_recorded_the_mark_starts_at_the_first_recorded_order(self, recorded: Recorded) -> None:
        symbol, other = a_symbol(), a_symbol()
        orders = (
            an_order_row(other, T0 - 5_000, OrderEvent.PLACE_SENT),
            an_order_row(symbol, T0 + 2_000, OrderEvent.PLACE_SENT),
            an_order_row(symbol, T0, OrderEvent.PLACE_SENT),
        )
        await recorded.journal.append(JournalBatch(orders=orders))
        mark = await recorded.record.fill_history_mark(EXCHANGE, [symbol], LOOKBACK_MS)
        assert mark == FillHistoryMark(T0 - LOOKBACK_MS, T0 - LOOKBACK_MS, frozenset())

    async def test_fills_of_another_exchange_give_no_mark(self, recorded: Recorded) -> None:
        symbol = a_symbol()
        await recorded.journal.append(JournalBatch(fills=(a_fill(symbol, T0),)))
        assert await recorded.record.fill_history_mark("elsewhere", [symbol], LOOKBACK_MS) is None
