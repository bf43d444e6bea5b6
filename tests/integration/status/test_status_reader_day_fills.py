"""The status reader adds only the fills written since its last read, and folds the day again when one arrives late."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.status_reader import PostgresStatusReader
from tests.integration.dashboard.seeding import insert_fill
from tests.integration.status.seeding import NOW_MS, seed_market
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration


async def _pnl(reader: PostgresStatusReader, symbol: str, now_ms: int) -> tuple[object, ...]:
    (market,) = (await reader.read([symbol], now_ms)).markets
    assert market.pnl is not None
    return (market.pnl.realized, market.pnl.fees, market.pnl.basis)


async def test_a_fill_written_after_a_read_counts_on_the_next(shared_db_engine: AsyncEngine, database_url: str) -> None:
    exchange, symbol = an_id("status"), a_symbol()
    seed_market(database_url, exchange, symbol)
    reader = PostgresStatusReader(shared_db_engine, exchange)
    before = await _pnl(reader, symbol, NOW_MS)
    insert_fill(database_url, exchange, symbol, fill_id="late-1", ts_ms=NOW_MS - 1_000, side="sell", price=121)
    after = await _pnl(reader, symbol, NOW_MS)
    assert after != before
    assert after == await _pnl(PostgresStatusReader(shared_db_engine, exchange), symbol, NOW_MS)


async def test_a_fill_stamped_before_the_last_one_read_refolds_the_day(
    shared_db_engine: AsyncEngine, database_url: str
) -> None:
    exchange, symbol = an_id("status"), a_symbol()
    seed_market(database_url, exchange, symbol)
    reader = PostgresStatusReader(shared_db_engine, exchange)
    await _pnl(reader, symbol, NOW_MS)
    # Earlier than the last fill already read (NOW_MS - 30 s): average cost depends on the order of fills.
    insert_fill(database_url, exchange, symbol, fill_id="early-1", ts_ms=NOW_MS - 45_000, side="buy", price=90)
    assert await _pnl(reader, symbol, NOW_MS) == await _pnl(
        PostgresStatusReader(shared_db_engine, exchange), symbol, NOW_MS
    )


async def test_reading_at_an_earlier_time_leaves_out_later_fills(
    shared_db_engine: AsyncEngine, database_url: str
) -> None:
    exchange, symbol = an_id("status"), a_symbol()
    seed_market(database_url, exchange, symbol)
    reader = PostgresStatusReader(shared_db_engine, exchange)
    await _pnl(reader, symbol, NOW_MS)
    earlier = NOW_MS - 40_000  # before the buy at NOW_MS - 30 s
    assert await _pnl(reader, symbol, earlier) == await _pnl(
        PostgresStatusReader(shared_db_engine, exchange), symbol, earlier
    )
