"""`mm data export --format hftbacktest`: md_* rows out as an event array hftbacktest replays to the same book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mm.adapters.files.recorded_tape import read_book_columns, recording_paths
from mm.apps.backtest.shipped_slice import shipped_prefix

pytestmark = pytest.mark.integration


def _mm(args: list[str], database_url: str, home: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EXTENDED_", "SYMBOL", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "mm.apps.cli", "data", *args],
        env={**base, "MM_HOME": str(home), "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"},
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def exported(clean_database_url: str, tmp_path: Path) -> Path:
    book, trades = recording_paths(shipped_prefix())
    assert (
        _mm(
            ["import", "--exchange", "bn", "--symbol", "BTCUSDT", str(book), str(trades)], clean_database_url, tmp_path
        ).returncode
        == 0
    )
    result = _mm(
        [
            "export",
            "--format",
            "hftbacktest",
            "--exchange",
            "bn",
            "--symbol",
            "BTCUSDT",
            "--out",
            str(tmp_path / "bn.npz"),
        ],
        clean_database_url,
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return tmp_path / "bn.npz"


def test_every_book_row_and_trade_is_exported_in_time_order(exported: Path) -> None:
    events = np.load(exported)["data"]
    book = read_book_columns(recording_paths(shipped_prefix())[0])

    assert np.all(np.diff(events["exch_ts"]) >= 0)
    assert events["exch_ts"][0] == book.ts_ms[0] * 1_000_000
    assert len(events) >= 2 * len(book)


def test_hftbacktest_replays_the_export_to_the_recorded_book(exported: Path) -> None:
    hftbacktest = pytest.importorskip("hftbacktest", reason="hftbacktest is the bench extra")
    events = np.load(exported)["data"][:4_000]
    book = read_book_columns(recording_paths(shipped_prefix())[0])
    last_row = int(np.searchsorted(book.ts_ms, events["exch_ts"][-1] // 1_000_000, side="right")) - 1
    asset = (
        hftbacktest.BacktestAsset()
        .data([events])
        .linear_asset(1.0)
        .constant_order_latency(0, 0)
        .risk_adverse_queue_model()
        .no_partial_fill_exchange()
        .tick_size(0.1)
        .lot_size(0.001)
    )
    backtest = hftbacktest.HashMapMarketDepthBacktest([asset])
    backtest.elapse(int(events["exch_ts"][-1] - events["exch_ts"][0]) + 1)
    depth = backtest.depth(0)

    assert (depth.best_bid, depth.best_ask) == pytest.approx((book.bid_px[last_row], book.ask_px[last_row]))
