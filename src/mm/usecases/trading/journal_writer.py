"""The event log's writer: buffers rows in memory and writes them in batches, never on the tick's path.

Recording is a synchronous append. Market data sits in a bounded buffer and is dropped (and
counted) when the database falls behind; order events, fills, positions and decisions are never
dropped: a failed batch is retried, first, until the database takes it. One flush runs at a time:
the executor's final flush at shutdown waits for the periodic one in flight instead of writing its
batch a second time beside it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from itertools import islice
from typing import TypeVar

import structlog

from mm.domain.decision_record import DecisionRecord
from mm.domain.journal_batch import JournalBatch, JournaledFill
from mm.domain.market_events import MarketEvent
from mm.domain.order_journal import OrderJournalEntry
from mm.domain.orders import PositionUpdate
from mm.ports.clock import Clock
from mm.ports.errors import RetryableError, StoreError
from mm.ports.trading_journal import TradingJournal
from mm.usecases.trading.executor_metrics import ExecutorMetrics

T = TypeVar("T")
_log = structlog.get_logger(__name__)


def _take(buffer: deque[T], limit: int) -> tuple[T, ...]:
    taken = tuple(islice(buffer, limit))
    for _ in taken:
        buffer.popleft()
    return taken


class JournalWriter:
    """Buffers the event log and writes it through a `TradingJournal` every `flush_interval_s`."""

    def __init__(
        self,
        journal: TradingJournal,
        clock: Clock,
        metrics: ExecutorMetrics,
        *,
        max_market_rows: int = 100_000,
        max_batch_rows: int = 5_000,
        flush_interval_s: float = 0.25,
        retry_max_s: float = 5.0,
    ) -> None:
        self._journal = journal
        self._clock = clock
        self._metrics = metrics
        self._max_market_rows = max_market_rows
        self._max_batch_rows = max_batch_rows
        self._flush_interval_s = flush_interval_s
        self._retry_max_s = retry_max_s
        self._market: deque[MarketEvent] = deque()
        self._orders: deque[OrderJournalEntry] = deque()
        self._fills: deque[JournaledFill] = deque()
        self._positions: deque[PositionUpdate] = deque()
        self._decisions: deque[DecisionRecord] = deque()
        self._unwritten: JournalBatch | None = None
        self._flushing = asyncio.Lock()
        self.dropped_market_rows = 0

    # --- recording: synchronous, cheap -------------------------------------------------------------

    def record_market(self, event: MarketEvent) -> None:
        if len(self._market) >= self._max_market_rows:
            self.dropped_market_rows += 1
            self._metrics.journal_dropped.inc()
            return
        self._market.append(event)

    def record_order(self, entry: OrderJournalEntry) -> None:
        self._orders.append(entry)

    def record_fill(self, fill: JournaledFill) -> None:
        self._fills.append(fill)

    def record_position(self, update: PositionUpdate) -> None:
        self._positions.append(update)

    def record_decision(self, record: DecisionRecord) -> None:
        self._decisions.append(record)

    @property
    def pending_rows(self) -> int:
        buffered = len(self._market) + len(self._orders) + len(self._fills) + len(self._positions)
        return buffered + len(self._decisions) + (len(self._unwritten) if self._unwritten else 0)

    # --- writing -----------------------------------------------------------------------------------

    async def run(self) -> None:
        """Write every `flush_interval_s` until cancelled; back off while the database is away."""
        backoff_s = self._flush_interval_s
        while True:
            await self._clock.sleep(backoff_s)
            try:
                await self.flush()
                backoff_s = self._flush_interval_s
            except RetryableError as error:
                self._metrics.journal_errors.inc(category=type(error).__name__)
                _log.warning("journal_write_failed", error=str(error), pending_rows=self.pending_rows)
                backoff_s = min(self._retry_max_s, backoff_s * 2)

    async def flush(self) -> None:
        """Write everything buffered now, in batches; raises the store's error with nothing lost."""
        async with self._flushing:
            while True:
                batch = self._unwritten or self._next_batch()
                if not len(batch):
                    break
                self._unwritten = batch
                await self._write(batch)
                self._unwritten = None
            self._metrics.journal_pending.set(self.pending_rows)

    async def _write(self, batch: JournalBatch) -> None:
        try:
            await self._journal.append(batch)
        except RetryableError:
            raise
        except StoreError as error:
            if not batch.market:
                raise
            # A bad market row must not hold back the log that may never be dropped.
            self._metrics.journal_errors.inc(category=type(error).__name__)
            self.dropped_market_rows += len(batch.market)
            self._metrics.journal_dropped.inc(len(batch.market))
            _log.error("journal_market_rows_dropped", rows=len(batch.market), error=str(error))
            batch = JournalBatch((), batch.orders, batch.fills, batch.positions, batch.decisions)
            self._unwritten = batch
            await self._journal.append(batch)
        self._count(batch)

    def _next_batch(self) -> JournalBatch:
        limit = self._max_batch_rows
        return JournalBatch(
            market=_take(self._market, limit),
            orders=_take(self._orders, limit),
            fills=_take(self._fills, limit),
            positions=_take(self._positions, limit),
            decisions=_take(self._decisions, limit),
        )

    def _count(self, batch: JournalBatch) -> None:
        rows = self._metrics.journal_rows
        for kind, count in (
            ("market", len(batch.market)),
            ("order", len(batch.orders)),
            ("fill", len(batch.fills)),
            ("position", len(batch.positions)),
            ("decision", len(batch.decisions)),
        ):
            if count:
                rows.inc(count, kind=kind)
