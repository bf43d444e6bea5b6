"""Day partitions are created ahead and dropped past retention."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import create_engine, text

from mm.adapters.postgres import migrations
from mm.adapters.postgres.ingest.ledger import prune_ingest_ledger
from mm.adapters.postgres.partitions import existing_partitions, maintain_partitions
from mm.adapters.postgres.urls import sqlalchemy_url

pytestmark = pytest.mark.integration


def test_maintenance_creates_days_ahead_and_drops_days_past_retention(empty_database_url: str) -> None:
    """In a database of its own: retention drops every older partition, which other tests may use."""
    migrations.upgrade(empty_database_url)
    engine = create_engine(sqlalchemy_url(empty_database_url))
    try:
        with engine.begin() as conn:
            maintain_partitions(conn, date(2026, 1, 1), days_ahead=2, retention_days=None)
            dropped = maintain_partitions(conn, date(2026, 1, 3), days_ahead=1, retention_days=1)
            found = existing_partitions(conn)
    finally:
        engine.dispose()
    assert found["md_trade"] == [date(2026, 1, 2), date(2026, 1, 3), date(2026, 1, 4)]
    assert "md_price_p20260101" in dropped


def test_a_row_lands_in_its_day_partition(clean_database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(clean_database_url))
    try:
        with engine.begin() as conn:
            maintain_partitions(conn, date(2024, 8, 8), days_ahead=0, retention_days=None)
            conn.execute(
                text(
                    "INSERT INTO md_price (exchange, symbol, ts, kind, price, source_id, row_no) "
                    "VALUES ('x', 'BTC-USD', '2024-08-08T12:00:00Z', 'mark', 1, 1, 1)"
                )
            )
            count = conn.scalar(text("SELECT count(*) FROM md_price_p20240808"))
            conn.execute(text("DROP TABLE md_price_p20240808, md_bbo_p20240808, md_trade_p20240808"))
    finally:
        engine.dispose()
    assert count == 1


def test_ledger_rows_older_than_the_cutoff_are_pruned_and_newer_ones_kept(clean_database_url: str) -> None:
    engine = create_engine(sqlalchemy_url(clean_database_url))
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO md_ingest_batch (batch_id, rows, committed_at) VALUES "
                    "('old', 1, '2026-01-01T00:00:00Z'), ('new', 1, '2026-01-09T00:00:00Z')"
                )
            )
            pruned = prune_ingest_ledger(conn, datetime(2026, 1, 8, tzinfo=UTC))
            left = conn.execute(text("SELECT batch_id FROM md_ingest_batch")).scalars().all()
    finally:
        engine.dispose()
    assert (pruned, left) == (1, ["new"])
