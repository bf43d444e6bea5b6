"""Recorded columns: validated on construction, counted, and identified by their bytes."""

from __future__ import annotations

from array import array

import pytest

from mm.domain.market_tape import BookColumns, MarketTape, TradeColumns


def a_book(ts_ms: list[int], bid_px: float = 100.0) -> BookColumns:
    n = len(ts_ms)
    return BookColumns(
        array("q", ts_ms),
        array("d", [bid_px] * n),
        array("d", [1.0] * n),
        array("d", [100.1] * n),
        array("d", [2.0] * n),
    )


def a_tape(book: BookColumns) -> MarketTape:
    trades = TradeColumns(
        array("q", [5]), array("d", [100.0]), array("d", [0.1]), array("b", [1]), array("b", [0]), array("b", [0])
    )
    return MarketTape("binance", "BTCUSDT", book, trades)


def test_book_rows_out_of_time_order_are_refused() -> None:
    with pytest.raises(ValueError, match="time order"):
        a_book([3, 2])


def test_columns_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="columns"):
        BookColumns(array("q", [1, 2]), array("d", [1.0]), array("d", [1.0]), array("d", [1.0]), array("d", [1.0]))


def test_rows_of_one_millisecond_are_allowed() -> None:
    assert len(a_book([1, 1, 2])) == 3


def test_a_tape_counts_book_and_trade_rows_and_spans_them() -> None:
    tape = a_tape(a_book([1, 9]))
    assert (tape.row_count, tape.first_ts_ms, tape.last_ts_ms) == (3, 1, 9)


def test_equal_columns_have_equal_digests() -> None:
    assert a_tape(a_book([1, 9])).sha256() == a_tape(a_book([1, 9])).sha256()


def test_one_changed_price_changes_the_digest() -> None:
    assert a_tape(a_book([1, 9])).sha256() != a_tape(a_book([1, 9], bid_px=100.05)).sha256()


def test_a_nan_price_is_an_empty_side() -> None:
    assert a_book([1, 2], bid_px=float("nan")).has_empty_side
