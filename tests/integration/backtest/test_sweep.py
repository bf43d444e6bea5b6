"""`mm.backtest.sweep(...)` and `mm backtest sweep / runs / compare` on the shipped slice: stored, reused, deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import psycopg
import pytest

import mm.backtest

pytestmark = pytest.mark.integration

GRID = {"base_half_spread_bps": [0.5, 1.0], "inventory_skew_bps": [2.0, 4.0]}
RESULTS = ["base_half_spread_bps", "inventory_skew_bps", "fills", "marked_pnl", "spread_capture", "sharpe"]


def _results(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[RESULTS].reset_index(drop=True)


def test_a_grid_stores_every_run_with_its_sweep_id(clean_database_url: str) -> None:
    frame = mm.backtest.sweep(GRID, fill_model="touch", workers=2, database_url=clean_database_url)

    assert len(frame) == 4
    assert not frame["reused"].any()
    with psycopg.connect(clean_database_url) as conn:
        rows = conn.execute("SELECT sweep_id, count(*) FROM backtest_sweep_run GROUP BY sweep_id").fetchall()
    assert rows == [(frame.attrs["sweep_id"], 4)]


def test_a_second_equal_sweep_reuses_every_run_and_gives_equal_results(clean_database_url: str) -> None:
    first = mm.backtest.sweep(GRID, fill_model="touch", workers=2, database_url=clean_database_url)
    second = mm.backtest.sweep(GRID, fill_model="touch", workers=2, database_url=clean_database_url)

    assert second["reused"].all()
    assert list(second["run_id"]) == list(first["run_id"])
    pd.testing.assert_frame_equal(_results(second), _results(first))
    assert second.attrs["sweep_id"] != first.attrs["sweep_id"]


def test_the_pool_gives_the_results_of_one_process() -> None:
    pooled = mm.backtest.sweep(GRID, fill_model="touch", workers=2)
    alone = mm.backtest.sweep(GRID, fill_model="touch", workers=1)

    pd.testing.assert_frame_equal(_results(pooled), _results(alone))
    assert pooled["fills"].nunique() > 1  # the grid changes something


def test_train_and_test_spans_are_replayed_apart() -> None:
    first_ms, last_ms = 1_723_161_256_000, 1_723_161_436_000
    middle = (first_ms + last_ms) // 2
    frame = mm.backtest.sweep(
        {"base_half_spread_bps": [0.5]}, fill_model="touch", workers=1, train=(None, middle), test=(middle, None)
    )

    assert list(frame["split"]) == ["train", "test"]
    assert frame["fills"].sum() > 0


def _mm(args: list[str], database_url: str, home: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL", "STRATEGY"))
    }
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "backtest", *args],
        env={**base, "MM_HOME": str(home), "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"},
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_sweep_runs_and_compare_from_the_command_line(clean_database_url: str, tmp_path: Path) -> None:
    swept = _mm(
        ["sweep", "--grid", "base_half_spread_bps=0.5,1", "--fill-model", "touch", "--workers", "2"],
        clean_database_url,
        tmp_path,
    )
    assert swept.returncode == 0, swept.stderr
    assert "2 runs, 0 reused, sorted by marked_pnl" in swept.stdout
    assert (tmp_path / "reports" / "sweep-1.html").exists()

    listed = _mm(["runs"], clean_database_url, tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[2:]] == ["2", "1"]

    compared = _mm(["compare", "1", "2"], clean_database_url, tmp_path)
    assert compared.returncode == 0, compared.stderr
    header, _, *rows = compared.stdout.splitlines()
    assert header.split() == ["run", "1", "run", "2"]
    spread_row = next(row for row in rows if row.startswith("base_half_spread_bps"))
    assert spread_row.split()[1:] == ["0.5", "1.0"]
    assert (tmp_path / "reports" / "compare-1-2.html").exists()


def test_compare_names_an_unknown_run(clean_database_url: str, tmp_path: Path) -> None:
    result = _mm(["compare", "424242"], clean_database_url, tmp_path)

    assert result.returncode == 1
    assert "no backtest run 424242" in result.stderr
