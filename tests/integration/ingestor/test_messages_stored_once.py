"""Two recording sources with the same venue messages: the ingest writer stores each message once."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from mm.adapters.postgres.ingest.batch import BatchBuilder, RecordingSource
from mm.adapters.postgres.ingest.batch_writer import PostgresBatchWriter
from mm.adapters.postgres.ingest.spool import IngestSpool
from mm.domain.recorded_rows import MarketDataRow
from tests.ingestor_support.market_data_examples import a_bbo

pytestmark = pytest.mark.integration

FIRST, SECOND = (
    RecordingSource("extended", "20240808T235500Z-first"),
    RecordingSource("extended", "20240808T235500Z-second"),
)


def received_elsewhere(row: MarketDataRow) -> MarketDataRow:
    raw = json.loads(row.raw)
    raw["seq"] = row.seq + 1_000
    return replace(row, seq=row.seq + 1_000, received_ts_ms=row.received_ts_ms + 5, raw=json.dumps(raw))


def stored_seqs_by_source(url: str) -> dict[str, list[int]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT s.name, b.seq FROM md_bbo b JOIN md_source s ON s.id = b.source_id ORDER BY b.ts, b.seq"
        ).fetchall()
    stored: dict[str, list[int]] = {}
    for name, seq in rows:
        stored.setdefault(name, []).append(seq)
    return stored


async def write(url: str, source: RecordingSource, *batches: list[MarketDataRow]) -> None:
    writer, builder = PostgresBatchWriter(url), BatchBuilder(source)
    try:
        for rows in batches:
            await writer.write(builder.build(rows))
    finally:
        await writer.close()


async def test_messages_another_source_stored_are_left_out_and_the_rest_stored(clean_database_url: str) -> None:
    await write(clean_database_url, FIRST, [a_bbo(1), a_bbo(2)])
    await write(clean_database_url, SECOND, [received_elsewhere(a_bbo(n)) for n in (1, 2, 3)])
    assert stored_seqs_by_source(clean_database_url) == {FIRST.name: [1, 2], SECOND.name: [1_003]}


async def test_after_a_batch_that_met_copies_a_batch_of_new_messages_is_stored_whole(clean_database_url: str) -> None:
    await write(clean_database_url, FIRST, [a_bbo(1)])
    await write(clean_database_url, SECOND, [received_elsewhere(a_bbo(1))], [a_bbo(2), a_bbo(3)], [a_bbo(4)])
    assert stored_seqs_by_source(clean_database_url) == {FIRST.name: [1], SECOND.name: [2, 3, 4]}


async def test_a_spooled_batch_leaves_out_the_messages_another_source_stored(
    clean_database_url: str, tmp_path: Path
) -> None:
    await write(clean_database_url, FIRST, [a_bbo(1)])
    spool = IngestSpool(tmp_path, SECOND.name)
    spool.append(BatchBuilder(SECOND).build([received_elsewhere(a_bbo(n)) for n in (1, 2)]))
    spooled = spool.peek()
    assert spooled is not None
    writer = PostgresBatchWriter(clean_database_url)
    try:
        await writer.write(spooled)
    finally:
        await writer.close()
        spool.close()
    assert stored_seqs_by_source(clean_database_url) == {FIRST.name: [1], SECOND.name: [1_002]}


async def test_one_source_stores_two_messages_of_one_millisecond(clean_database_url: str) -> None:
    await write(
        clean_database_url, FIRST, [a_bbo(1, ts_ms=1_723_161_300_000), a_bbo(2, "59999", ts_ms=1_723_161_300_000)]
    )
    assert stored_seqs_by_source(clean_database_url) == {FIRST.name: [1, 2]}
