"""`MarketDataSink` on Postgres: a bounded queue, a batching task and a storing task.

The recorder only queues. The batching task takes what has queued up (up to `batch_max_rows`,
lingering `batch_max_delay_s` for more) and builds COPY rows while the storing task writes the
previous batch, so encoding overlaps the database's work. The storing task writes to Postgres or,
while it is unreachable or a backlog waits, to the disk spool (`BatchStorage`). A full queue makes
the recorder wait: backpressure instead of unbounded memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from mm.adapters.postgres.ingest.batch import BatchBuilder, IngestBatch, LatestOnly, QueueItem, RecordingSource
from mm.adapters.postgres.ingest.batch_storage import BatchStorage
from mm.adapters.postgres.ingest.batch_writer import PostgresBatchWriter
from mm.adapters.postgres.ingest.metrics import WriterMetrics
from mm.adapters.postgres.ingest.queue import Control, Flush, IngestQueue, Stop
from mm.adapters.postgres.ingest.spool import IngestSpool
from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered
from mm.domain.recorded_rows import MarketDataRow
from mm.ports.errors import StoreError
from mm.ports.metrics import Metrics

_log = structlog.get_logger(__name__)

# Batches built ahead of the one being stored: enough to overlap encoding with the database.
_BUILT_AHEAD = 2
# Items encoded between two turns of the event loop: ~3 ms of work, short enough that the
# storing task keeps the database fed while the next batch is built.
_BUILD_CHUNK_ITEMS = 1_000
_YIELD_EVERY_ITEMS = 100


@dataclass(frozen=True, slots=True)
class WriterSettings:
    """Queue bound, batch shape and how the writer treats an unreachable database."""

    queue_max_items: int = 100_000
    batch_max_rows: int = 20_000
    batch_max_delay_s: float = 0.2
    retry_interval_s: float = 1.0
    replay_batches_per_turn: int = 8
    connect_timeout_s: float = 5.0
    write_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if min(self.queue_max_items, self.batch_max_rows, self.replay_batches_per_turn) < 1:
            raise ValueError("queue_max_items, batch_max_rows and replay_batches_per_turn must be positive")
        if min(self.batch_max_delay_s, self.retry_interval_s) < 0:
            raise ValueError("batch_max_delay_s and retry_interval_s must not be negative")
        if min(self.connect_timeout_s, self.write_timeout_s) <= 0:
            raise ValueError("connect_timeout_s and write_timeout_s must be positive")


class PostgresMarketDataSink:
    """Call `start()` before use and `aclose()` at the end (it flushes)."""

    def __init__(
        self,
        database_url: str,
        *,
        source: RecordingSource,
        spool_folder: Path,
        metrics: Metrics,
        settings: WriterSettings | None = None,
    ) -> None:
        self._settings = settings or WriterSettings()
        self._queue = IngestQueue(self._settings.queue_max_items)
        self._built: asyncio.Queue[IngestBatch | Control] = asyncio.Queue(_BUILT_AHEAD)
        self._builder = BatchBuilder(source)
        self._writer = PostgresBatchWriter(
            database_url,
            connect_timeout_s=self._settings.connect_timeout_s,
            write_timeout_s=self._settings.write_timeout_s,
        )
        self._spool = IngestSpool(spool_folder, file_prefix=source.name)
        self._metrics = WriterMetrics(metrics)
        self._log = _log.bind(source=source.name)
        self._storage = BatchStorage(
            self._writer, self._spool, self._metrics, retry_interval_s=self._settings.retry_interval_s, log=self._log
        )
        self._task: asyncio.Task[None] | None = None
        self._is_closed = False
        self._is_accepting = False  # started, not closed, writer alive
        self._unyielded = 0  # items accepted since the last turn given to the event loop

    @property
    def spool(self) -> IngestSpool:
        return self._spool

    async def start(self) -> None:
        """Take over batches earlier runs spooled, then start the writer."""
        await asyncio.to_thread(self._spool.recover)
        self._storage.publish_spool_size()
        self._metrics.store_up.set(1)
        self._task = asyncio.create_task(self._run(), name="md-writer")
        self._task.add_done_callback(self._writer_ended)
        self._is_accepting = True

    def _writer_ended(self, _task: asyncio.Task[None]) -> None:
        self._is_accepting = False

    # --- MarketDataSink -------------------------------------------------------------------------

    async def append(self, row: MarketDataRow) -> None:
        # The fast path, inlined: this runs once per message on the receive path.
        if not (self._is_accepting and self._queue.put_nowait(row)):
            await self._put(row)
        self._unyielded += 1
        if self._unyielded >= _YIELD_EVERY_ITEMS:
            # A burst on the receive path (a backlog after a reconnect) must not starve the
            # writer tasks on this loop: measured 103k -> 130k rows/s persisted in a burst.
            self._unyielded = 0
            await asyncio.sleep(0)  # a turn of the event loop, not a wait

    async def update_latest(self, top: BestBidOffer) -> None:
        await self._put(LatestOnly(top))

    async def record_gap(self, gap: FeedGap) -> None:
        await self._put(gap)

    async def record_recovery(self, recovery: FeedRecovered) -> None:
        await self._put(recovery)

    async def flush(self) -> None:
        self._check_accepting()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_control(Flush(done))
        await self._wait_for_writer(done)

    async def aclose(self) -> None:
        if self._is_closed:
            return
        self._is_closed = True  # first: nothing may queue up behind the stop
        self._is_accepting = False
        try:
            if self._task is not None and not self._task.done():
                self._queue.put_control(Stop())
            if self._task is not None:
                await self._task
        finally:
            await self._writer.close()
            await asyncio.to_thread(self._spool.close)

    # --- queue ----------------------------------------------------------------------------------

    async def _put(self, item: QueueItem) -> None:
        self._check_accepting()
        while not self._queue.put_nowait(item):
            self._metrics.backpressure_waits.inc()
            await self._wait_for_writer(asyncio.ensure_future(self._queue.wait_for_room()))

    def _check_accepting(self) -> None:
        if self._is_closed:
            raise StoreError("the market-data sink is closed")
        if self._task is None or self._task.done():
            raise StoreError("the market-data writer is not running") from self._writer_error()

    async def _wait_for_writer(self, waiting: asyncio.Future[Any]) -> None:
        """Await `waiting` unless the writer dies first (then its error surfaces here)."""
        assert self._task is not None
        await asyncio.wait({waiting, self._task}, return_when=asyncio.FIRST_COMPLETED)
        if not waiting.done():
            waiting.cancel()
            raise StoreError("the market-data writer stopped") from self._writer_error()
        waiting.result()

    def _writer_error(self) -> BaseException | None:
        task = self._task
        return task.exception() if task is not None and task.done() and not task.cancelled() else None

    # --- writer tasks ---------------------------------------------------------------------------

    async def _run(self) -> None:
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(self._batch(), name="md-writer-batch")
            tasks.create_task(self._store(), name="md-writer-store")

    async def _batch(self) -> None:
        while True:
            items, control = await self._queue.take(
                max_items=self._settings.batch_max_rows,
                max_delay_s=self._settings.batch_max_delay_s,
                idle_timeout_s=None,
            )
            self._metrics.queue_depth.set(len(self._queue))
            if items:
                await self._built.put(await self._build(items))
            if control is not None:
                await self._built.put(control)
            if isinstance(control, Stop):
                return

    async def _build(self, items: list[QueueItem]) -> IngestBatch:
        """Encode in chunks, letting the storing task feed the COPY in between (it shares this thread)."""
        for start in range(0, len(items), _BUILD_CHUNK_ITEMS):
            self._builder.add(items[start : start + _BUILD_CHUNK_ITEMS])
            await asyncio.sleep(0)  # a turn of the event loop, not a wait
        return self._builder.finish()

    async def _store(self) -> None:
        while True:
            try:
                async with asyncio.timeout(self._settings.retry_interval_s if self._storage.has_backlog else None):
                    job = await self._built.get()
            except TimeoutError:
                await self._storage.replay(limit=self._settings.replay_batches_per_turn)
                continue
            if isinstance(job, Stop):
                await self._storage.replay(limit=None)
                self._log.info("market_data_writer_stopped", spooled_batches=self._spool.pending_batches)
                return
            if isinstance(job, Flush):
                if not job.done.done():
                    job.done.set_result(None)
                continue
            await self._storage.persist(job)
            await self._storage.replay(limit=self._settings.replay_batches_per_turn)
