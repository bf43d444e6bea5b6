"""The book as the report draws it: whole on short sets, an envelope per bucket on long ones, broken at gaps."""

from __future__ import annotations

import math
from array import array

from mm.apps.backtest.book_display import display_book
from mm.domain.market_tape import BookColumns


def book(bids: list[float], asks: list[float]) -> BookColumns:
    n = len(bids)
    return BookColumns(
        array("q", range(0, 10 * n, 10)),
        array("d", bids),
        array("d", [1.0] * n),
        array("d", asks),
        array("d", [1.0] * n),
    )


def test_a_short_book_is_drawn_whole() -> None:
    ts, bid, ask, decimated = display_book(book([1, 2, 3], [4, 5, 6]), [], max_points=10)

    assert (list(ts), list(bid), list(ask), decimated) == ([0, 10, 20], [1, 2, 3], [4, 5, 6], False)


def test_a_long_book_keeps_the_lowest_bid_and_highest_ask_of_each_bucket() -> None:
    _ts, bid, ask, decimated = display_book(book([5, 1, 4, 3], [6, 9, 7, 8]), [], max_points=2)

    assert decimated
    assert (list(bid), list(ask)) == ([1, 3], [9, 8])


def test_each_gap_breaks_the_line() -> None:
    ts, bid, _ask, _ = display_book(book([1, 2, 3], [4, 5, 6]), [(12, 18)], max_points=10)

    assert list(ts) == [0, 10, 12, 20]
    assert math.isnan(bid[2])
