"""The HTML report of a sweep: its runs sorted by the objective, train beside test, a heatmap for a
two-parameter grid and, for a search, the parameters' importances. Interactive Plotly, offline."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from mm.apps.backtest.plotly_page import figure_div, page, table
from mm.apps.backtest.sweep.session import SweepOutcome
from mm.apps.backtest.sweep.text import SWEEP_COLUMNS, cell


def _runs_table(frame: pd.DataFrame, parameters: Sequence[str]) -> str:
    columns = [c for c in ("objective", *parameters, "data", *SWEEP_COLUMNS, "trial") if c in frame.columns]
    rows = [[cell(record[c]) for c in columns] for record in frame.to_dict("records")]
    return table(columns, rows)


def _train_test(frame: pd.DataFrame, parameters: Sequence[str]) -> str:
    """One row per point and data set: the objective fitted (train) beside the objective checked (test)."""
    if frame["split"].isna().all():
        return ""
    keys = [*parameters, "data"]
    wide = frame.pivot_table(index=keys, columns="split", values="objective", aggfunc="first").reset_index()
    wide = wide.sort_values("train", ascending=False, na_position="last")
    rows = [[cell(record.get(c)) for c in (*keys, "train", "test")] for record in wide.to_dict("records")]
    scatter = go.Figure(
        go.Scatter(
            x=wide["train"],
            y=wide["test"],
            mode="markers",
            text=[" ".join(f"{k}={r[k]}" for k in parameters) for r in wide.to_dict("records")],
        )
    )
    scatter.update_layout(title="objective out of sample: train (x) against test (y)", height=420)
    return (
        "<h2>Train against test</h2><p>A point good on train and poor on test is overfitted.</p>"
        f"{table([*keys, 'train', 'test'], rows)}{figure_div(scatter)}"
    )


def _heatmaps(frame: pd.DataFrame, parameters: Sequence[str], objective: str) -> str:
    if len(parameters) != 2:
        return ""
    x_name, y_name = parameters
    parts = []
    sides = [None] if frame["split"].isna().all() else ["train", "test"]
    for side in sides:
        rows = frame if side is None else frame[frame["split"] == side]
        grid = rows.pivot_table(index=y_name, columns=x_name, values="objective", aggfunc="mean")
        figure = go.Figure(
            go.Heatmap(z=grid.to_numpy(), x=[str(x) for x in grid.columns], y=[str(y) for y in grid.index])
        )
        label = f" ({side})" if side else ""
        figure.update_layout(
            title=f"{objective}{label}, mean over data sets", xaxis_title=x_name, yaxis_title=y_name, height=420
        )
        parts.append(figure_div(figure))
    return "<h2>Grid</h2>" + "".join(parts)


def _importances(importances: Mapping[str, float] | None) -> str:
    if not importances:
        return ""
    names = list(importances)
    figure = go.Figure(go.Bar(x=[importances[n] for n in names], y=names, orientation="h"))
    figure.update_layout(title="parameter importances (fANOVA over the search's trials)", height=300)
    return "<h2>Search</h2>" + figure_div(figure)


def render_sweep_report(
    outcome: SweepOutcome,
    frame: pd.DataFrame,
    parameters: Sequence[str],
    objective: str,
    importances: Mapping[str, float] | None = None,
) -> str:
    title = f"mm sweep {outcome.sweep_id}"
    body = (
        f"<h1>{html.escape(title)}: {len(frame)} runs sorted by {html.escape(objective)}</h1>"
        f"{_importances(importances)}{_heatmaps(frame, parameters, objective)}{_train_test(frame, parameters)}"
        f"<h2>Runs</h2>{_runs_table(frame, parameters)}"
    )
    return page(title, body)


def write_sweep_report(
    outcome: SweepOutcome,
    frame: pd.DataFrame,
    parameters: Sequence[str],
    objective: str,
    path: Path,
    *,
    importances: Mapping[str, float] | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_sweep_report(outcome, frame, parameters, objective, importances), encoding="utf-8")
    return path
