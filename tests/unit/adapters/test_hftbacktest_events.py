"""Recorded rows as hftbacktest events: depth per side with clears, trades with the aggressor's side, in time order."""

from __future__ import annotations

from array import array

import numpy as np

from mm.adapters.files.hftbacktest_events import (
    BUY_EVENT,
    DEPTH_CLEAR_EVENT,
    DEPTH_EVENT,
    EVENT_KIND_MASK,
    SELL_EVENT,
    TRADE_EVENT,
    to_events,
)
from mm.domain.market_tape import BookColumns, TradeColumns


def _kinds(events: np.ndarray) -> list[tuple[int, str, float]]:
    out = []
    for event in events:
        flags = int(event["ev"])
        side = "buy" if flags & BUY_EVENT else "sell" if flags & SELL_EVENT else "?"
        out.append((flags & EVENT_KIND_MASK, side, float(event["px"])))
    return out


def test_a_level_moving_away_is_cleared_before_the_new_top_is_set() -> None:
    book = BookColumns(
        array("q", [1, 2]),
        array("d", [100.0, 99.0]),
        array("d", [1.0, 2.0]),
        array("d", [101.0, 102.0]),
        array("d", [1.0, 1.0]),
    )

    events = to_events(book, TradeColumns())

    assert _kinds(events) == [
        (DEPTH_EVENT, "buy", 100.0),
        (DEPTH_EVENT, "sell", 101.0),
        (DEPTH_CLEAR_EVENT, "buy", 99.0),
        (DEPTH_EVENT, "buy", 99.0),
        (DEPTH_CLEAR_EVENT, "sell", 102.0),
        (DEPTH_EVENT, "sell", 102.0),
    ]
    assert list(events["exch_ts"]) == [1_000_000] * 2 + [2_000_000] * 4
    assert list(events["qty"][[3, 5]]) == [2.0, 1.0]


def test_trades_follow_the_book_of_their_millisecond_with_the_aggressors_side() -> None:
    book = BookColumns(array("q", [5]), array("d", [100.0]), array("d", [1.0]), array("d", [101.0]), array("d", [1.0]))
    trades = TradeColumns(
        array("q", [3, 5]),
        array("d", [100.0, 101.0]),
        array("d", [0.2, 0.5]),
        array("b", [0, 1]),
        array("b", [0, 0]),
        array("b", [0, 0]),
    )

    events = to_events(book, trades)

    assert _kinds(events) == [
        (TRADE_EVENT, "sell", 100.0),
        (DEPTH_EVENT, "buy", 100.0),
        (DEPTH_EVENT, "sell", 101.0),
        (TRADE_EVENT, "buy", 101.0),
    ]
