"""Spans without data: recorded gaps and long book silences, merged."""

from __future__ import annotations

from array import array

from mm.domain.market_tape import BookColumns, RecordedGap
from mm.usecases.backtest.data_gaps import data_gaps


def book_at(*ts_ms: int) -> BookColumns:
    n = len(ts_ms)
    return BookColumns(
        array("q", ts_ms), array("d", [1.0] * n), array("d", [1.0] * n), array("d", [2.0] * n), array("d", [1.0] * n)
    )


def test_a_long_silence_of_the_book_is_a_gap() -> None:
    assert data_gaps(book_at(0, 1_000, 30_000, 31_000), ()) == [(1_000, 30_000)]


def test_an_open_recorded_gap_lasts_until_the_next_book_row_and_merges_with_a_silence() -> None:
    gaps = (RecordedGap("bbo", "disconnect", 500, None),)

    assert data_gaps(book_at(0, 1_000, 30_000), gaps) == [(500, 30_000)]
