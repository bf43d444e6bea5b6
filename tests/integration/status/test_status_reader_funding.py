"""Live day PnL charges funding: each of the day's settlements on the position the fills left at its instant."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.adapters.postgres.status_reader import PostgresStatusReader
from mm.apps.status.render import status_json
from mm.domain.day_pnl import DAY_MS
from tests.integration.status.seeding import NOW_MS, seed_market
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration

MIDNIGHT_MS = NOW_MS - NOW_MS % DAY_MS


def seed_funding(url: str, exchange: str, symbol: str) -> None:
    """Settlements around the seeded fills (long 1 at midnight, sold at now-60 s, bought 1 at now-30 s)."""
    settlements = [
        (MIDNIGHT_MS - 3_600_000, "0.01"),  # yesterday: not today's PnL
        (MIDNIGHT_MS + 3_600_000, "0.0001"),  # long 1, no mark: the mid 110 -> pays 0.011
        (NOW_MS - 45_000, "0.0005"),  # flat between the sale and the buy: nothing
        (NOW_MS - 30_000, "-0.0002"),  # with the buy at the same instant: long 1 at mark 121 -> receives 0.0242
        (NOW_MS + 1_000, "0.01"),  # after now: not yet
    ]
    with psycopg.connect(url) as conn:
        conn.execute(create_partition_sql("md_price", day_of_ms(NOW_MS)))
        conn.execute(
            "INSERT INTO md_price (exchange, symbol, ts, kind, price, source_id, row_no) "
            "VALUES (%s, %s, %s, 'mark', 121, 1, 1)",
            (exchange, symbol, to_datetime(NOW_MS - 40_000)),
        )
        for ts_ms, rate in settlements:
            conn.execute(
                "INSERT INTO md_funding (exchange, symbol, ts, rate) VALUES (%s, %s, %s, %s)",
                (exchange, symbol, to_datetime(ts_ms), rate),
            )


async def test_funding_is_charged_on_the_position_held_at_each_settlement(
    shared_db_engine: AsyncEngine, database_url: str
) -> None:
    exchange, symbol = an_id("funding"), a_symbol()
    seed_market(database_url, exchange, symbol)
    seed_funding(database_url, exchange, symbol)
    status = await PostgresStatusReader(shared_db_engine, exchange).read([symbol], NOW_MS)
    (market,) = status.markets
    assert market.pnl is not None
    assert market.pnl.funding == Decimal("0.011") - Decimal("0.0242")
    # Without funding the seeded day made 11.98 (see the status reader's day PnL test); funding received adds.
    assert market.pnl.marked == Decimal("11.98") + Decimal("0.0132")
    shown = status_json(status)["markets"][0]["pnl_today"]
    assert Decimal(shown["funding"]) == Decimal("-0.0132")


async def test_a_day_without_settlements_charges_no_funding(shared_db_engine: AsyncEngine, database_url: str) -> None:
    exchange, symbol = an_id("funding"), a_symbol()
    seed_market(database_url, exchange, symbol)
    (market,) = (await PostgresStatusReader(shared_db_engine, exchange).read([symbol], NOW_MS)).markets
    assert market.pnl is not None
    assert market.pnl.funding == 0
    assert market.pnl.marked == Decimal("11.98")
