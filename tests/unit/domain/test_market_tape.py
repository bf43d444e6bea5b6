"""Recorded columns: validated on construction, counted, and identified by their bytes."""

from __future__ import annotations

from array import array
from dataclasses import replace

import pytest

from mm.domain.market_tape import BookColumns, MarketTape, RecordedGap, TradeColumns, gap_end_ms


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


def test_a_recorded_gap_changes_the_digest_and_is_not_a_row() -> None:
    plain = a_tape(a_book([1, 9]))
    gapped = replace(plain, gaps=(RecordedGap("orderbooks", "disconnected", 2, 5),))
    assert (plain.sha256() != gapped.sha256(), gapped.row_count) == (True, plain.row_count)


def test_gaps_out_of_order_or_ending_before_they_start_are_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        RecordedGap("orderbooks", "disconnected", 5, 4)
    with pytest.raises(ValueError, match="time order"):
        replace(a_tape(a_book([1])), gaps=(RecordedGap("a", "x", 5, None), RecordedGap("a", "x", 4, None)))


def test_a_gap_ends_when_recorded_else_at_the_next_book_row_else_never() -> None:
    book = a_book([1, 4, 4, 9]).ts_ms
    assert [gap_end_ms(RecordedGap("s", "k", start, end), book) for start, end in ((2, 3), (4, None), (9, None))] == [
        3,
        9,
        None,
    ]
