"""Plain-text tables of sweeps and stored runs for the terminal."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from mm.domain.backtest_sweep import StoredRunSummary


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns left-aligned to their widest cell, a rule under the header."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([line, "-" * len(line), *body])


def cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1e5 else f"{value:,.0f}"
    return str(value)


SWEEP_COLUMNS = (
    "run_id",
    "split",
    "fills",
    "marked_pnl",
    "spread_capture",
    "inventory_pnl",
    "fees",
    "sharpe",
    "max_drawdown",
    "markout_10s_bps",
    "reused",
)


def sweep_text(frame: pd.DataFrame, parameters: Sequence[str]) -> str:
    """The sweep's rows as they are in `frame` (already sorted), its parameters first."""
    columns = [c for c in (*parameters, *SWEEP_COLUMNS) if c in frame.columns]
    if frame["split"].isna().all():
        columns.remove("split")
    rows = [[cell(record[c]) for c in columns] for record in frame.to_dict("records")]
    return text_table(columns, rows)


def _utc(ts_ms: int) -> str:
    return datetime.fromtimestamp(ts_ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M")


def runs_text(runs: Sequence[StoredRunSummary]) -> str:
    """`mm backtest runs`: one line per stored run."""
    rows = [
        [
            str(run.run_id),
            _utc(run.created_ts_ms),
            f"{run.exchange} {run.symbol}",
            f"{_utc(run.start_ms)} +{(run.end_ms - run.start_ms) / 60_000:.0f}m",
            cell(run.summary.get("fills")),
            cell(float(run.summary["mtm_pnl"])) if "mtm_pnl" in run.summary else "-",
            cell(run.summary.get("risk", {}).get("sharpe_per_minute")),
            ",".join(map(str, run.sweep_ids)) or "-",
        ]
        for run in runs
    ]
    return text_table(["run", "stored (UTC)", "market", "data span", "fills", "marked_pnl", "sharpe", "sweeps"], rows)


COMPARED = (
    ("fills", lambda s: s.get("fills")),
    ("marked PnL", lambda s: float(s["mtm_pnl"])),
    ("spread capture", lambda s: _part(s, "spread_capture")),
    ("inventory PnL", lambda s: _part(s, "inventory_pnl")),
    ("fees", lambda s: _part(s, "fees")),
    ("funding", lambda s: _part(s, "funding")),
    ("max drawdown", lambda s: s.get("risk", {}).get("max_drawdown")),
    ("Sharpe (per minute)", lambda s: s.get("risk", {}).get("sharpe_per_minute")),
    ("Sortino (per minute)", lambda s: s.get("risk", {}).get("sortino_per_minute")),
    ("fill rate", lambda s: s.get("risk", {}).get("fill_rate")),
    ("quote uptime", lambda s: s.get("risk", {}).get("quote_uptime")),
    ("inventory turnover", lambda s: s.get("risk", {}).get("inventory_turnover")),
    ("markout 1s (bps)", lambda s: s.get("mean_markout_bps", {}).get("1")),
    ("markout 10s (bps)", lambda s: s.get("mean_markout_bps", {}).get("10")),
    ("markout 60s (bps)", lambda s: s.get("mean_markout_bps", {}).get("60")),
    ("PAUSE episodes", lambda s: s.get("pause_count")),
)


def _part(summary: dict[str, Any], name: str) -> float | None:
    value = summary.get("attribution", {}).get(name)
    return None if value is None else float(value)


def comparison_rows(runs: Sequence[StoredRunSummary]) -> list[list[str]]:
    """Rows of the side-by-side table: data, the params and settings that differ, then the results."""
    rows = [["data", *(run.data_source for run in runs)], ["market", *(f"{r.exchange} {r.symbol}" for r in runs)]]
    for source in ("params", "settings"):
        names = sorted({name for run in runs for name in getattr(run, source)} - {"version"})
        for name in names:
            values = [json.dumps(getattr(run, source).get(name)) for run in runs]
            if len(set(values)) > 1:
                rows.append([name, *values])
    for label, read in COMPARED:
        values = []
        for run in runs:
            try:
                values.append(cell(read(dict(run.summary))))
            except (KeyError, TypeError, ValueError):
                values.append("-")
        rows.append([label, *values])
    return rows


def comparison_text(runs: Sequence[StoredRunSummary]) -> str:
    return text_table(["", *(f"run {run.run_id}" for run in runs)], comparison_rows(runs))
