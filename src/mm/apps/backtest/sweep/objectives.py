"""What a search maximizes, read from a run's stored summary: marked PnL, per-minute Sharpe, mean 10 s markout."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _marked_pnl(summary: Mapping[str, Any]) -> float | None:
    return float(summary["mtm_pnl"])


def _sharpe(summary: Mapping[str, Any]) -> float | None:
    value = summary.get("risk", {}).get("sharpe_per_minute")
    return None if value is None else float(value)


def _mean_markout_10s(summary: Mapping[str, Any]) -> float | None:
    value = summary.get("mean_markout_bps", {}).get("10")
    return None if value is None else float(value)


OBJECTIVES: Mapping[str, Callable[[Mapping[str, Any]], float | None]] = {
    "marked_pnl": _marked_pnl,
    "sharpe": _sharpe,
    "mean_markout_10s": _mean_markout_10s,
}
"""Each objective by name; higher is better for all."""


def objective_value(name: str, summary: Mapping[str, Any], min_fills: int = 0) -> float | None:
    """The objective of one run; None when it has fewer than `min_fills` fills or no value (no such run wins)."""
    if summary.get("fills", 0) < min_fills:
        return None
    return OBJECTIVES[name](summary)
