from __future__ import annotations

import pytest

from mm.adapters.clock import SimulatedClock
from mm.adapters.sim import SimulatedExchangeGateway
from mm.domain.side import Side
from mm.ports.errors import InvalidRequest
from tests.unit.adapters.sim.venue import START_MS, SYMBOL, exchange, request


async def test_a_request_arrives_the_order_latency_after_the_clocks_time() -> None:
    clock = SimulatedClock(START_MS)
    gateway = SimulatedExchangeGateway(exchange(latency_ms=30), clock)
    clock.advance_to(START_MS + 100)
    await gateway.place_order(request("b1", Side.BUY, "99.9"))
    clock.advance_to(START_MS + 130)
    assert [order.created_ts_ms for order in await gateway.open_orders(SYMBOL)] == [START_MS + 130]


async def test_the_gateway_feeds_market_data_straight_to_its_exchange() -> None:
    clock = SimulatedClock(START_MS)
    gateway = SimulatedExchangeGateway(exchange(), clock)
    await gateway.place_order(request("b1", Side.BUY, "99.9"))
    gateway.on_trade(START_MS + 1, 99.9, 1.0, Side.SELL)
    assert (await gateway.position(SYMBOL)).size > 0


async def test_the_instrument_of_another_market_raises_invalid_request() -> None:
    gateway = SimulatedExchangeGateway(exchange(), SimulatedClock(START_MS))
    with pytest.raises(InvalidRequest):
        await gateway.instrument("BTC-USD")
