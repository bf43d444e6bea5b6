"""The book as a report draws it: every row on short sets, an envelope per time bucket on long ones,
and a break (NaN) across each span without data so no line bridges a gap."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from mm.domain.market_tape import BookColumns

MAX_BOOK_POINTS = 20_000
"""Beyond this many rows the book is decimated: a browser stays responsive and the band readable."""


def display_book(
    book: BookColumns, gaps: Sequence[tuple[int, int]], max_points: int = MAX_BOOK_POINTS
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64], bool]:
    """(ts_ms, bid, ask, is_decimated): on long sets each bucket shows its lowest bid and highest ask."""
    ts = np.frombuffer(book.ts_ms, dtype=np.int64) if len(book) else np.zeros(0, dtype=np.int64)
    bid = np.frombuffer(book.bid_px, dtype=np.float64) if len(book) else np.zeros(0)
    ask = np.frombuffer(book.ask_px, dtype=np.float64) if len(book) else np.zeros(0)
    decimated = len(ts) > max_points
    if decimated:
        edges = np.linspace(ts[0], ts[-1] + 1, max_points + 1)
        bucket = np.searchsorted(edges, ts, side="right") - 1
        starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
        ts = ts[starts]
        bid = np.fmin.reduceat(bid, starts)
        ask = np.fmax.reduceat(ask, starts)
    return (*_broken_at(ts, bid, ask, gaps), decimated)


def _broken_at(
    ts: NDArray[np.int64], bid: NDArray[np.float64], ask: NDArray[np.float64], gaps: Sequence[tuple[int, int]]
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]:
    """Insert a NaN point at the start of each gap, so the plotted line stops there."""
    if not gaps or not len(ts):
        return ts, bid, ask
    starts = np.array([start for start, _ in gaps], dtype=np.int64)
    at = np.searchsorted(ts, starts, side="right")
    return (
        np.insert(ts, at, starts),
        np.insert(bid, at, np.nan),
        np.insert(ask, at, np.nan),
    )
