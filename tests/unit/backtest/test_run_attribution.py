"""Every backtest run carries its PnL attribution and risk figures, and the parts add up to its marked PnL."""

from __future__ import annotations

from decimal import Decimal

import pytest

import mm.backtest


@pytest.fixture(scope="module")
def shipped_run() -> mm.backtest.BacktestRun:
    return mm.backtest.run(params={"base_half_spread_bps": 0.5}, fill_model="touch", maker_fee_rate="0.0001")


def test_the_parts_sum_to_the_marked_pnl_within_rounding(shipped_run: mm.backtest.BacktestRun) -> None:
    parts = shipped_run.summary["attribution"]

    assert shipped_run.summary["fills"] > 0
    assert abs(Decimal(parts["total"]) - Decimal(shipped_run.summary["mtm_pnl"])) < Decimal("1e-12")
    assert Decimal(parts["fees"]) == -Decimal(shipped_run.summary["fees"])


def test_the_risk_figures_describe_the_run(shipped_run: mm.backtest.BacktestRun) -> None:
    risk = shipped_run.summary["risk"]

    assert risk["minutes"] >= 3
    assert risk["max_drawdown"] >= 0
    assert 0 < risk["quote_uptime"] <= 1
    assert 0 < risk["fill_rate"] <= 1
