"""The md_* writer never dies on one row: a row it cannot encode or store is set aside with its reason, its batch stored.

Each case is one of issue #14's findings against `mm ingest`'s writer, run through the real sink
(queue, batching, COPY) on Postgres: the bad row goes to `rejected/<batch>.rows.jsonl`, the good
rows of the same batch are stored, and the writer takes the next batch.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.ingest.batch import RecordingSource
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink, WriterSettings
from mm.domain.market_events import MarketEvent
from mm.domain.recorded_rows import MarketDataRow
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import T0_MS, a_bbo, a_gap, a_price, trades_frame

pytestmark = pytest.mark.integration


def a_sink(url: str, spool_folder: Path) -> tuple[PostgresMarketDataSink, PrometheusMetrics]:
    metrics = PrometheusMetrics()
    sink = PostgresMarketDataSink(
        url,
        source=RecordingSource("extended", "20240808T000000Z-aside"),
        spool_folder=spool_folder,
        metrics=metrics,
        settings=WriterSettings(batch_max_delay_s=0.05, retry_interval_s=0.05, connect_timeout_s=1),
    )
    return sink, metrics


async def record_one_batch(url: str, spool_folder: Path, events: list[MarketEvent]) -> PrometheusMetrics:
    """Queue `events` (one batch: the writer lingers for more), flush, then check the writer takes one more row."""
    sink, metrics = a_sink(url, spool_folder)
    await sink.start()
    for event in events:
        if isinstance(event, MarketDataRow):
            await sink.append(event)
        else:
            await sink.record_gap(event)  # type: ignore[arg-type]
    await sink.flush()
    await sink.append(a_bbo(900))  # the writer is alive after the bad row
    await sink.aclose()
    return metrics


def set_aside(spool_folder: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted((spool_folder / "rejected").glob("*.rows.jsonl"))
        for line in path.read_text().splitlines()
    ]


def stored(url: str, query: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()  # type: ignore[arg-type]


def rejected_count(metrics: PrometheusMetrics, table: str, reason: str) -> float:
    value = metrics.registry.get_sample_value("mm_ingest_rows_rejected_total", {"table": table, "reason": reason})
    return value or 0.0


async def test_a_price_numeric_cannot_hold_is_set_aside_and_its_batch_stored(
    clean_database_url: str, tmp_path: Path
) -> None:
    """1e200000 made the binary numeric encoder raise struct.error and the writer exit."""
    bad = replace(a_bbo(2), ask_px=Decimal("1e200000"))
    metrics = await record_one_batch(clean_database_url, tmp_path, [a_bbo(1), bad, a_bbo(3), a_price(4)])
    assert [seq for (seq,) in stored(clean_database_url, "SELECT seq FROM md_bbo ORDER BY seq")] == [1, 3, 900]
    assert stored(clean_database_url, "SELECT count(*) FROM md_price") == [(1,)]
    (aside,) = set_aside(tmp_path)
    assert (aside["table"], aside["kind"], aside["row"]["ask_px"], aside["row"]["seq"]) == (
        "md_bbo",
        "numeric",
        "1E+200000",
        2,
    )
    assert rejected_count(metrics, "md_bbo", "numeric") == 1
    # The set-aside top did not become the latest either.
    assert stored(clean_database_url, "SELECT ask_px FROM latest_top") == [(Decimal("60001.0"),)]


async def test_a_frame_time_of_ten_to_the_eighteen_is_set_aside_and_the_in_flight_batch_stored(
    clean_database_url: str, tmp_path: Path
) -> None:
    """A ts of 10^18 ms raised in the writer's day partitioning: the batch it was in was lost."""
    bad = trades_frame(2, ("60000.5", "0.1", Side.BUY))[0]
    bad = replace(bad, exchange_ts_ms=10**18)
    await record_one_batch(clean_database_url, tmp_path, [a_bbo(1), bad, *trades_frame(3, ("60000.6", "1", Side.SELL))])
    assert stored(clean_database_url, "SELECT count(*) FROM md_bbo") == [(2,)]
    assert stored(clean_database_url, "SELECT seq FROM md_trade") == [(3,)]
    (aside,) = set_aside(tmp_path)
    assert (aside["table"], aside["kind"], aside["row"]["exchange_ts_ms"]) == ("md_trade", "time", 10**18)
    assert "outside" in aside["reason"]


async def test_a_gap_with_a_seq_beyond_bigint_is_recorded_flagged_and_its_batch_stored(
    clean_database_url: str, tmp_path: Path
) -> None:
    """A seq at 2^63 sent a whole batch of good rows to the rejected spool, and the gap went unrecorded."""
    gap = replace(a_gap(T0_MS + 3), expected_seq=2**63 + 5, received_seq=7)
    good = [a_bbo(n) for n in range(1, 96)]
    await record_one_batch(clean_database_url, tmp_path, [*good[:50], gap, *good[50:]])
    assert stored(clean_database_url, "SELECT count(*) FROM md_bbo") == [(96,)]
    ((expected, received, detail),) = stored(
        clean_database_url, "SELECT expected_seq, received_seq, detail FROM md_gap"
    )
    assert (expected, received) == (None, 7)
    assert f"expected_seq {2**63 + 5} is beyond bigint" in detail
    assert set_aside(tmp_path) == []
    assert not (tmp_path / "rejected").exists() or not list((tmp_path / "rejected").glob("*.spool"))


async def test_a_row_seq_beyond_bigint_is_set_aside(clean_database_url: str, tmp_path: Path) -> None:
    await record_one_batch(clean_database_url, tmp_path, [a_bbo(1), replace(a_bbo(2), seq=2**63), a_bbo(3)])
    assert [seq for (seq,) in stored(clean_database_url, "SELECT seq FROM md_bbo ORDER BY seq")] == [1, 3, 900]
    (aside,) = set_aside(tmp_path)
    assert (aside["kind"], aside["row"]["seq"]) == ("seq", str(2**63))


async def test_a_text_the_driver_cannot_send_is_set_aside_and_the_others_stored(
    clean_database_url: str, tmp_path: Path
) -> None:
    """A lone surrogate (JSON "\\ud800") cannot be encoded as UTF-8: the driver refuses the row, not Postgres."""
    prints = trades_frame(2, ("60000.5", "0.1", Side.BUY), ("60000.6", "0.2", Side.SELL), ("60000.7", "0.3", Side.BUY))
    prints[1] = replace(prints[1], trade_id="\ud800")
    metrics = await record_one_batch(clean_database_url, tmp_path, [a_bbo(1), *prints])
    assert stored(clean_database_url, "SELECT trade_id FROM md_trade ORDER BY trade_id") == [("200",), ("202",)]
    (aside,) = set_aside(tmp_path)
    assert (aside["table"], aside["kind"]) == ("md_trade", "refused")
    assert "UnicodeEncodeError" in aside["reason"]
    assert rejected_count(metrics, "md_trade", "refused") == 1


async def test_a_price_of_1e999999_never_holds_the_event_loop(clean_database_url: str, tmp_path: Path) -> None:
    """The old encoder expanded 1e999999 digit by digit: the loop (and SIGTERM) waited over 20 s.

    Past the validation boundary too, the writer refuses it from its exponent: a ticker on the same
    loop never waits long (a few ms; the bound allows for a loaded machine).
    """
    sink, _ = a_sink(clean_database_url, tmp_path)
    await sink.start()
    gaps: list[float] = []

    async def ticker() -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(0.001)
            now = loop.time()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    try:
        for seq in range(1, 201):
            price = Decimal("1e999999") if seq % 2 else Decimal("60000.5")
            await sink.append(replace(a_bbo(seq), bid_px=price, bid_sz=price))
        await sink.flush()
    finally:
        ticking.cancel()
        await sink.aclose()
    assert stored(clean_database_url, "SELECT count(*) FROM md_bbo") == [(100,)]
    assert len(set_aside(tmp_path)) == 100
    assert max(gaps) < 0.25, f"the loop was held for {max(gaps) * 1000:.0f} ms"
