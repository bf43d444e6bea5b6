"""The HTML report of `mm backtest compare`: the side-by-side table and each run's PnL by source, interactive."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go

from mm.apps.backtest.plotly_page import figure_div, page, table
from mm.apps.backtest.sweep.text import comparison_rows
from mm.domain.backtest_run import BacktestRunRecord
from mm.domain.backtest_sweep import StoredRunSummary

_PARTS = ("spread_capture", "inventory_pnl", "fees", "funding")


def _attribution_figure(summaries: Sequence[StoredRunSummary]) -> go.Figure:
    labels = [f"run {s.run_id}" for s in summaries]
    figure = go.Figure()
    for part in _PARTS:
        values = [float(s.summary.get("attribution", {}).get(part, "nan")) for s in summaries]
        figure.add_bar(name=part.replace("_", " "), x=labels, y=values)
    figure.update_layout(barmode="relative", title="PnL by source (quote currency)", height=420)
    return figure


def _position_figure(records: Sequence[BacktestRunRecord]) -> go.Figure:
    figure = go.Figure()
    for record in records:
        fills = record.fills
        times = [record.start_ms, *(f.enriched.fill.ts_ms for f in fills), record.end_ms]
        positions = [0.0, *(float(f.position_after) for f in fills)]
        positions.append(positions[-1])
        figure.add_scatter(x=times, y=positions, mode="lines", line_shape="hv", name=f"run {record.run_id}")
    figure.update_layout(title="inventory (base units) by epoch ms", height=380)
    return figure


def write_comparison_report(
    records: Sequence[BacktestRunRecord], summaries: Sequence[StoredRunSummary], path: Path
) -> Path:
    headers = ["", *(f"run {s.run_id}" for s in summaries)]
    body = (
        f"<h1>Backtest runs {', '.join(str(s.run_id) for s in summaries)} compared</h1>"
        f"{table(headers, comparison_rows(summaries))}"
        f"{figure_div(_attribution_figure(summaries))}{figure_div(_position_figure(records))}"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page("mm backtest compare", body), encoding="utf-8")
    return path
