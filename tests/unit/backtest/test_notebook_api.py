"""`mm.backtest.run(...)`: the notebook entry point, tables as pandas DataFrames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import mm.backtest


@pytest.fixture(scope="module")
def shipped_run() -> mm.backtest.BacktestRun:
    return mm.backtest.run(params={"base_half_spread_bps": 0.1, "vol_multiplier": 0.0}, fill_model="touch")


def test_every_table_converts_to_a_dataframe(shipped_run: mm.backtest.BacktestRun) -> None:
    frames = shipped_run.frames()
    assert {name: isinstance(frame, pd.DataFrame) for name, frame in frames.items()} == {
        "fills": True,
        "pnl": True,
        "quotes": True,
        "modes": True,
        "pauses": True,
    }


def test_the_fills_frame_has_one_row_per_fill_with_markouts(shipped_run: mm.backtest.BacktestRun) -> None:
    fills = shipped_run.fills
    assert len(fills) == shipped_run.summary["fills"] > 0
    assert {"ts", "side", "price", "position_after", "markout_10s_bps"} <= set(fills.columns)


def test_times_are_utc_timestamps(shipped_run: mm.backtest.BacktestRun) -> None:
    assert str(shipped_run.pnl["ts"].dt.tz) == "UTC"


def test_the_report_is_written_where_asked(shipped_run: mm.backtest.BacktestRun, tmp_path: Path) -> None:
    path = shipped_run.write_report(tmp_path / "nested" / "report.html")
    assert path.read_text().startswith("<!doctype html>")
