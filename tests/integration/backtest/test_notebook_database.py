"""`mm.backtest.run(..., database_url=...)`: md_* rows replayed, runs kept only when asked."""

from __future__ import annotations

import logging

import psycopg
import pytest
import structlog

import mm.backtest
from mm.adapters.files.recorded_tape import recording_paths
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix

pytestmark = pytest.mark.integration

_SHIPPED = {"exchange": SHIPPED_EXCHANGE, "symbol": SHIPPED_SYMBOL, "fill_model": "touch"}


def _stored_runs(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM backtest_run").fetchone()
    assert row is not None
    return int(row[0])


def test_a_run_asked_to_be_stored_is_kept_in_the_database(clean_database_url: str) -> None:
    run = mm.backtest.run(shipped_prefix(), database_url=clean_database_url, store=True, **_SHIPPED)

    assert (_stored_runs(clean_database_url), run.result.record.run_id) == (1, 1)


def test_a_run_not_asked_to_be_stored_leaves_the_database_alone(clean_database_url: str) -> None:
    mm.backtest.run(shipped_prefix(), database_url=clean_database_url, **_SHIPPED)

    assert _stored_runs(clean_database_url) == 0


def test_without_data_the_markets_md_rows_are_replayed(clean_database_url: str) -> None:
    for path in recording_paths(shipped_prefix()):
        assert path is not None
        import_recording(clean_database_url, path, SHIPPED_EXCHANGE, SHIPPED_SYMBOL)
    from_files = mm.backtest.run(shipped_prefix(), **_SHIPPED)

    from_database = mm.backtest.run(database_url=clean_database_url, **_SHIPPED)

    assert (from_database.summary["rows"], from_database.summary["fills"]) == (
        from_files.summary["rows"],
        from_files.summary["fills"],
    )


def test_a_run_on_the_database_keeps_the_notebooks_own_logging_set_up(clean_database_url: str) -> None:
    before = (list(logging.getLogger().handlers), structlog.get_config()["processors"])

    mm.backtest.run(shipped_prefix(), database_url=clean_database_url, store=True, **_SHIPPED)

    assert (list(logging.getLogger().handlers), structlog.get_config()["processors"]) == before
