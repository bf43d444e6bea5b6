"""The ingestor and the executor both record one market: each venue message is stored, and replayed, once.

The two apps receive the same venue messages on connections of their own, so their copies share the
exchange time, the trade ids and the content, and differ in the per-connection seq, the receive time
and the raw frame.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.ingest.batch import RecordingSource
from mm.adapters.postgres.ingest.market_data_sink import PostgresMarketDataSink, WriterSettings
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.adapters.postgres.trading_journal import PostgresTradingJournal
from mm.domain.journal_batch import JournalBatch
from mm.domain.recorded_rows import MarketDataRow
from mm.domain.side import Side
from tests.ingestor_support.market_data_examples import EXCHANGE, a_bbo, a_price, trades_frame
from tests.unique_keys import a_symbol

pytestmark = pytest.mark.integration


def venue_messages(symbol: str) -> list[MarketDataRow]:
    """What the ingestor's connection received (seq numbered by that connection)."""
    return [
        a_bbo(1, symbol=symbol),
        *trades_frame(2, ("60000.5", "0.1", Side.BUY), ("60000.5", "0.1", Side.BUY), symbol=symbol),
        a_price(3, symbol=symbol),
        a_bbo(4, "59999.5", symbol=symbol),
    ]


def as_received_elsewhere(row: MarketDataRow) -> MarketDataRow:
    """The same venue message as another connection received it: its own seq, receive time and frame."""
    raw = json.loads(row.raw)
    raw["seq"] = row.seq + 1_000
    return replace(row, seq=row.seq + 1_000, received_ts_ms=row.received_ts_ms + 7, raw=json.dumps(raw))


async def record_with_the_ingestor(url: str, folder: Path, rows: Sequence[MarketDataRow]) -> None:
    sink = PostgresMarketDataSink(
        url,
        source=RecordingSource(EXCHANGE, f"ingestor-{folder.name}"),
        spool_folder=folder / "spool",
        metrics=PrometheusMetrics(),
        settings=WriterSettings(batch_max_delay_s=0.01),
    )
    await sink.start()
    try:
        for row in rows:
            await sink.append(row)
        await sink.flush()
    finally:
        await sink.aclose()


async def record_with_the_executor(engine: AsyncEngine, folder: Path, rows: Sequence[MarketDataRow]) -> None:
    journal = PostgresTradingJournal(engine, EXCHANGE, f"executor-{folder.name}")
    await journal.append(JournalBatch(market=tuple(rows)))


def stored_rows(url: str, symbol: str) -> int:
    query = " UNION ALL ".join(
        f"SELECT 1 FROM {table} WHERE symbol = %(symbol)s" for table in ("md_bbo", "md_trade", "md_price")
    )
    with psycopg.connect(url) as conn:
        return len(conn.execute(query, {"symbol": symbol}).fetchall())  # type: ignore[arg-type]


async def test_a_market_both_apps_recorded_replays_each_message_once(
    clean_database_url: str, db_engine: AsyncEngine, tmp_path: Path
) -> None:
    symbol = a_symbol()
    messages = venue_messages(symbol)
    await record_with_the_ingestor(clean_database_url, tmp_path, messages)
    await record_with_the_executor(db_engine, tmp_path, [as_received_elsewhere(row) for row in messages])

    tape = await PostgresRecordedMarketData(db_engine).tape(EXCHANGE, symbol, None, None)
    assert (len(tape.book), len(tape.trades), len(tape.prices)) == (2, 2, 1)


async def test_the_executor_first_and_the_ingestor_second_store_one_copy(
    clean_database_url: str, db_engine: AsyncEngine, tmp_path: Path
) -> None:
    symbol = a_symbol()
    messages = venue_messages(symbol)
    await record_with_the_executor(db_engine, tmp_path, messages)
    await record_with_the_ingestor(clean_database_url, tmp_path, [as_received_elsewhere(row) for row in messages])

    assert stored_rows(clean_database_url, symbol) == len(messages)


async def test_a_print_one_app_received_live_and_the_other_as_resent_history_replays_once(
    clean_database_url: str, db_engine: AsyncEngine, tmp_path: Path
) -> None:
    symbol = a_symbol()
    live = trades_frame(2, ("60000.5", "0.1", Side.BUY), symbol=symbol)
    resent = [replace(as_received_elsewhere(row), is_replay=True) for row in live]
    await record_with_the_executor(db_engine, tmp_path, resent)
    await record_with_the_ingestor(clean_database_url, tmp_path, [a_bbo(1, symbol=symbol), *live])

    tape = await PostgresRecordedMarketData(db_engine).tape(EXCHANGE, symbol, None, None)
    assert sorted(tape.trades.is_history) == [0, 1]  # the live print once, beside the history a replay skips
