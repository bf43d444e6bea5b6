"""A sweep's runs as one pandas DataFrame: one row per run, the grid's parameters, PnL by source and risk figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from mm.apps.backtest.sweep.sweeper import SweepRun


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def run_row(run: SweepRun) -> dict[str, Any]:
    """The row of one run (parameters as columns, amounts as floats for analysis)."""
    summary = run.summary
    parts = summary.get("attribution", {})
    risk = summary.get("risk", {})
    markouts = summary.get("mean_markout_bps", {})
    return {
        "run_id": run.run_id,
        "data": run.job.dataset.label,
        "split": run.job.split.value if run.job.split is not None else None,
        "trial": run.job.trial,
        "reused": run.is_reused,
        **dict(run.job.point),
        "fills": summary.get("fills"),
        "marked_pnl": _float(summary.get("mtm_pnl")),
        "spread_capture": _float(parts.get("spread_capture")),
        "inventory_pnl": _float(parts.get("inventory_pnl")),
        "fees": _float(parts.get("fees")),
        "funding": _float(parts.get("funding")),
        "max_drawdown": risk.get("max_drawdown"),
        "sharpe": risk.get("sharpe_per_minute"),
        "sortino": risk.get("sortino_per_minute"),
        "fill_rate": risk.get("fill_rate"),
        "quote_uptime": risk.get("quote_uptime"),
        "inventory_turnover": risk.get("inventory_turnover"),
        **{f"markout_{h}s_bps": markouts.get(h) for h in ("1", "10", "60")},
        "replay_seconds": summary.get("wall_seconds"),
    }


def sweep_frame(runs: Sequence[SweepRun]) -> pd.DataFrame:
    """One row per run, in the sweep's job order."""
    return pd.DataFrame([run_row(run) for run in runs])
