"""Rows in text COPY form, as the spool keeps them."""

from __future__ import annotations

from mm.adapters.postgres.ingest.copy_text import escape, text_lines, ts_text, with_source_id
from mm.adapters.postgres.ingest.market_data_rows import bbo_row, ts_us
from mm.adapters.postgres.ingest.numeric_binary import NumericCache
from tests.ingestor_support.market_data_examples import a_bbo


def test_special_characters_are_escaped() -> None:
    assert escape('a\\b\tc\nd\re"') == 'a\\\\b\\tc\\nd\\re"'


def test_a_timestamp_keeps_its_milliseconds_in_utc() -> None:
    assert ts_text(ts_us(1_723_161_300_123)) == "2024-08-08 23:55:00.123+00"


def test_a_best_bid_offer_row_becomes_one_tab_separated_line() -> None:
    row = bbo_row(a_bbo(1, ask_px=None), 7, 0, '{"a":"x\\ty"}', NumericCache())
    assert text_lines("md_bbo", [row]) == (
        b"extended\tBTC-USD\t2024-08-08 23:55:00.001+00\t2024-08-08 23:55:00.003+00\t1\t"
        b'60000.0\t1.5\t\\N\t\\N\t7\t{"a":"x\\\\ty"}\t0\n'
    )


def test_no_rows_make_no_bytes() -> None:
    assert text_lines("md_bbo", []) == b""


def test_the_source_id_goes_in_front_of_every_line() -> None:
    assert with_source_id(b"a\tb\nc\td\n", 42) == b"42\ta\tb\n42\tc\td\n"
