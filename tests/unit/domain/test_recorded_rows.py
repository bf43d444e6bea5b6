"""A message's raw text is stored with its first row only."""

from __future__ import annotations

from dataclasses import replace

from mm.domain.recorded_rows import continues_message, raw_to_store
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import a_bbo, trades_frame


def test_the_first_row_of_a_message_keeps_its_raw_text() -> None:
    first, _second = trades_frame(7, ("60000", "0.1", Side.BUY), ("60001", "0.2", Side.SELL))
    assert raw_to_store(a_bbo(6), first) == first.raw


def test_later_rows_of_the_same_message_store_no_raw_text() -> None:
    first, second = trades_frame(7, ("60000", "0.1", Side.BUY), ("60001", "0.2", Side.SELL))
    assert raw_to_store(first, second) is None


def test_a_row_with_the_same_raw_text_but_another_seq_is_another_message() -> None:
    (first,) = trades_frame(7, ("60000", "0.1", Side.BUY))
    assert not continues_message(first, replace(first, seq=8))


def test_a_row_without_raw_text_stores_none() -> None:
    assert raw_to_store(None, replace(a_bbo(1), raw="")) is None
