"""The `TradingGateway` contract for `ExtendedTradingGateway`, through the real SDK against the fake server.

The fake venue runs on a simulated clock (started at wall time, so order expiries agree with the
adapter's wall clock); `pass_time` moves it, so the dead man's switch expires without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from mm.adapters.clock import SimulatedClock, SystemClock
from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedRestSession,
    ExtendedTradingGateway,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.orders import AccountEvent
from mm.domain.side import Side
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.contract.trading_gateway.contract import TradingGatewayContract
from tests.contract.trading_gateway.venue_driver import RestingOrder
from tests.integration.extended.conftest import FAST_REST, FAST_STREAMS, credentials_of, endpoints_of

SETTLE_TIMEOUT_S = 5.0
BOOK_SIZE = "5"


class ExtendedVenueDriver:
    """Drives the fake server and reads our account stream the way the executor would."""

    def __init__(self, server: FakeExtendedServer, venue_clock: SimulatedClock, metrics: PrometheusMetrics) -> None:
        self._server = server
        self._venue_clock = venue_clock
        self._metrics = metrics
        self.events: list[AccountEvent] = []

    async def collect(self, stream: ExtendedAccountStream) -> None:
        async for event in stream.events([self.symbol]):
            self.events.append(event)

    @property
    def symbol(self) -> str:
        return self._server.market.name

    @property
    def reference_price(self) -> Decimal:
        return Decimal("84000")

    async def set_book(self, bid: Decimal, ask: Decimal) -> None:
        await self._server.market.push_bbo(bid, BOOK_SIZE, ask, BOOK_SIZE)

    async def print_trade(self, price: Decimal, size: Decimal, taker_side: Side) -> None:
        await self._server.market.push_trade(price, size, taker_side.value)

    async def settle(self) -> None:
        """REST is answered in order, so only the account stream can lag: wait until it has every frame."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT_S
        while not self._account_stream_caught_up():
            if loop.time() > deadline:
                raise AssertionError("the account stream did not catch up")
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)  # let the collector take what the stream just queued

    def _account_stream_caught_up(self) -> bool:
        subscribers = self._server.streams.subscribers(StreamKind.ACCOUNT)
        received = self._metrics.value("extended_stream_messages_total", stream="account", symbol="*") or 0
        return len(subscribers) == 1 and received >= subscribers[0].frames_sent

    async def resting_orders(self) -> list[RestingOrder]:
        return [
            RestingOrder(
                order.external_id, Side.BUY if order.side == "BUY" else Side.SELL, order.price, order.remaining_qty
            )
            for order in self._server.resting_orders(self.symbol)
        ]

    async def account_events(self) -> list[AccountEvent]:
        return list(self.events)

    async def pass_time(self, seconds: float) -> None:
        await self._venue_clock.run_until(self._venue_clock.now_ms() + round(seconds * 1000))


@pytest.mark.contract
@pytest.mark.integration
class TestExtendedTradingGateway(TradingGatewayContract):
    @pytest.fixture
    def rounds_unaligned_requests(self) -> bool:
        return True

    @pytest.fixture
    def venue_clock(self) -> SimulatedClock:
        return SimulatedClock(SystemClock().now_ms())

    @pytest.fixture
    def metrics(self) -> PrometheusMetrics:
        return PrometheusMetrics()

    @pytest.fixture
    async def server(self, venue_clock: SimulatedClock) -> AsyncIterator[FakeExtendedServer]:
        async with FakeExtendedServer.start(clock=venue_clock) as running:
            yield running

    @pytest.fixture
    async def session(
        self, server: FakeExtendedServer, metrics: PrometheusMetrics
    ) -> AsyncIterator[ExtendedRestSession]:
        rest = ExtendedRestSession(endpoints_of(server), credentials_of(server), SystemClock(), metrics, FAST_REST)
        try:
            yield rest
        finally:
            await rest.aclose()

    @pytest.fixture
    def gateway(self, session: ExtendedRestSession) -> ExtendedTradingGateway:
        return ExtendedTradingGateway(session)

    @pytest.fixture
    async def venue(
        self,
        server: FakeExtendedServer,
        session: ExtendedRestSession,
        venue_clock: SimulatedClock,
        metrics: PrometheusMetrics,
    ) -> AsyncIterator[ExtendedVenueDriver]:
        driver = ExtendedVenueDriver(server, venue_clock, metrics)
        stream = ExtendedAccountStream(session, AccountStreamSettings(resync_interval_s=60.0, stream=FAST_STREAMS))
        collecting = asyncio.create_task(driver.collect(stream))
        await server.streams.wait_for_subscribers(1, StreamKind.ACCOUNT)
        await driver.settle()
        yield driver
        await stream.aclose()
        collecting.cancel()
        await asyncio.gather(collecting, return_exceptions=True)
