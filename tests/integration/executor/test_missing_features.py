"""Missing features mean no quote: without mark and index prices the executor places nothing, and says why."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.postgres.tables import ex_decision
from mm.testing.fake_extended import FakeExtendedServer

from .conftest import InProcessExecutor, LiveMarket, eventually


@pytest.mark.integration
async def test_without_mark_and_index_prices_no_order_is_placed(db_engine: AsyncEngine) -> None:
    async with FakeExtendedServer.start(price_derivation=None) as server:
        market = LiveMarket(server)
        market.start()
        executor = InProcessExecutor(server, db_engine)
        executor.start()
        try:
            await eventually(
                lambda: (
                    executor.executor.engines.get("BTC-USD") is not None
                    and executor.engine.last_decision is not None
                    and executor.engine.market.bid_px is not None
                ),
                10.0,
                "decisions on a live book",
            )
            await asyncio.sleep(2.0)
            assert server.orders() == []
        finally:
            assert await executor.close() == 0
            await market.stop()
    async with db_engine.connect() as conn:
        reasons = {
            reason
            for (row,) in (
                await conn.execute(select(ex_decision.c.reasons).where(ex_decision.c.exchange == executor.exchange))
            )
            for reason in row
        }
    assert "mark_index_missing" in reasons
