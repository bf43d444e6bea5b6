"""The operator's read model over a seeded Postgres: what `mm status` shows of each market and app."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.domain.market_status import App
from mm.domain.mode import Mode
from mm.domain.side import Side
from tests.integration.status.seeding import NOW_MS, seed_market
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration


@pytest.fixture
def exchange() -> str:
    return an_id("status")


async def test_a_market_shows_mode_quotes_book_and_open_gaps(
    shared_db_engine: AsyncEngine, database_url: str, exchange: str
) -> None:
    symbol = a_symbol()
    seed_market(database_url, exchange, symbol)
    status = await PostgresStatusReader(shared_db_engine, exchange).read([symbol], NOW_MS)
    (market,) = status.markets
    assert market.mode is Mode.DEFENSIVE
    assert market.mode_since_ms == NOW_MS - 300_000
    assert market.mode_reasons == ("volatility_high",)
    assert [(q.side, q.price) for q in market.quotes] == [(Side.BUY, Decimal("119.5")), (Side.SELL, Decimal("120.5"))]
    assert market.book is not None
    assert market.book.mid == Decimal(120)
    assert [(gap.stream, gap.kind) for gap in market.open_gaps] == [("orderbooks", "seq_gap")]


async def test_day_pnl_starts_from_the_position_carried_over_midnight(
    shared_db_engine: AsyncEngine, database_url: str, exchange: str
) -> None:
    symbol = a_symbol()
    seed_market(database_url, exchange, symbol)
    (market,) = (await PostgresStatusReader(shared_db_engine, exchange).read([symbol], NOW_MS)).markets
    assert market.pnl is not None
    # Sold the long from 100 at 120 (realized 20), bought 1 at 118 now marked at 120 (+2); the midnight
    # mark of the carried unit (110) is yesterday's: the day made 20 + 2 - 10 = 12, less 0.02 fees.
    assert market.pnl.realized == Decimal(20)
    assert market.pnl.marked == Decimal("11.98")
    assert market.pnl.basis.position == Decimal(1)


async def test_last_fills_come_newest_first_with_markouts_where_measured(
    shared_db_engine: AsyncEngine, database_url: str, exchange: str
) -> None:
    symbol = a_symbol()
    seed_market(database_url, exchange, symbol)
    (market,) = (await PostgresStatusReader(shared_db_engine, exchange, fills_shown=2).read([symbol], NOW_MS)).markets
    assert [fill.price for fill in market.last_fills] == [Decimal(118), Decimal(120)]
    assert [fill.markout_10s_bps for fill in market.last_fills] == [None, Decimal("2.5")]


async def test_a_market_with_no_data_is_listed_as_empty(shared_db_engine: AsyncEngine, exchange: str) -> None:
    symbol = a_symbol()
    (market,) = (await PostgresStatusReader(shared_db_engine, exchange).read([symbol], NOW_MS)).markets
    assert not market.has_data
    assert market.pnl is None
    assert market.quotes == ()


async def test_heartbeats_are_each_apps_last_write_and_silent_apps_are_stale(
    shared_db_engine: AsyncEngine, database_url: str, exchange: str
) -> None:
    symbol = a_symbol()
    seed_market(database_url, exchange, symbol)
    status = await PostgresStatusReader(shared_db_engine, exchange).read([symbol], NOW_MS)
    beats = {beat.app: beat for beat in status.heartbeats}
    assert beats[App.INGESTOR].last_write_ms == NOW_MS - 400
    assert beats[App.EXECUTOR].last_write_ms == NOW_MS - 2_000
    assert beats[App.SUMMARIZER].last_write_ms == NOW_MS - 20_000
    assert not beats[App.EXECUTOR].is_stale(NOW_MS)
    assert beats[App.REFLECTOR].is_stale(NOW_MS)


async def test_an_executor_silent_for_minutes_is_stale(
    shared_db_engine: AsyncEngine, database_url: str, exchange: str
) -> None:
    symbol = a_symbol()
    seed_market(database_url, exchange, symbol)
    later_ms = NOW_MS + 10 * 60_000
    status = await PostgresStatusReader(shared_db_engine, exchange).read([symbol], later_ms)
    assert {beat.app: beat.is_stale(later_ms) for beat in status.heartbeats}[App.EXECUTOR]


async def test_without_symbols_it_shows_every_market_of_the_exchange(
    shared_db_engine: AsyncEngine, database_url: str, exchange: str
) -> None:
    first, second = sorted([a_symbol(), a_symbol()])
    seed_market(database_url, exchange, first)
    seed_market(database_url, exchange, second)
    status = await PostgresStatusReader(shared_db_engine, exchange).read([], NOW_MS)
    assert [market.symbol for market in status.markets] == [first, second]
