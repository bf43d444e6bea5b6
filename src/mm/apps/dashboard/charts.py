"""Plotly figures of the dashboard as plain JSON-ready dicts (`data` and `layout`); plotly.js draws them.

Built on the server from the same values the tables show, so a chart never disagrees with its table.
Times go to plotly as epoch milliseconds, which a date axis reads as UTC (and costs nothing to format).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from mm.domain.backtest_run import BacktestRunRecord, ModeChange
from mm.domain.bucket_summary import BucketSummary
from mm.domain.live_market import MarketSeries
from mm.domain.mode import Mode
from mm.domain.side import Side

Figure = dict[str, Any]

_MODE_COLOUR = {
    Mode.NORMAL: "rgba(46,160,67,0.10)",
    Mode.DEFENSIVE: "rgba(210,153,34,0.18)",
    Mode.PAUSE: "rgba(218,54,51,0.18)",
}
_BUY = "#2ea043"
_SELL = "#da3633"


def _x(ts_ms: int) -> int:
    return ts_ms


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": {"text": title, "font": {"size": 14}, "x": 0.01, "xanchor": "left"},
        "margin": {"l": 60, "r": 60, "t": 60, "b": 50},
        "height": 340,
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        "xaxis": {"type": "date"},
        **extra,
    }


def _mode_bands(modes: Sequence[ModeChange], end_ms: int) -> list[dict[str, Any]]:
    """Shaded spans behind a time chart, one per mode change, up to the next change or `end_ms`."""
    shapes = []
    for change, following in zip(modes, [*modes[1:], None], strict=True):
        until = following.ts_ms if following is not None else end_ms
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": _x(change.ts_ms),
                "x1": _x(max(until, change.ts_ms)),
                "y0": 0,
                "y1": 1,
                "fillcolor": _MODE_COLOUR[change.mode],
                "line": {"width": 0},
                "layer": "below",
            }
        )
    return shapes


def live_book(series: MarketSeries) -> Figure:
    """The book against our quotes, fills marked, the mode shaded behind."""
    data: list[dict[str, Any]] = [
        _line("book bid", [(b.ts_ms, b.bid_px) for b in series.book], "#1f6feb"),
        _line("book ask", [(b.ts_ms, b.ask_px) for b in series.book], "#8250df"),
        _line("our bid", [(q.ts_ms, q.bid_px) for q in series.quotes], _BUY, dash="dot", shape="hv"),
        _line("our ask", [(q.ts_ms, q.ask_px) for q in series.quotes], _SELL, dash="dot", shape="hv"),
    ]
    for side, symbol, colour in ((Side.BUY, "triangle-up", _BUY), (Side.SELL, "triangle-down", _SELL)):
        fills = [f for f in series.fills if f.side is side]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": f"{side.value} fills",
                "x": [_x(f.ts_ms) for f in fills],
                "y": [float(f.price) for f in fills],
                "text": [f"{f.size} @ {f.price}" for f in fills],
                "marker": {"symbol": symbol, "size": 12, "color": colour, "line": {"width": 1, "color": "#000"}},
            }
        )
    layout = _layout(f"{series.symbol}: book, our quotes and fills", shapes=_mode_bands(series.modes, series.end_ms))
    layout["xaxis"]["range"] = [_x(series.start_ms), _x(series.end_ms)]
    return {"data": data, "layout": layout}


def _line(name: str, points: Sequence[tuple[int, Decimal | None]], colour: str, **style: str) -> dict[str, Any]:
    return {
        "type": "scatter",
        "mode": "lines",
        "name": name,
        "x": [_x(ts) for ts, _ in points],
        "y": [_num(v) for _, v in points],
        "line": {"color": colour, **style},
        "connectgaps": False,
    }


def markouts(buckets: Sequence[BucketSummary], title: str) -> Figure:
    xs = [_x(b.bucket_start_ms) for b in buckets]
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": f"{name} markout (bps)", "x": xs, "y": ys}
        for name, ys in (
            ("1s", [_num(b.mean_markout_1s_bps) for b in buckets]),
            ("10s", [_num(b.mean_markout_10s_bps) for b in buckets]),
            ("60s", [_num(b.mean_markout_60s_bps) for b in buckets]),
        )
    ]
    return {"data": data, "layout": _layout(title, yaxis={"title": {"text": "bps"}})}


def pnl(buckets: Sequence[BucketSummary], title: str) -> Figure:
    xs = [_x(b.bucket_start_ms) for b in buckets]
    data = [
        {"type": "bar", "name": "realized", "x": xs, "y": [_num(b.realized_pnl) for b in buckets]},
        {"type": "bar", "name": "marked", "x": xs, "y": [_num(b.mtm_pnl) for b in buckets]},
        {"type": "bar", "name": "fees", "x": xs, "y": [-float(b.fees) for b in buckets]},
    ]
    return {"data": data, "layout": _layout(title, barmode="group")}


def pnl_sources(buckets: Sequence[BucketSummary], title: str) -> Figure:
    """Each bucket's PnL by where it came from, stacked, with the net as a line.

    Spread capture, inventory PnL, funding and fees (negative) add up to the net (`attributed_pnl`);
    a bucket summarized before attribution existed leaves a hole rather than a zero.
    """
    xs = [_x(b.bucket_start_ms) for b in buckets]
    sources = (
        ("spread capture", [_num(b.spread_capture) for b in buckets]),
        ("inventory", [_num(b.inventory_pnl) for b in buckets]),
        ("funding", [_num(b.funding_pnl) for b in buckets]),
        ("fees", [None if b.spread_capture is None else -float(b.fees) for b in buckets]),
    )
    data: list[dict[str, Any]] = [{"type": "bar", "name": name, "x": xs, "y": ys} for name, ys in sources]
    net = [_num(b.attributed_pnl) for b in buckets]
    data.append(
        {"type": "scatter", "mode": "lines+markers", "name": "net", "x": xs, "y": net, "line": {"color": "#222"}}
    )
    return {"data": data, "layout": _layout(title, barmode="relative")}


def fill_counts(buckets: Sequence[BucketSummary], title: str) -> Figure:
    xs = [_x(b.bucket_start_ms) for b in buckets]
    data = [
        {"type": "bar", "name": "buys", "x": xs, "y": [b.buy_count for b in buckets], "marker": {"color": _BUY}},
        {"type": "bar", "name": "sells", "x": xs, "y": [b.sell_count for b in buckets], "marker": {"color": _SELL}},
    ]
    return {"data": data, "layout": _layout(title, barmode="stack")}


def modes_and_uptime(buckets: Sequence[BucketSummary], title: str) -> Figure:
    xs = [_x(b.bucket_start_ms) for b in buckets]
    data: list[dict[str, Any]] = [
        {"type": "bar", "name": f"{mode.value} (s)", "x": xs, "y": ys, "marker": {"color": colour}}
        for mode, ys, colour in (
            (Mode.NORMAL, [float(b.time_normal_s) for b in buckets], "#2ea043"),
            (Mode.DEFENSIVE, [float(b.time_defensive_s) for b in buckets], "#d29922"),
            (Mode.PAUSE, [float(b.time_pause_s) for b in buckets], "#da3633"),
        )
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "quote uptime",
            "x": xs,
            "y": [_num(b.quote_uptime) for b in buckets],
            "yaxis": "y2",
        }
    )
    layout = _layout(
        title,
        barmode="stack",
        yaxis={"title": {"text": "seconds"}},
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 1], "title": {"text": "uptime"}},
    )
    return {"data": data, "layout": layout}


def run_fills(run: BacktestRunRecord) -> Figure:
    """A backtest's fills over time with the position they left, the mode shaded behind."""
    fills = [f.enriched.fill for f in run.fills]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"{side.value} fills",
            "x": [_x(f.ts_ms) for f in fills if f.side is side],
            "y": [float(f.price) for f in fills if f.side is side],
            "marker": {"color": colour, "size": 9},
        }
        for side, colour in ((Side.BUY, _BUY), (Side.SELL, _SELL))
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "lines",
            "line": {"shape": "hv"},
            "name": "position",
            "x": [_x(f.enriched.fill.ts_ms) for f in run.fills],
            "y": [float(f.position_after) for f in run.fills],
            "yaxis": "y2",
        }
    )
    layout = _layout(
        f"run {run.run_id}: fills and position",
        shapes=_mode_bands(run.modes, run.end_ms),
        yaxis2={"overlaying": "y", "side": "right", "title": {"text": "position"}},
    )
    layout["xaxis"]["range"] = [_x(run.start_ms), _x(run.end_ms)]
    return {"data": data, "layout": layout}


def compare_runs(runs: Sequence[BacktestRunRecord]) -> Figure:
    """One group of bars per PnL or markout figure of the summaries, one bar per run."""
    summaries = [flat(run.summary) for run in runs]
    metrics = [name for name in _COMPARED if any(_metric(summary.get(name)) is not None for summary in summaries)]
    if not metrics:
        metrics = numeric_metrics(summaries)
    data = [
        {
            "type": "bar",
            "name": f"run {run.run_id}",
            "x": metrics,
            "y": [_metric(summary.get(name)) for name in metrics],
        }
        for run, summary in zip(runs, summaries, strict=True)
    ]
    layout = {**_layout("PnL and markouts side by side", barmode="group"), "xaxis": {"type": "category"}}
    return {"data": data, "layout": layout}


_COMPARED = (
    "realized_pnl",
    "mtm_pnl",
    "fees",
    "mean_markout_bps.1",
    "mean_markout_bps.10",
    "mean_markout_bps.60",
)
"""The figures of a stored backtest summary that share a scale (quote units and bps); counts stay in the table."""


def flat(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as one level: `{"a": {"b": 1}}` becomes `{"a.b": 1}`."""
    out: dict[str, Any] = {}
    for name, item in mapping.items():
        if isinstance(item, Mapping):
            out.update(flat(item, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = item
    return out


def _metric(value: Any) -> float | None:
    try:
        return None if value is None or isinstance(value, bool) else float(value)
    except (TypeError, ValueError):
        return None


def numeric_metrics(summaries: Sequence[Mapping[str, Any]]) -> list[str]:
    """The keys that hold a number in at least one summary, in first-seen order."""
    names: list[str] = []
    for summary in summaries:
        for name, value in summary.items():
            if name not in names and _metric(value) is not None:
                names.append(name)
    return names
