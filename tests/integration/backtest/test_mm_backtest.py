"""`mm backtest` end to end: the shipped slice imported into md_*, replayed, stored, reported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

pytestmark = pytest.mark.integration


def _mm(args: list[str], database_url: str, home: Path) -> subprocess.CompletedProcess[str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL", "STRATEGY"))
    }
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "backtest", *args],
        env={**base, "MM_HOME": str(home), "DATABASE_URL": database_url},
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _one(url: str, query: str) -> tuple[object, ...]:
    with psycopg.connect(url) as conn:
        row = conn.execute(query).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return tuple(row)


def test_with_no_options_it_replays_the_shipped_slice_from_the_database(
    clean_database_url: str, tmp_path: Path
) -> None:
    result = _mm([], clean_database_url, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rows replayed                    36,963" in result.stdout
    assert "(n=2)" in result.stdout
    assert "rests on 1 fill: too few to judge the strategy" in result.stdout
    assert _one(clean_database_url, "SELECT count(*), min(exchange), min(symbol) FROM md_bbo") == (
        30_732,
        "binance",
        "BTCUSDT",
    )
    assert _one(clean_database_url, "SELECT count(*), min(rows) FROM backtest_run") == (1, 36_963)
    assert list(tmp_path.glob("reports/backtest-*.html"))


def test_a_second_run_imports_nothing_again_and_stores_an_identical_run(
    clean_database_url: str, tmp_path: Path
) -> None:
    for _ in range(2):
        assert _mm(["--no-report"], clean_database_url, tmp_path).returncode == 0
    assert _one(clean_database_url, "SELECT count(*) FROM md_bbo") == (30_732,)
    assert _one(
        clean_database_url,
        "SELECT count(DISTINCT summary->>'fills'), count(DISTINCT data_sha256), count(*) FROM backtest_run",
    ) == (1, 1, 2)


def test_fills_and_mode_changes_are_stored_with_the_run(clean_database_url: str, tmp_path: Path) -> None:
    args = ["--fill-model", "touch", "--set", "base_half_spread_bps=0.5", "--report", str(tmp_path / "r.html")]
    assert _mm(args, clean_database_url, tmp_path).returncode == 0
    fills, modes, stored_fills = _one(
        clean_database_url,
        "SELECT (SELECT count(*) FROM backtest_fill), (SELECT count(*) FROM backtest_mode), "
        "(summary->>'fills')::int FROM backtest_run",
    )
    assert (fills, modes > 0) == (stored_fills, True)
    report = (tmp_path / "r.html").read_text()
    assert report.count('<div class="plot">') == 4
    assert "<script src=" not in report  # plotly.js is inline: the report opens offline


def test_recorded_files_replay_directly_without_touching_md_tables(clean_database_url: str, tmp_path: Path) -> None:
    prefix = Path(__file__).resolve().parents[3] / "src" / "mm" / "data" / "binance_usdm_btcusdt_20240808_3min"
    result = _mm(
        ["--data", str(prefix), "--exchange", "binance", "--symbol", "BTCUSDT", "--no-report"],
        clean_database_url,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert _one(clean_database_url, "SELECT (SELECT count(*) FROM md_bbo), (SELECT count(*) FROM backtest_run)") == (
        0,
        1,
    )


def test_an_unknown_param_is_refused_naming_it(clean_database_url: str, tmp_path: Path) -> None:
    result = _mm(["--set", "half_spread=3", "--no-report"], clean_database_url, tmp_path)
    assert (result.returncode, "half_spread" in result.stderr) == (2, True)


def test_help_lists_the_data_source_fill_model_latencies_tick_interval_params_and_report(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "backtest", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    for option in (
        "--data",
        "--from-db",
        "--exchange",
        "--symbol",
        "--start",
        "--end",
        "--fill-model",
        "--md-latency-ms",
        "--order-latency-ms",
        "--tick-interval-ms",
        "--set",
        "--report",
    ):
        assert option in result.stdout
