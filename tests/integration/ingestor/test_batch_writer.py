"""Exactly-once storage of ingest batches in Postgres, straight and from the spool."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.ingest.batch import BatchBuilder, IngestBatch, RecordingSource
from mm.adapters.postgres.ingest.batch_writer import PostgresBatchWriter
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink, WriterSettings
from mm.adapters.postgres.ingest.spool import IngestSpool
from mm.adapters.postgres.ingest.spool_format import RECORD_HEADER, decode_payload
from mm.domain.market_events import MarketEvent
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import T0_MS, a_bbo, a_gap, a_price, a_recovery, trades_frame
from tests.ingestor_support.older_spool import layout_1_record

pytestmark = pytest.mark.integration

SOURCE = RecordingSource("extended", "20240808T235500Z-writer")
EVENTS: list[MarketEvent] = [
    a_bbo(1),
    *trades_frame(2, ("60000.5", "0.1", Side.BUY), ("60000.6", "0.2", Side.SELL)),
    a_price(3),
    a_bbo(4, bid_px=None),
    a_gap(T0_MS + 4),
    a_recovery(T0_MS + 4, T0_MS + 900),
]
TABLES = ("md_bbo", "md_trade", "md_price", "md_gap", "latest_top", "latest_price", "md_ingest_batch")


def a_batch(source: RecordingSource = SOURCE) -> IngestBatch:
    return BatchBuilder(source).build(EVENTS)


def table_contents(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every stored row, without ids and write times (which differ between two stores of one batch)."""
    queries = {
        "md_bbo": "SELECT exchange, symbol, ts, recv_ts, seq, bid_px, bid_sz, ask_px, ask_sz, row_no, raw FROM md_bbo",
        "md_trade": "SELECT exchange, symbol, ts, recv_ts, seq, trade_id, price, size, taker_side, kind, is_replay, row_no, raw FROM md_trade",
        "md_price": "SELECT exchange, symbol, ts, recv_ts, seq, kind, price, row_no, raw FROM md_price",
        "md_gap": "SELECT exchange, symbol, stream, kind, from_ts, to_ts, expected_seq, received_seq, detail FROM md_gap",
        "latest_top": "SELECT exchange, symbol, ts, recv_ts, bid_px, bid_sz, ask_px, ask_sz FROM latest_top",
        "latest_price": "SELECT exchange, symbol, kind, ts, recv_ts, price FROM latest_price",
        "md_ingest_batch": "SELECT batch_id, rows FROM md_ingest_batch",
    }
    with psycopg.connect(url) as conn:
        return {table: sorted(conn.execute(query).fetchall(), key=repr) for table, query in queries.items()}


def row_counts(url: str) -> dict[str, int]:
    return {table: len(rows) for table, rows in table_contents(url).items()}


async def test_a_batch_written_twice_is_stored_once(clean_database_url: str) -> None:
    writer = PostgresBatchWriter(clean_database_url)
    batch = a_batch()
    try:
        assert await writer.write(batch) is True
        assert await writer.write(batch) is False
    finally:
        await writer.close()
    assert row_counts(clean_database_url) == dict(zip(TABLES, (2, 2, 1, 1, 1, 1, 1), strict=True))


async def test_a_spooled_batch_stores_exactly_what_the_direct_path_stores(
    clean_database_url: str, tmp_path: Path
) -> None:
    writer = PostgresBatchWriter(clean_database_url)
    spool = IngestSpool(tmp_path, SOURCE.name)
    spool.append(a_batch())
    try:
        await writer.write(a_batch())
        direct = table_contents(clean_database_url)
        with psycopg.connect(clean_database_url, autocommit=True) as conn:
            conn.execute("TRUNCATE md_bbo, md_trade, md_price, md_gap, latest_top, latest_price, md_ingest_batch")
        spooled = spool.peek()
        assert spooled is not None
        assert not spooled.binary_rows
        await writer.write(spooled)
    finally:
        await writer.close()
    assert table_contents(clean_database_url) == direct


async def test_a_spooled_batch_that_was_committed_before_is_skipped(clean_database_url: str, tmp_path: Path) -> None:
    """The ambiguous commit: the batch went in, the answer was lost, so it was spooled too."""
    writer = PostgresBatchWriter(clean_database_url)
    spool = IngestSpool(tmp_path, SOURCE.name)
    spool.append(a_batch())
    try:
        await writer.write(a_batch())
        spooled = spool.peek()
        assert spooled is not None
        assert await writer.write(spooled) is False
    finally:
        await writer.close()
    assert row_counts(clean_database_url)["md_bbo"] == 2


async def test_a_batch_an_older_mm_spooled_is_stored_without_a_venue_key(clean_database_url: str) -> None:
    older = decode_payload(layout_1_record(a_batch())[RECORD_HEADER.size :])
    writer = PostgresBatchWriter(clean_database_url)
    try:
        await writer.write(older)
    finally:
        await writer.close()
    with psycopg.connect(clean_database_url) as conn:
        msg_nos = conn.execute(
            "SELECT msg_no FROM md_bbo UNION ALL SELECT msg_no FROM md_trade UNION ALL SELECT msg_no FROM md_price"
        ).fetchall()
    assert msg_nos == [(None,)] * 5


async def test_rows_of_a_day_without_a_partition_get_one(clean_database_url: str) -> None:
    far_ms = 4_102_444_800_000  # 2100-01-01
    writer = PostgresBatchWriter(clean_database_url)
    try:
        await writer.write(BatchBuilder(SOURCE).build([a_bbo(1, ts_ms=far_ms)]))
    finally:
        await writer.close()
    with psycopg.connect(clean_database_url) as conn:
        (day,) = conn.execute("SELECT (ts AT TIME ZONE 'UTC')::date FROM md_bbo").fetchone()  # type: ignore[misc]
    assert day == date(2100, 1, 1)


def a_sink(url: str, spool_folder: Path, name: str) -> PostgresMarketDataSink:
    return PostgresMarketDataSink(
        url,
        source=RecordingSource("extended", name),
        spool_folder=spool_folder,
        metrics=PrometheusMetrics(),
        settings=WriterSettings(batch_max_delay_s=0.01, retry_interval_s=0.05, connect_timeout_s=1),
    )


async def test_what_one_run_spooled_while_postgres_was_down_the_next_run_stores(
    clean_database_url: str, tmp_path: Path, unused_tcp_port: int
) -> None:
    down = a_sink(f"postgresql://postgres@127.0.0.1:{unused_tcp_port}/test", tmp_path, "20240808T000000Z-down")
    await down.start()
    for event in EVENTS[:5]:
        await down.append(event)  # type: ignore[arg-type]
    await down.aclose()
    assert down.spool.pending_batches == 1

    up = a_sink(clean_database_url, tmp_path, "20240808T000100Z-up")
    await up.start()
    await up.aclose()
    assert (row_counts(clean_database_url)["md_trade"], up.spool.is_empty) == (2, True)


async def test_a_row_postgres_refuses_is_set_aside_and_the_rest_of_its_batch_and_the_next_one_are_stored(
    clean_database_url: str, tmp_path: Path
) -> None:
    sink = a_sink(clean_database_url, tmp_path, "20240808T000000Z-bad")
    await sink.start()
    await sink.append(a_bbo(1))
    await sink.append(replace(a_bbo(2), symbol="BTC\x00-USD"))  # Postgres text holds no NUL
    await sink.append(a_bbo(3))
    await sink.flush()
    await sink.append(a_bbo(4))
    await sink.aclose()
    assert not list((tmp_path / "rejected").glob("*.spool"))  # no batch set aside whole
    (rows_file,) = (tmp_path / "rejected").glob("*.rows.jsonl")
    refused = [json.loads(line) for line in rows_file.read_text().splitlines()]
    # The row, and the latest top it would have been: each with the server's reason.
    assert sorted(r["table"] for r in refused) == ["latest_top", "md_bbo"]
    assert all(r["kind"] == "refused" and "0x00" in r["reason"] for r in refused)
    assert row_counts(clean_database_url)["md_bbo"] == 3


async def test_postgres_reads_the_binary_numerics_as_the_exact_decimals_sent(clean_database_url: str) -> None:
    """Our numeric encoding against the server's own reading of it, scale included."""
    values = ["60000.5", "0.00001", "12345678.87654321", "1E+3", "1.50", "-0.25", "0", "99999999.9999", "0.10000"]
    writer = PostgresBatchWriter(clean_database_url)
    try:
        await writer.write(BatchBuilder(SOURCE).build([a_price(n, value) for n, value in enumerate(values, start=1)]))
    finally:
        await writer.close()
    with psycopg.connect(clean_database_url) as conn:
        stored = [text for (text,) in conn.execute("SELECT price::text FROM md_price ORDER BY row_no")]
    assert [Decimal(text) for text in stored] == [Decimal(value) for value in values]
    assert [text.partition(".")[2] for text in stored] == [f"{Decimal(v):f}".partition(".")[2] for v in values]


async def test_raw_text_is_stored_byte_for_byte(clean_database_url: str) -> None:
    """Key order, spacing and duplicate keys survive (jsonb would have normalised them away)."""
    raw = '{"seq":7, "data":{"b":[["1","2"]]},"data":null,"note":"tab\there \\u00e9"}'
    writer = PostgresBatchWriter(clean_database_url)
    try:
        await writer.write(BatchBuilder(SOURCE).build([replace(a_bbo(1), raw=raw)]))
    finally:
        await writer.close()
    with psycopg.connect(clean_database_url) as conn:
        assert conn.execute("SELECT raw FROM md_bbo").fetchall() == [(raw,)]
