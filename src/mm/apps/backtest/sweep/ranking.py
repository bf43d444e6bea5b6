"""A sweep's runs sorted by an objective, best first; runs without a value (too few fills) last."""

from __future__ import annotations

import pandas as pd

from mm.apps.backtest.sweep.objectives import OBJECTIVES

OBJECTIVE_COLUMNS = {"marked_pnl": "marked_pnl", "sharpe": "sharpe", "mean_markout_10s": "markout_10s_bps"}
"""Which column of the sweep table holds each objective."""


def ranked(frame: pd.DataFrame, objective: str, min_fills: int = 0) -> pd.DataFrame:
    """`frame` with an `objective` column (NaN below `min_fills`), sorted by it, best first; ties by run id."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}")
    out = frame.copy()
    values = pd.to_numeric(out[OBJECTIVE_COLUMNS[objective]], errors="coerce")
    out["objective"] = values.where(out["fills"] >= min_fills)
    return out.sort_values(["objective", "run_id"], ascending=[False, True], na_position="last", kind="stable")
