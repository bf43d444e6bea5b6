"""The Postgres market-data writer's instruments: rows written, queue, latency, spool, store state."""

from __future__ import annotations

from enum import StrEnum

from mm.ports.metrics import Metrics

# Batch transactions take milliseconds when healthy and up to the write timeout when not.
WRITE_LATENCY_BUCKETS_S = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class BatchOutcome(StrEnum):
    WRITTEN = "written"  # stored straight from the queue
    SPOOLED = "spooled"  # Postgres unreachable (or a backlog ahead of it): kept on disk
    REPLAYED = "replayed"  # stored from the spool
    DUPLICATE = "duplicate"  # committed before (ambiguous commit or replay): skipped
    REJECTED = "rejected"  # Postgres refused the data itself: set aside under spool/rejected


class WriterMetrics:
    def __init__(self, metrics: Metrics) -> None:
        self.rows_written = metrics.counter(
            "ingest_rows_written_total", "market-data rows committed to Postgres, by table", ("table",)
        )
        self.rows_rejected = metrics.counter(
            "ingest_rows_rejected_total",
            "market-data rows, gaps and latest values set aside (spool/rejected) instead of stored, by table and reason",
            ("table", "reason"),
        )
        self.batches = metrics.counter("ingest_batches_total", "ingest batches by outcome", ("outcome",))
        self.queue_depth = metrics.gauge("ingest_queue_depth", "items waiting for the market-data writer")
        self.backpressure_waits = metrics.counter(
            "ingest_backpressure_waits_total", "times the recorder waited for room in the writer's queue"
        )
        self.write_latency = metrics.histogram(
            "ingest_write_seconds",
            "duration of one batch transaction",
            ("path",),
            buckets=WRITE_LATENCY_BUCKETS_S,
        )
        self.spool_bytes = metrics.gauge("ingest_spool_bytes", "bytes of batches waiting in the spool")
        self.spool_batches = metrics.gauge("ingest_spool_batches", "batches waiting in the spool")
        self.store_up = metrics.gauge("ingest_store_up", "1 while Postgres takes batches, 0 while spooling")
