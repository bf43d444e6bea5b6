"""Retention of `md_ingest_batch`, the ledger that makes ingestor batches exactly-once.

A ledger row only matters while a batch with that id could still be retried or replayed from a
spool; after that it is dead weight (one row per batch, up to hundreds of thousands a day).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete

from mm.adapters.postgres.tables import md_ingest_batch


def prune_ingest_ledger(conn: Connection, committed_before: datetime) -> int:
    """Delete ledger rows committed before `committed_before`; return how many.

    Keep the cutoff well behind the oldest spool file an ingestor may still replay: a batch whose
    ledger row is gone would be stored a second time.
    """
    result = conn.execute(delete(md_ingest_batch).where(md_ingest_batch.c.committed_at < committed_before))
    return result.rowcount
