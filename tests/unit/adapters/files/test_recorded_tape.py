"""Recorded CSV files parsed into columns."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from mm.adapters.files.recorded_csv import MalformedRecording
from mm.adapters.files.recorded_tape import read_book_columns, read_tape, read_trade_columns, recording_paths
from mm.ports.errors import RecordNotFound


def test_book_rows_become_columns_in_file_order() -> None:
    book = read_book_columns(io.StringIO("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n5,1.5,2,1.6,3\n5,1.4,2,1.6,3\n"))
    assert (list(book.ts_ms), list(book.bid_px)) == ([5, 5], [1.5, 1.4])


def test_an_empty_price_is_an_empty_side() -> None:
    book = read_book_columns(io.StringIO("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n5,,,1.6,3\n"))
    assert book.has_empty_side


def test_rows_out_of_time_order_are_sorted_stably() -> None:
    trades = read_trade_columns(io.StringIO("ts_ms,px,sz,side\n7,1,1,buy\n5,2,1,sell\n5,3,1,buy\n"))
    assert (list(trades.ts_ms), list(trades.px)) == ([5, 5, 7], [2.0, 3.0, 1.0])


def test_the_taker_side_becomes_is_buy() -> None:
    trades = read_trade_columns(io.StringIO("ts_ms,px,sz,side\n1,1,1,buy\n2,1,1,sell\n"))
    assert list(trades.is_buy) == [1, 0]


def test_an_unknown_side_is_malformed() -> None:
    with pytest.raises(MalformedRecording, match="side"):
        read_trade_columns(io.StringIO("ts_ms,px,sz,side\n1,1,1,BUY\n"))


def test_a_missing_column_is_malformed() -> None:
    with pytest.raises(MalformedRecording, match="header"):
        read_book_columns(io.StringIO("ts_ms,bid_px,bid_sz,ask_px\n1,1,1,1\n"))


def test_an_unparsable_number_is_malformed() -> None:
    with pytest.raises(MalformedRecording):
        read_book_columns(io.StringIO("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n1,abc,1,1,1\n"))


def test_a_set_without_book_file_cannot_be_replayed(tmp_path: Path) -> None:
    (tmp_path / "x.trades.csv").write_text("ts_ms,px,sz,side\n")
    with pytest.raises(RecordNotFound):
        recording_paths(tmp_path / "x")


def test_a_set_without_trades_file_replays_its_book(tmp_path: Path) -> None:
    (tmp_path / "x.bbo.csv").write_text("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n1,1,1,2,1\n")
    tape = read_tape(tmp_path / "x", "e", "S")
    assert (len(tape.book), len(tape.trades), tape.source) == (1, 0, f"file:{tmp_path / 'x'}")
