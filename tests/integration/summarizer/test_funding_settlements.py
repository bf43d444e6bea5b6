"""The summarizer's funding settlements from Postgres: priced at the last mark, else the mid, else left out."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.epoch_ms import to_datetime
from mm.adapters.postgres.partitions import create_partition_sql, day_of_ms
from mm.adapters.postgres.summary.funding_settlements import PostgresFundingSettlements
from mm.domain.pnl_attribution import FundingPayment
from tests.unique_keys import a_symbol, an_id

pytestmark = pytest.mark.integration

T0 = 1_767_225_600_000  # 2026-01-01T00:00Z
HOUR = 3_600_000


def seed(url: str, exchange: str, symbol: str) -> None:
    with psycopg.connect(url) as conn:
        for table in ("md_price", "md_bbo"):
            conn.execute(create_partition_sql(table, day_of_ms(T0)))
        conn.execute(
            "INSERT INTO md_bbo (exchange, symbol, ts, bid_px, ask_px, source_id, row_no) VALUES (%s, %s, %s, 99, 101, 1, 1)",
            (exchange, symbol, to_datetime(T0 + 10)),
        )
        conn.execute(
            "INSERT INTO md_price (exchange, symbol, ts, kind, price, source_id, row_no) "
            "VALUES (%s, %s, %s, 'mark', 102, 1, 1)",
            (exchange, symbol, to_datetime(T0 + 2 * HOUR - 5)),
        )
        for ts_ms, rate in ((T0, "0.5"), (T0 + HOUR, "0.0001"), (T0 + 2 * HOUR, "-0.0002"), (T0 + 3 * HOUR, "1")):
            conn.execute(
                "INSERT INTO md_funding (exchange, symbol, ts, rate) VALUES (%s, %s, %s, %s)",
                (exchange, symbol, to_datetime(ts_ms), rate),
            )


async def test_settlements_are_priced_at_the_mark_or_the_mid_and_unpriced_ones_left_out(
    shared_db_engine: AsyncEngine, database_url: str
) -> None:
    exchange, symbol = an_id("funding"), a_symbol()
    seed(database_url, exchange, symbol)
    found = await PostgresFundingSettlements(shared_db_engine).settlements_between(exchange, symbol, T0, T0 + 3 * HOUR)
    # T0: no price yet; T0+1h: the mid 100; T0+2h: the mark 102; T0+3h: outside [start, end).
    assert found == [
        FundingPayment(T0 + HOUR, Decimal("0.0001"), Decimal(100)),
        FundingPayment(T0 + 2 * HOUR, Decimal("-0.0002"), Decimal(102)),
    ]
