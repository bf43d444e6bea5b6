"""Where each ingest batch goes: Postgres when it takes writes and nothing older waits, else the spool.

While Postgres is unreachable it is not asked again for `retry_interval_s`; meanwhile batches are
spooled. Once it answers, the spool is replayed oldest first, a few batches per turn so the live
queue keeps moving, until it is empty and batches go straight to Postgres again. A batch Postgres
refuses for its content is stored again leaving out each refused row (`row_isolation.py`); rows
set aside, there or while the batch was built (`storable.py`), go to the spool's `rejected` folder
with their reasons, counted and logged, so one bad row cannot stop the recording or cost its batch.
Only a batch refused even so is set aside whole.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import structlog

from mm.adapters.postgres.ingest.batch import IngestBatch
from mm.adapters.postgres.ingest.batch_writer import PostgresBatchWriter
from mm.adapters.postgres.ingest.metrics import BatchOutcome, WriterMetrics
from mm.adapters.postgres.ingest.spool import IngestSpool
from mm.adapters.postgres.ingest.storable import RejectedRow
from mm.ports.errors import StoreError, StoreUnavailable

# Rows set aside are logged one line each up to this many per batch; all are kept and counted.
_LOGGED_ROWS_PER_BATCH = 10


class BatchStorage:
    """Not re-entrant: one task calls it."""

    def __init__(
        self,
        writer: PostgresBatchWriter,
        spool: IngestSpool,
        metrics: WriterMetrics,
        *,
        retry_interval_s: float,
        log: structlog.typing.FilteringBoundLogger,
    ) -> None:
        self._writer = writer
        self._spool = spool
        self._metrics = metrics
        self._retry_interval_s = retry_interval_s
        self._log = log
        self._retry_at: float | None = None  # loop time before which Postgres is not asked again

    @property
    def has_backlog(self) -> bool:
        return not self._spool.is_empty

    async def persist(self, batch: IngestBatch) -> None:
        """Store `batch`, or spool it behind the backlog; returns once it is durable either way."""
        if batch.rejected_rows:
            await self._set_aside(batch.batch_id, batch.rejected_rows)
        if self._spool.is_empty and self._is_store_due():
            try:
                await self._store(batch, BatchOutcome.WRITTEN)
                return
            except StoreUnavailable as error:
                self._store_down(error)
        await asyncio.to_thread(self._spool.append, batch)
        self._metrics.batches.inc(outcome=BatchOutcome.SPOOLED)
        self.publish_spool_size()

    async def replay(self, limit: int | None) -> None:
        """Store up to `limit` spooled batches (all with None), oldest first, while Postgres takes them."""
        replayed = 0
        while not self._spool.is_empty and self._is_store_due() and (limit is None or replayed < limit):
            batch = await asyncio.to_thread(self._spool.peek)
            assert batch is not None
            try:
                await self._store(batch, BatchOutcome.REPLAYED)
            except StoreUnavailable as error:
                self._store_down(error)
                return
            await asyncio.to_thread(self._spool.consume)
            replayed += 1
            self.publish_spool_size()
            if self._spool.is_empty:
                self._log.info("ingest_spool_drained")

    def publish_spool_size(self) -> None:
        self._metrics.spool_batches.set(self._spool.pending_batches)
        self._metrics.spool_bytes.set(self._spool.pending_bytes)

    async def _store(self, batch: IngestBatch, outcome: BatchOutcome) -> None:
        """Write `batch`; refused for its content, again without the refused rows; set aside whole only if that fails."""
        try:
            await self._timed_write(batch, outcome)
        except StoreUnavailable:
            raise
        except StoreError as first_error:
            self._log.warning("ingest_batch_failed", batch_id=batch.batch_id, error=str(first_error))
            try:
                await self._timed_write(batch, outcome, isolate_rows=True)
            except StoreUnavailable:
                raise
            except StoreError as error:
                await self._reject(batch, error)

    async def _timed_write(self, batch: IngestBatch, outcome: BatchOutcome, *, isolate_rows: bool = False) -> None:
        started = time.perf_counter()
        refused: list[RejectedRow] = []
        if isolate_rows:
            is_new, refused = await self._writer.write_isolating(batch)
        else:
            is_new = await self._writer.write(batch)
        self._metrics.write_latency.observe(time.perf_counter() - started, path=outcome.value)
        if self._retry_at is not None:
            self._retry_at = None
            self._metrics.store_up.set(1)
            self._log.info("ingest_store_available", spooled_batches=self._spool.pending_batches)
        if not is_new:
            self._metrics.batches.inc(outcome=BatchOutcome.DUPLICATE)
            self._log.info("ingest_batch_already_stored", batch_id=batch.batch_id)
            return
        self._metrics.batches.inc(outcome=outcome)
        if refused:
            await self._set_aside(batch.batch_id, refused)
        refused_by_table = Counter(row.table for row in refused)
        for table, count in batch.row_counts.items():
            self._metrics.rows_written.inc(count - refused_by_table[table], table=table)

    async def _set_aside(self, batch_id: str, rows: list[RejectedRow]) -> None:
        """Keep rows that cannot be stored, with their reasons, in the rejected folder; count and log them."""
        path = await asyncio.to_thread(self._spool.set_aside_rows, batch_id, [row.as_json() for row in rows])
        for row in rows:
            self._metrics.rows_rejected.inc(table=row.table, reason=row.kind.value)
        for row in rows[:_LOGGED_ROWS_PER_BATCH]:
            self._log.error(
                "ingest_row_rejected", batch_id=batch_id, table=row.table, reason=row.reason, kept_in=str(path)
            )
        if len(rows) > _LOGGED_ROWS_PER_BATCH:
            self._log.error(
                "ingest_rows_rejected",
                batch_id=batch_id,
                not_logged=len(rows) - _LOGGED_ROWS_PER_BATCH,
                kept_in=str(path),
            )

    async def _reject(self, batch: IngestBatch, error: StoreError) -> None:
        path = await asyncio.to_thread(self._spool.reject, batch)
        self._metrics.batches.inc(outcome=BatchOutcome.REJECTED)
        self._log.error(
            "ingest_batch_rejected", batch_id=batch.batch_id, rows=batch.row_total, kept_in=str(path), error=str(error)
        )

    def _is_store_due(self) -> bool:
        return self._retry_at is None or asyncio.get_running_loop().time() >= self._retry_at

    def _store_down(self, error: StoreUnavailable) -> None:
        if self._retry_at is None:
            self._metrics.store_up.set(0)
            self._log.warning("ingest_store_unavailable", error=str(error), retry_interval_s=self._retry_interval_s)
        self._retry_at = asyncio.get_running_loop().time() + self._retry_interval_s
