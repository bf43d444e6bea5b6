"""The byte form of a spooled batch, and the records older versions wrote."""

from __future__ import annotations

from mm.adapters.postgres.ingest.batch import BatchBuilder, RecordingSource
from mm.adapters.postgres.ingest.copy_text import text_lines
from mm.adapters.postgres.ingest.spool_format import RECORD_HEADER, decode_payload, encode_record
from tests.ingestor_support.market_data_examples import a_bbo, a_price
from tests.ingestor_support.older_spool import layout_1_record

SOURCE = RecordingSource("extended", "20240808T235500Z-abc")


def test_rows_come_back_as_the_text_copy_lines_of_their_tuples() -> None:
    batch = BatchBuilder(SOURCE).build([a_bbo(1), a_bbo(2)])
    decoded = decode_payload(encode_record(batch)[RECORD_HEADER.size :])
    assert decoded.text_rows == {"md_bbo": text_lines("md_bbo", batch.binary_rows["md_bbo"])}


def test_a_record_written_before_msg_no_existed_reads_back_with_msg_no_null() -> None:
    batch = BatchBuilder(SOURCE).build([a_bbo(1), a_price(2)])
    decoded = decode_payload(layout_1_record(batch)[RECORD_HEADER.size :])
    current = {table: text_lines(table, rows) for table, rows in batch.binary_rows.items()}
    assert decoded.text_rows == {table: lines.replace(b"\t0\n", b"\t\\N\n") for table, lines in current.items()}
