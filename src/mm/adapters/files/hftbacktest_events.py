"""Recorded market data as hftbacktest's event arrays (`.npz`), so data recorded by `mm ingest` can be
replayed in that engine too.

The layout and flags are hftbacktest's (2.x): a structured array of 64-byte events (`ev` flags,
exchange and local timestamps in ns, price, quantity, order id, two spare values). An L1 row
becomes a depth event per side, preceded by a clear of the levels it moved away from; trades are
trade events with the aggressor's side. Rows of one millisecond keep their order, the book's
before the trades', as in `mm`'s replay. Written with NumPy alone: hftbacktest is not needed to export.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from mm.domain.market_tape import BookColumns, TradeColumns

EXCH_EVENT = 1 << 31
LOCAL_EVENT = 1 << 30
BUY_EVENT = 1 << 29
SELL_EVENT = 1 << 28
DEPTH_EVENT = 1
TRADE_EVENT = 2
DEPTH_CLEAR_EVENT = 3
EVENT_KIND_MASK = 0xFF

EVENT_DTYPE = np.dtype(
    {
        "names": ["ev", "exch_ts", "local_ts", "px", "qty", "order_id", "ival", "fval"],
        "formats": ["<u8", "<i8", "<i8", "<f8", "<f8", "<u8", "<i8", "<f8"],
        "offsets": [0, 8, 16, 24, 32, 40, 48, 56],
        "itemsize": 64,
    },
    align=True,
)
_BOTH = EXCH_EVENT | LOCAL_EVENT
_NS_PER_MS = 1_000_000


def _column(values: object, dtype: type) -> NDArray[np.generic]:
    return np.asarray(values, dtype=dtype)


def to_events(book: BookColumns, trades: TradeColumns) -> NDArray[np.void]:
    """Book rows and trades as one time-ordered hftbacktest event array (both timestamps the exchange's)."""
    ts = _column(book.ts_ms, np.int64)
    bid, ask = _column(book.bid_px, np.float64), _column(book.ask_px, np.float64)
    bid_sz, ask_sz = _column(book.bid_sz, np.float64), _column(book.ask_sz, np.float64)
    prev_bid = np.r_[np.nan, bid[:-1]]
    prev_ask = np.r_[np.nan, ask[:-1]]
    rows = np.arange(len(ts))
    parts = [  # (row, slot within the row, flags, price, qty, keep)
        (rows, 0, _BOTH | DEPTH_CLEAR_EVENT | BUY_EVENT, bid, np.zeros(len(ts)), bid < prev_bid),
        (rows, 1, _BOTH | DEPTH_EVENT | BUY_EVENT, bid, bid_sz, ~np.isnan(bid)),
        (rows, 2, _BOTH | DEPTH_CLEAR_EVENT | SELL_EVENT, ask, np.zeros(len(ts)), ask > prev_ask),
        (rows, 3, _BOTH | DEPTH_EVENT | SELL_EVENT, ask, ask_sz, ~np.isnan(ask)),
    ]
    t_ts = _column(trades.ts_ms, np.int64)
    is_buy = _column(trades.is_buy, np.int8).astype(bool)
    trade_flags = np.where(is_buy, _BOTH | TRADE_EVENT | BUY_EVENT, _BOTH | TRADE_EVENT | SELL_EVENT)
    times = [np.broadcast_to(ts, len(ts))[keep] for _, _, _, _, _, keep in parts] + [t_ts]
    groups = [np.zeros(int(keep.sum()), dtype=np.int8) for *_, keep in parts] + [np.ones(len(t_ts), dtype=np.int8)]
    order = [row[keep] * 4 + slot for row, slot, *_, keep in parts] + [np.arange(len(t_ts))]
    flags: list[NDArray[np.uint64]] = [
        np.full(int(keep.sum()), flag, dtype=np.uint64) for _, _, flag, _, _, keep in parts
    ]
    flags.append(trade_flags.astype(np.uint64))
    prices = [px[keep] for _, _, _, px, _, keep in parts] + [_column(trades.px, np.float64)]
    sizes = [qty[keep] for *_, qty, keep in parts] + [_column(trades.sz, np.float64)]
    all_ts = np.concatenate(times)
    sort = np.lexsort((np.concatenate(order), np.concatenate(groups), all_ts))
    events = np.zeros(len(all_ts), dtype=EVENT_DTYPE)
    events["ev"] = np.concatenate(flags)[sort]
    events["exch_ts"] = all_ts[sort] * _NS_PER_MS
    events["local_ts"] = events["exch_ts"]
    events["px"] = np.concatenate(prices)[sort]
    events["qty"] = np.concatenate(sizes)[sort]
    return events


def write_events(path: Path, events: NDArray[np.void]) -> Path:
    """Save as hftbacktest loads it: `np.load(path)["data"]`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, data=events)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
