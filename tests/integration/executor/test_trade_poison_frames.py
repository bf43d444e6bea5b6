"""`mm trade` over the fake's sockets meets single poison frames: it keeps running and prices nothing from them.

The findings: one best bid/offer with ask 1e308 made `mm trade` exit 1 with orders resting and no
mass cancel; on a 100000/100001 book, one frame with ask 200000 made it send a BUY replace at 149,940
(through the real ask), and a SELL at 150,060; after a frame with bid 50000, a BUY at 74,970.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from mm.testing.fake_extended import FakeExtendedServer
from mm.testing.fake_extended.stream_hub import StreamKind

from .conftest import SYMBOL, LiveMarket, eventually, quotes_on_both_sides
from .test_trade_process import QUOTING_S, TradeProcess

pytestmark = pytest.mark.integration

MID = Decimal("100000.5")
POISON_BOOKS = [("100000", "1e308"), ("100000", "200000"), ("50000", "100001"), ("100000", "200000")]


def bbo_frame(bid: str, ask: str) -> dict[str, object]:
    return {"t": "SNAPSHOT", "m": SYMBOL, "b": [{"p": bid, "q": "1.5"}], "a": [{"p": ask, "q": "2"}], "d": "1"}


@pytest.fixture
async def market() -> AsyncIterator[LiveMarket]:
    async with FakeExtendedServer.start() as running:
        live = LiveMarket(running)
        live.start()
        try:
            yield live
        finally:
            await live.stop()


async def test_poison_books_neither_stop_mm_trade_nor_price_an_order_from_them(
    market: LiveMarket, clean_database_url: str, tmp_path: Path
) -> None:
    server = market.server
    trade = TradeProcess(server, clean_database_url, tmp_path / "trade.log")
    await trade.start()
    try:
        await eventually(lambda: quotes_on_both_sides(server), QUOTING_S, "quotes on both sides")
        quoted_before = len(server.exchange.received_orders)
        for bid, ask in POISON_BOOKS:
            market.is_paused = True  # the poison stays the latest book for a while, as a lone frame can
            server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", bbo_frame(bid, ask))
            await asyncio.sleep(0.5)
            market.is_paused = False
            await asyncio.sleep(1.0)
            assert trade.process is not None
            assert trade.process.returncode is None, f"mm trade exited after the book {bid}/{ask}"
        await eventually(lambda: quotes_on_both_sides(server), 15.0, "quotes on both sides again")
        exit_code = await trade.terminate()
    finally:
        await trade.ensure_gone()
    assert exit_code == 0
    assert server.resting_orders(SYMBOL) == []
    assert not trade.events("executor_failed")
    orders = server.exchange.received_orders
    assert len(orders) > quoted_before  # it quoted again after the poison
    assert [o.price for o in orders if o.side == "BUY" and o.price >= Decimal(100_001)] == []
    assert [o.price for o in orders if o.side == "SELL" and o.price <= Decimal(100_000)] == []
    assert [o.price for o in orders if abs(o.price - MID) / MID > Decimal("0.001")] == []
    assert any(event["because"] == ["price_unconfirmed"] for event in trade.events("mode_changed"))
