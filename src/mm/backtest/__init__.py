"""Backtests from a notebook: `mm.backtest.run(...)` replays recorded data and hands back DataFrames.

    import mm.backtest
    run = mm.backtest.run()                                  # the slice shipped with mm
    run = mm.backtest.run("../shared/data/standx_btcusd_20260106", ask_offset=0.09, fill_model="touch")
    run.fills, run.pnl, run.quotes, run.modes, run.pauses     # pandas DataFrames
    run.summary                                              # headline numbers (a dict)
    run.write_report("report.html")
    table = mm.backtest.sweep({"base_half_spread_bps": [1, 2, 3]}, data=[...], workers=2)  # a DataFrame, a row per run

The same replay as `mm backtest`, built by its container (the executor's engine, the simulated
exchange). Nothing is stored unless `database_url` and `store=True` are given; the environment and
`.env` are not read: a notebook's run depends only on its arguments.
"""

from __future__ import annotations

from mm.apps.backtest.notebook import BacktestRun, run
from mm.apps.backtest.sweep.notebook import sweep

__all__ = ["BacktestRun", "run", "sweep"]
