"""A backtest's tables as pandas DataFrames: prices as floats, times as UTC timestamps, for analysis."""

from __future__ import annotations

import pandas as pd

from mm.domain.fill_summary import MARKOUT_HORIZONS_S
from mm.usecases.backtest.backtest import BacktestResult


def _utc(ts_ms: list[int]) -> pd.Series:
    return pd.to_datetime(pd.Series(ts_ms, dtype="int64"), unit="ms", utc=True)


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def fills_frame(result: BacktestResult) -> pd.DataFrame:
    rows = []
    for backtest_fill in result.fills:
        enriched = backtest_fill.enriched
        fill = enriched.fill
        row = {
            "ts_ms": fill.ts_ms,
            "fill_id": fill.fill_id,
            "side": fill.side.value,
            "price": float(fill.price),
            "size": float(fill.size),
            "fee": float(fill.fee),
            "mode": fill.mode.value if fill.mode is not None else None,
            "position_after": float(backtest_fill.position_after),
            "mid_at_fill": _float(enriched.mid_at_fill),
            "spread_at_fill": _float(enriched.spread_at_fill),
        }
        for horizon, markout in zip(MARKOUT_HORIZONS_S, enriched.markouts, strict=True):
            row[f"markout_{horizon}s_bps"] = _float(markout.bps) if markout is not None else None
        rows.append(row)
    return _timed(pd.DataFrame(rows, columns=_FILL_COLUMNS))


_FILL_COLUMNS = [
    "ts_ms",
    "fill_id",
    "side",
    "price",
    "size",
    "fee",
    "mode",
    "position_after",
    "mid_at_fill",
    "spread_at_fill",
    *(f"markout_{h}s_bps" for h in MARKOUT_HORIZONS_S),
]


def pnl_frame(result: BacktestResult) -> pd.DataFrame:
    return _timed(pd.DataFrame(result.pnl, columns=["ts_ms", "bid_px", "ask_px", "mid", "position", "fees", "pnl"]))


def quotes_frame(result: BacktestResult) -> pd.DataFrame:
    rows = [
        {
            "ts_ms": quote.ts_ms,
            "bid_px": _float(quote.bid_px),
            "bid_sz": _float(quote.bid_sz),
            "ask_px": _float(quote.ask_px),
            "ask_sz": _float(quote.ask_sz),
        }
        for quote in result.quotes
    ]
    return _timed(pd.DataFrame(rows, columns=["ts_ms", "bid_px", "bid_sz", "ask_px", "ask_sz"]))


def modes_frame(result: BacktestResult) -> pd.DataFrame:
    rows = [
        {
            "start_ms": interval.start_ms,
            "end_ms": interval.end_ms,
            "mode": interval.mode.value,
            "reasons": ",".join(interval.reasons),
            "duration_s": interval.duration_ms / 1000,
        }
        for interval in result.modes
    ]
    frame = pd.DataFrame(rows, columns=["start_ms", "end_ms", "mode", "reasons", "duration_s"])
    frame.insert(0, "start", _utc(frame["start_ms"].tolist()))
    return frame


def pauses_frame(result: BacktestResult) -> pd.DataFrame:
    frame = pd.DataFrame(result.pauses, columns=["start_ms", "end_ms"])
    frame["duration_s"] = (frame["end_ms"] - frame["start_ms"]) / 1000
    frame.insert(0, "start", _utc(frame["start_ms"].tolist()))
    return frame


def _timed(frame: pd.DataFrame) -> pd.DataFrame:
    frame.insert(0, "ts", _utc(frame["ts_ms"].tolist()))
    return frame
