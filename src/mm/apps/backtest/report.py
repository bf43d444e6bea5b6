"""The HTML report of a backtest run: summary, settings and interactive Plotly charts (plotly.js embedded, offline).

Charts: PnL with its sources and inventory; the desired quotes against the book with fills, PAUSE
and data gaps shaded (zoomable; the book decimated on long sets); mean markout by horizon with n;
the mode timeline; a table of the fills.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from numpy.typing import NDArray
from plotly.subplots import make_subplots

from mm.apps.backtest.book_display import display_book
from mm.apps.backtest.plotly_page import figure_div, key_value_table, page, table
from mm.apps.backtest.summary_table import summary_rows
from mm.domain.fill_summary import MARKOUT_HORIZONS_S
from mm.domain.markouts import few_fills_note
from mm.domain.mode import Mode
from mm.usecases.backtest.backtest import BacktestResult

_MODE_COLOURS = {Mode.NORMAL: "#4caf50", Mode.DEFENSIVE: "#ffb300", Mode.PAUSE: "#e53935"}
_GAP_COLOUR = "#9e9e9e"
MAX_FILL_ROWS = 1_000


def _times(ts_ms: Sequence[int] | NDArray[np.int64]) -> NDArray[np.datetime64]:
    return np.asarray(ts_ms, dtype="datetime64[ms]")


def _values(values: Sequence[float | None]) -> NDArray[np.float64]:
    return np.array([np.nan if value is None else value for value in values], dtype=np.float64)


def _shade(figure: go.Figure, result: BacktestResult, **where: int) -> None:
    """PAUSE episodes in red, data gaps in grey, behind the traces."""
    for spans, colour in ((result.pauses, _MODE_COLOURS[Mode.PAUSE]), (result.gaps, _GAP_COLOUR)):
        for start, end in spans:
            first, last = _times([start, max(end, start + 1)])
            figure.add_vrect(x0=first, x1=last, fillcolor=colour, opacity=0.15, line_width=0, layer="below", **where)


def _pnl_figure(result: BacktestResult) -> go.Figure:
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.65, 0.35], vertical_spacing=0.05)
    samples = [s for s in result.pnl if s.pnl is not None]
    figure.add_scatter(
        x=_times([s.ts_ms for s in samples]),
        y=_values([s.pnl for s in samples]),
        name="PnL (marked to mid)",
        row=1,
        col=1,
    )
    fills = result.fills
    times = [result.record.start_ms, *(f.enriched.fill.ts_ms for f in fills), result.record.end_ms]
    positions = [0.0, *(float(f.position_after) for f in fills)]
    positions.append(positions[-1])
    figure.add_scatter(x=_times(times), y=positions, line_shape="hv", name="inventory (base)", row=2, col=1)
    _shade(figure, result, row=1, col=1)
    figure.update_layout(title="PnL, fees included (quote currency), and inventory", height=520)
    return figure


def _quotes_figure(result: BacktestResult) -> go.Figure:
    figure = go.Figure()
    if result.book is not None:
        ts, bid, ask, decimated = display_book(result.book, result.gaps)
        label = " (lowest bid / highest ask per bucket)" if decimated else ""
        figure.add_scattergl(x=_times(ts), y=bid, name=f"best bid{label}", line={"color": "#9e9e9e", "width": 1})
        figure.add_scattergl(x=_times(ts), y=ask, name=f"best ask{label}", line={"color": "#616161", "width": 1})
    quotes = result.quotes
    if quotes:
        quote_times = _times([*(q.ts_ms for q in quotes), result.record.end_ms])
        for label, colour, prices in (
            ("our bid", "#43a047", [q.bid_px for q in quotes]),
            ("our ask", "#e53935", [q.ask_px for q in quotes]),
        ):
            values = _values([float(p) if p is not None else None for p in prices])
            figure.add_scattergl(
                x=quote_times, y=np.append(values, values[-1:]), line_shape="hv", name=label, line={"color": colour}
            )
    for side_sign, colour, name in ((1, "#1b5e20", "buy fills"), (-1, "#b71c1c", "sell fills")):
        fills = [f.enriched.fill for f in result.fills if f.enriched.fill.side.sign == side_sign]
        figure.add_scattergl(
            x=_times([f.ts_ms for f in fills]),
            y=[float(f.price) for f in fills],
            mode="markers",
            marker={"color": colour, "size": 8, "symbol": "triangle-up" if side_sign > 0 else "triangle-down"},
            name=name,
            text=[f"{f.side.value} {f.size} @ {f.price}" for f in fills],
        )
    _shade(figure, result)
    figure.update_layout(
        title="desired quotes against the book (red: PAUSE, grey: no data); drag to zoom",
        height=560,
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def _markouts_figure(result: BacktestResult) -> go.Figure:
    labels, means, counts = [], [], []
    for slot, horizon in enumerate(MARKOUT_HORIZONS_S):
        values = [float(m.bps) for f in result.fills if (m := f.enriched.markouts[slot]) is not None]
        labels.append(f"{horizon} s")
        means.append(sum(values) / len(values) if values else 0.0)
        counts.append(len(values))
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=means,
            text=[f"{m:+.2f} bps (n={n})" for m, n in zip(means, counts, strict=True)],
            marker_color=["#5c6bc0" if m >= 0 else "#ef5350" for m in means],
        )
    )
    note = few_fills_note(min(counts, default=0))
    figure.update_layout(
        title="mean markout by horizon (bps, positive = good for us)" + (f"<br><sub>{note}</sub>" if note else ""),
        height=360,
    )
    return figure


def _modes_figure(result: BacktestResult) -> go.Figure:
    figure = go.Figure()
    for mode, colour in _MODE_COLOURS.items():
        spans = [i for i in result.modes if i.mode is mode]
        figure.add_bar(
            base=_times([i.start_ms for i in spans]),
            x=[max(i.duration_ms, 1) for i in spans],
            y=["mode"] * len(spans),
            orientation="h",
            marker_color=colour,
            name=mode.value,
            text=[", ".join(i.reasons) for i in spans],
        )
    figure.update_layout(
        title="mode timeline", barmode="overlay", height=220, xaxis={"type": "date"}, legend={"orientation": "h"}
    )
    return figure


def _fills_table(result: BacktestResult) -> str:
    headers = ["time (UTC)", "side", "price", "size", "fee", "mid", "position after", "mode"]
    headers += [f"markout {h}s bps" for h in MARKOUT_HORIZONS_S]
    rows = []
    for backtest_fill in result.fills[:MAX_FILL_ROWS]:
        enriched = backtest_fill.enriched
        fill = enriched.fill
        rows.append(
            [
                str(_times([fill.ts_ms])[0]),
                fill.side.value,
                str(fill.price),
                str(fill.size),
                str(fill.fee),
                str(enriched.mid_at_fill) if enriched.mid_at_fill is not None else "-",
                str(backtest_fill.position_after),
                fill.mode.value if fill.mode is not None else "-",
                *(f"{float(m.bps):+.2f}" if m is not None else "-" for m in enriched.markouts),
            ]
        )
    more = len(result.fills) - MAX_FILL_ROWS
    note = f"<p>{more} more fills not shown (run.fills has them all).</p>" if more > 0 else ""
    return table(headers, rows) + note


def render_report(result: BacktestResult) -> str:
    """The whole report as one self-contained HTML document."""
    record = result.record
    figures = (_pnl_figure(result), _quotes_figure(result), _markouts_figure(result), _modes_figure(result))
    settings = [(k, json.dumps(v)) for k, v in record.settings.items()]
    params = [(k, json.dumps(v)) for k, v in record.params.items()]
    title = f"Backtest {record.run_id or ''}: {record.exchange} {record.symbol}"
    body = (
        f"<h1>{html.escape(title)}</h1>{key_value_table(summary_rows(result))}<h2>Charts</h2>"
        + "".join(figure_div(figure) for figure in figures)
        + f"<h2>Fills</h2>{_fills_table(result)}"
        f"<h2>Replay settings</h2>{key_value_table(settings)}<h2>Strategy params</h2>{key_value_table(params)}"
        f"<p>data sha256 {record.data_sha256}</p>"
    )
    return page(f"mm backtest {record.run_id or ''} {record.symbol}", body)


def write_report(result: BacktestResult, path: Path) -> Path:
    """Write the report to `path` (its folder is created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8")
    return path
