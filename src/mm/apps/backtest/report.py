"""The HTML report of a backtest run: summary, settings, and five plots embedded as PNG.

Plots: PnL, inventory, the desired quotes against the book, mean markout by horizon, the mode
timeline. Drawn with matplotlib's object API on the Agg canvas: no pyplot state, no display.
"""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from numpy.typing import NDArray

from mm.apps.backtest.summary_table import summary_rows
from mm.domain.fill_summary import MARKOUT_HORIZONS_S
from mm.domain.markouts import few_fills_note
from mm.domain.mode import Mode
from mm.usecases.backtest.backtest import BacktestResult

_MODE_COLOURS = {Mode.NORMAL: "#4caf50", Mode.DEFENSIVE: "#ffb300", Mode.PAUSE: "#e53935"}


def _times(ts_ms: Sequence[int]) -> NDArray[np.datetime64]:
    return np.array(ts_ms, dtype="datetime64[ms]")


def _values(values: Sequence[float | None]) -> NDArray[np.float64]:
    """Floats for plotting; a missing value (None) leaves a gap."""
    return np.array([np.nan if value is None else value for value in values], dtype=np.float64)


def _png(draw: Callable[[Axes], None], height_in: float = 3.2) -> str:
    figure = Figure(figsize=(11, height_in), dpi=96, layout="constrained")
    FigureCanvasAgg(figure)
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _draw_pnl(result: BacktestResult) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        samples = [s for s in result.pnl if s.pnl is not None]
        axes.plot(_times([s.ts_ms for s in samples]), _values([s.pnl for s in samples]), color="#1e88e5", linewidth=1)
        axes.axhline(0, color="grey", linewidth=0.5)
        axes.set_title("PnL marked to mid, fees included (quote currency)")

    return draw


def _draw_inventory(result: BacktestResult) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        fills = result.fills
        times = [result.record.start_ms, *(f.enriched.fill.ts_ms for f in fills), result.record.end_ms]
        positions = [0.0, *(float(f.position_after) for f in fills)]
        positions.append(positions[-1])
        axes.step(_times(times), _values(positions), where="post", color="#6d4c41", linewidth=1)
        axes.axhline(0, color="grey", linewidth=0.5)
        axes.set_title("inventory (base units)")

    return draw


def _draw_quotes(result: BacktestResult) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        book = [s for s in result.pnl if s.bid_px is not None and s.ask_px is not None]
        book_times = _times([s.ts_ms for s in book])
        axes.plot(book_times, _values([s.bid_px for s in book]), color="#9e9e9e", linewidth=0.8, label="best bid / ask")
        axes.plot(book_times, _values([s.ask_px for s in book]), color="#9e9e9e", linewidth=0.8)
        quotes = result.quotes
        quote_times = _times([q.ts_ms for q in quotes] + [result.record.end_ms])
        for label, colour, prices in (
            ("our bid", "#43a047", [q.bid_px for q in quotes]),
            ("our ask", "#e53935", [q.ask_px for q in quotes]),
        ):
            values = _values([float(price) if price is not None else None for price in prices])
            axes.step(
                quote_times, np.append(values, values[-1:]), where="post", color=colour, linewidth=0.8, label=label
            )
        for side_sign, colour in ((1, "#1b5e20"), (-1, "#b71c1c")):
            fills = [f.enriched.fill for f in result.fills if f.enriched.fill.side.sign == side_sign]
            fill_prices = _values([float(f.price) for f in fills])
            axes.scatter(_times([f.ts_ms for f in fills]), fill_prices, s=14, color=colour, zorder=3)
        axes.legend(loc="upper left", fontsize="small")
        axes.set_title("desired quotes against the book (dots: fills)")

    return draw


def _draw_markouts(result: BacktestResult) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        labels, means, counts = [], [], []
        for slot, horizon in enumerate(MARKOUT_HORIZONS_S):
            values = [float(m.bps) for f in result.fills if (m := f.enriched.markouts[slot]) is not None]
            labels.append(f"{horizon} s")
            means.append(sum(values) / len(values) if values else 0.0)
            counts.append(len(values))
        bars = axes.bar(labels, means, color=["#5c6bc0" if m >= 0 else "#ef5350" for m in means])
        axes.bar_label(bars, labels=[f"{m:+.2f} bps (n={n})" for m, n in zip(means, counts, strict=True)])
        axes.axhline(0, color="grey", linewidth=0.5)
        note = few_fills_note(min(counts, default=0))
        axes.set_title("mean markout by horizon (bps, positive = good for us)" + (f"\n{note}" if note else ""))

    return draw


def _draw_modes(result: BacktestResult) -> Callable[[Axes], None]:
    def draw(axes: Axes) -> None:
        for interval in result.modes:
            start, end = _times([interval.start_ms, max(interval.end_ms, interval.start_ms + 1)])
            axes.axvspan(start, end, color=_MODE_COLOURS[interval.mode], linewidth=0)
        axes.set_yticks([])
        first, last = _times([result.record.start_ms, result.record.end_ms])
        axes.set_xlim(first, last)
        handles = [Patch(color=colour, label=mode.value) for mode, colour in _MODE_COLOURS.items()]
        axes.legend(handles=handles, loc="upper right", fontsize="small", ncols=3)
        axes.set_title("mode timeline (PAUSE episodes in red)")

    return draw


def _table(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    return f"<table>{cells}</table>"


def render_report(result: BacktestResult) -> str:
    """The whole report as one self-contained HTML document."""
    record = result.record
    plots = [
        _png(_draw_pnl(result)),
        _png(_draw_inventory(result)),
        _png(_draw_quotes(result), height_in=4.5),
        _png(_draw_markouts(result)),
        _png(_draw_modes(result), height_in=1.8),
    ]
    images = "".join(f'<img alt="plot" src="data:image/png;base64,{png}">' for png in plots)
    settings = [(k, json.dumps(v)) for k, v in record.settings.items()]
    params = [(k, json.dumps(v)) for k, v in record.params.items()]
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>mm backtest {record.run_id or ''} {html.escape(record.symbol)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}"
        "th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f5f5f5}"
        "img{display:block;max-width:100%;margin:1em 0}</style></head><body>"
        f"<h1>Backtest {record.run_id or ''}: {html.escape(record.exchange)} {html.escape(record.symbol)}</h1>"
        f"{_table(summary_rows(result))}<h2>Plots</h2>{images}"
        f"<h2>Replay settings</h2>{_table(settings)}<h2>Strategy params</h2>{_table(params)}"
        f"<p>data sha256 {record.data_sha256}</p></body></html>"
    )


def write_report(result: BacktestResult, path: Path) -> Path:
    """Write the report to `path` (its folder is created); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_report(result), encoding="utf-8")
    return path
