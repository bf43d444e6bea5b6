from __future__ import annotations

import asyncio

from mm.adapters.sim import SimulatedAccountStream
from mm.domain.orders import AccountEvent, OrderStatus, OrderUpdate
from mm.domain.side import Side
from mm.ports.account_stream import AccountStream
from tests.unit.adapters.sim.venue import START_MS, SYMBOL, exchange, request


async def test_the_stream_yields_events_as_the_exchange_emits_them() -> None:
    venue = exchange()
    stream: AccountStream = SimulatedAccountStream(venue)
    received: list[AccountEvent] = []

    async def consume() -> None:
        async for event in stream.events([SYMBOL]):
            received.append(event)

    consumer = asyncio.create_task(consume())
    await asyncio.sleep(0)
    venue.submit_place(request("b1", Side.BUY, "99.9"))
    venue.on_trade(START_MS + 1, 99.9, 1.0, Side.SELL)
    await asyncio.sleep(0)
    await stream.aclose()
    await asyncio.wait_for(consumer, timeout=1)
    assert [e.order.status for e in received if isinstance(e, OrderUpdate)] == [OrderStatus.NEW, OrderStatus.FILLED]


async def test_closing_the_stream_ends_the_iteration() -> None:
    stream = SimulatedAccountStream(exchange())

    async def consume() -> int:
        return len([event async for event in stream.events([SYMBOL])])

    consumer = asyncio.create_task(consume())
    await asyncio.sleep(0)
    await stream.aclose()
    assert await asyncio.wait_for(consumer, timeout=1) == 0


async def test_events_of_other_markets_are_not_yielded() -> None:
    venue = exchange()
    stream = SimulatedAccountStream(venue)
    venue.submit_place(request("b1", Side.BUY, "99.9"))

    async def consume() -> int:
        return len([event async for event in stream.events(["BTC-USD"])])

    consumer = asyncio.create_task(consume())
    await asyncio.sleep(0)
    await stream.aclose()
    assert await asyncio.wait_for(consumer, timeout=1) == 0
