"""The event log's writer: batches off the tick's path, market data may drop, the rest never does."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.memory.trading_journal import InMemoryTradingJournal
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.decision_record import DecisionRecord
from mm.domain.journal_batch import JournalBatch
from mm.domain.market_events import BestBidOffer
from mm.domain.order_journal import OrderEvent, OrderJournalEntry
from mm.ports.errors import StoreError, StoreUnavailable
from mm.usecases.trading.executor_metrics import ExecutorMetrics
from mm.usecases.trading.journal_writer import JournalWriter


def a_writer(journal: InMemoryTradingJournal, **options: int) -> JournalWriter:
    return JournalWriter(journal, SimulatedClock(0), ExecutorMetrics(PrometheusMetrics()), **options)


def a_book(seq: int) -> BestBidOffer:
    return BestBidOffer("extended", "BTC-USD", seq, seq, seq, Decimal(1), Decimal(1), Decimal(2), Decimal(1))


def an_order_entry(ts_ms: int) -> OrderJournalEntry:
    return OrderJournalEntry("extended", "BTC-USD", ts_ms, OrderEvent.CANCEL_ALL_SENT)


def a_decision(ts_ms: int) -> DecisionRecord:
    return DecisionRecord(
        "extended", "BTC-USD", ts_ms, "PAUSE", "NORMAL", ("feed_gap",), 1, None, None, None, None, None, 0.0
    )


async def test_recording_writes_nothing_until_a_flush() -> None:
    journal = InMemoryTradingJournal()
    writer = a_writer(journal)
    writer.record_order(an_order_entry(1))
    assert journal.batches == 0
    await writer.flush()
    assert len(journal.orders) == 1


async def test_a_flush_writes_everything_in_batches_of_the_configured_size() -> None:
    journal = InMemoryTradingJournal()
    writer = a_writer(journal, max_batch_rows=10)
    for seq in range(25):
        writer.record_market(a_book(seq))
    await writer.flush()
    assert (journal.batches, len(journal.market)) == (3, 25)


async def test_market_data_beyond_the_buffer_is_dropped_and_counted() -> None:
    journal = InMemoryTradingJournal()
    writer = a_writer(journal, max_market_rows=5)
    for seq in range(8):
        writer.record_market(a_book(seq))
    await writer.flush()
    assert len(journal.market) == 5
    assert writer.dropped_market_rows == 3


async def test_order_events_and_decisions_are_never_dropped() -> None:
    journal = InMemoryTradingJournal()
    writer = a_writer(journal, max_market_rows=1)
    for ts_ms in range(1_000):
        writer.record_order(an_order_entry(ts_ms))
        writer.record_decision(a_decision(ts_ms))
    await writer.flush()
    assert (len(journal.orders), len(journal.decisions)) == (1_000, 1_000)


async def test_a_failed_write_keeps_its_rows_for_the_next_flush() -> None:
    journal = InMemoryTradingJournal()
    journal.fail_next(StoreUnavailable("database restarting"))
    writer = a_writer(journal)
    writer.record_order(an_order_entry(1))
    with pytest.raises(StoreUnavailable):
        await writer.flush()
    await writer.flush()
    assert len(journal.orders) == 1


async def test_a_batch_refused_for_its_market_rows_is_written_without_them() -> None:
    journal = InMemoryTradingJournal()
    journal.fail_next(StoreError("invalid input syntax for type json"))
    writer = a_writer(journal)
    writer.record_market(a_book(1))
    writer.record_order(an_order_entry(1))
    await writer.flush()
    assert (len(journal.market), len(journal.orders)) == (0, 1)


async def test_a_refused_batch_without_market_rows_is_an_error() -> None:
    journal = InMemoryTradingJournal()
    journal.fail_next(StoreError("check constraint violated"))
    writer = a_writer(journal)
    writer.record_order(an_order_entry(1))
    with pytest.raises(StoreError):
        await writer.flush()
    assert writer.pending_rows == 1


class SlowJournal(InMemoryTradingJournal):
    """Holds each append until `release` is set, as a database in the middle of a write does."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def append(self, batch: JournalBatch) -> None:
        await self.release.wait()
        await super().append(batch)


async def test_a_flush_beside_one_in_flight_waits_and_writes_each_row_once() -> None:
    journal = SlowJournal()
    writer = a_writer(journal)
    writer.record_order(an_order_entry(1))
    in_flight = asyncio.create_task(writer.flush())
    await asyncio.sleep(0)  # the periodic flush is now waiting on the database
    writer.record_order(an_order_entry(2))
    final = asyncio.create_task(writer.flush())
    await asyncio.sleep(0)
    journal.release.set()
    await asyncio.gather(in_flight, final)
    assert [entry.ts_ms for entry in journal.orders] == [1, 2]
    assert journal.batches == 2
