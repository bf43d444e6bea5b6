"""`md_ingest_batch`: the ledger that makes the ingestor's batches exactly-once (see `ingest/ledger.py`)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, Table, Text

from mm.adapters.postgres.tables.schema import created_now, metadata

md_ingest_batch = Table(
    "md_ingest_batch",
    metadata,
    Column("batch_id", Text, primary_key=True, comment="written in the same transaction as the batch rows"),
    Column("rows", Integer, nullable=False),
    created_now("committed_at"),
)
