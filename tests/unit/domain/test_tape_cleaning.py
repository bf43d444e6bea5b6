"""Repairs of recorded data before a replay: history prints, bucketed asks, spans."""

from __future__ import annotations

from array import array
from dataclasses import replace

from mm.domain.market_tape import BookColumns, MarketTape, RecordedGap, TradeColumns
from mm.domain.tape_cleaning import lift_bucketed_asks, mark_history_trades, slice_tape


def a_tape(book_ts: list[int], trade_ts: list[int], history: list[int] | None = None) -> MarketTape:
    n, m = len(book_ts), len(trade_ts)
    book = BookColumns(
        array("q", book_ts),
        array("d", [100.0] * n),
        array("d", [1.0] * n),
        array("d", [100.0] * n),
        array("d", [1.0] * n),
    )
    trades = TradeColumns(
        array("q", trade_ts),
        array("d", [100.0] * m),
        array("d", [0.1] * m),
        array("b", [1] * m),
        array("b", [0] * m),
        array("b", history or [0] * m),
    )
    return MarketTape("hyperliquid", "ETH", book, trades)


def test_prints_before_the_first_book_row_are_history() -> None:
    tape = mark_history_trades(a_tape([1_000, 2_000], [500, 1_500]))
    assert list(tape.trades.is_history) == [1, 0]


def test_prints_far_behind_the_last_book_row_are_history() -> None:
    tape = mark_history_trades(a_tape([1_000, 100_000], [31_000, 31_001, 100_001]), max_book_age_ms=30_000)
    assert list(tape.trades.is_history) == [0, 1, 0]


def test_prints_already_flagged_stay_history() -> None:
    tape = mark_history_trades(a_tape([1_000], [1_001], history=[1]))
    assert list(tape.trades.is_history) == [1]


def test_bucketed_asks_are_lifted_and_bids_left_alone() -> None:
    tape = lift_bucketed_asks(a_tape([1], []), 0.09)
    assert (list(tape.book.ask_px), list(tape.book.bid_px)) == ([100.09], [100.0])


def test_a_slice_keeps_rows_from_its_start_up_to_but_not_including_its_end() -> None:
    tape = slice_tape(a_tape([1, 2, 3, 4], [2, 3, 4]), 2, 4)
    assert (list(tape.book.ts_ms), list(tape.trades.ts_ms)) == ([2, 3], [2, 3])


def test_a_slice_keeps_the_gaps_open_in_it_clipped_to_its_start_and_ended() -> None:
    gaps = (
        RecordedGap("orderbooks", "disconnected", 0, 15),  # over before the span
        RecordedGap("orderbooks", "disconnected", 18, None),  # open, ended by the book row at 30
        RecordedGap("trades", "sequence_gap", 35, 45),
        RecordedGap("orderbooks", "disconnected", 60, 70),  # after the span
    )
    tape = replace(a_tape([10, 30, 40, 50, 60], []), gaps=gaps)
    sliced = slice_tape(tape, 20, 60)
    assert [(g.stream, g.from_ts_ms, g.to_ts_ms) for g in sliced.gaps] == [("orderbooks", 20, 30), ("trades", 35, 45)]
