"""Queue items into batches: row numbers, batch ids, days, latest values and raw text once."""

from __future__ import annotations

from mm.adapters.postgres.ingest.batch import BatchBuilder, LatestOnly, RecordingSource
from mm.adapters.postgres.ingest.market_data_rows import MS_PER_DAY, TABLE_COLUMNS, Row
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import T0_MS, a_bbo, a_gap, a_price, trades_frame

SOURCE = RecordingSource("extended", "20240808T235500Z-abc")


def column(table: str, row: Row, name: str) -> object:
    return row[[column_name for column_name, _ in TABLE_COLUMNS[table]].index(name)]


def test_rows_are_numbered_across_batches_and_tables() -> None:
    builder = BatchBuilder(SOURCE)
    first = builder.build([a_bbo(1), a_price(2)])
    second = builder.build([*trades_frame(3, ("60000", "1", Side.BUY))])
    row_numbers = [
        column(table, row, "row_no")
        for batch in (first, second)
        for table, rows in batch.binary_rows.items()
        for row in rows
    ]
    assert row_numbers == [1, 2, 3]


def test_batch_ids_name_the_source_and_count_up() -> None:
    builder = BatchBuilder(SOURCE)
    assert [builder.build([a_bbo(n)]).batch_id for n in (1, 2)] == [f"{SOURCE.name}/1", f"{SOURCE.name}/2"]


def test_row_counts_are_per_table() -> None:
    batch = BatchBuilder(SOURCE).build([a_bbo(1), a_bbo(2), a_price(3)])
    assert batch.row_counts == {"md_bbo": 2, "md_price": 1}


def test_the_days_of_the_rows_are_listed_for_their_partitions() -> None:
    next_day = (T0_MS // MS_PER_DAY + 1) * MS_PER_DAY
    batch = BatchBuilder(SOURCE).build([a_bbo(1), a_bbo(2, ts_ms=next_day)])
    assert batch.days == {T0_MS // MS_PER_DAY, T0_MS // MS_PER_DAY + 1}


def test_the_newest_top_per_market_is_kept_thinned_out_ones_included() -> None:
    batch = BatchBuilder(SOURCE).build([a_bbo(1), LatestOnly(a_bbo(2, "59990")), a_bbo(1, symbol="ETH-USD")])
    assert {(top.symbol, top.seq) for top in batch.latest_tops} == {("BTC-USD", 2), ("ETH-USD", 1)}


def test_gap_events_travel_in_order() -> None:
    gap = a_gap(T0_MS)
    batch = BatchBuilder(SOURCE).build([a_bbo(1), gap])
    assert batch.gap_events == [gap]


def test_the_second_row_of_a_message_carries_no_raw_text() -> None:
    batch = BatchBuilder(SOURCE).build(trades_frame(3, ("60000", "1", Side.BUY), ("60001", "2", Side.SELL)))
    assert [column("md_trade", row, "raw") is not None for row in batch.binary_rows["md_trade"]] == [True, False]


def test_raw_text_is_kept_exactly_as_received() -> None:
    from dataclasses import replace

    raw = '{"b":1, "a":"\\u0000", "a":2}'
    batch = BatchBuilder(SOURCE).build([replace(a_bbo(1), raw=raw)])
    assert column("md_bbo", batch.binary_rows["md_bbo"][0], "raw") == raw


def test_a_nul_character_in_raw_text_is_kept_as_its_json_escape() -> None:
    from dataclasses import replace

    batch = BatchBuilder(SOURCE).build([replace(a_bbo(1), raw='{"x":"a\x00b"}')])
    assert column("md_bbo", batch.binary_rows["md_bbo"][0], "raw") == '{"x":"a\\u0000b"}'
