"""The `AccountStream` contract for `ExtendedAccountStream`, through the real SDK and websockets against the fake server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedRestSession,
    ExtendedTradingGateway,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.side import Side
from mm.testing.fake_extended import FakeExtendedServer, MarketSpec, StreamKind
from tests.contract.account_stream.contract import AccountStreamContract
from tests.integration.extended.conftest import FAST_REST, FAST_STREAMS, credentials_of, endpoints_of

SYMBOL, OTHER_SYMBOL = "BTC-USD", "ETH-USD"
SETTLE_TIMEOUT_S = 5.0
BOOK_SIZE = "5"


class ExtendedAccountSource:
    """Drives the fake server; REST is answered in order, so settling means the account stream caught up."""

    def __init__(self, server: FakeExtendedServer, metrics: PrometheusMetrics) -> None:
        self._server = server
        self._metrics = metrics

    @property
    def symbol(self) -> str:
        return SYMBOL

    @property
    def other_symbol(self) -> str:
        return OTHER_SYMBOL

    @property
    def reference_price(self) -> Decimal:
        return Decimal("84000")

    async def wait_until_listening(self) -> None:
        await self._server.streams.wait_for_subscribers(1, StreamKind.ACCOUNT)

    async def wait_until_not_listening(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT_S
        while self._server.streams.subscribers(StreamKind.ACCOUNT):
            if loop.time() > deadline:
                raise AssertionError("the venue still delivers to a closed account stream")
            await asyncio.sleep(0.005)

    async def set_book(self, bid: Decimal, ask: Decimal) -> None:
        await self._server.markets[SYMBOL].push_bbo(bid, BOOK_SIZE, ask, BOOK_SIZE)

    async def print_trade(self, price: Decimal, size: Decimal, taker_side: Side) -> None:
        await self._server.markets[SYMBOL].push_trade(price, size, taker_side.value)

    async def settle(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SETTLE_TIMEOUT_S
        while not self._caught_up():
            if loop.time() > deadline:
                raise AssertionError("the account stream did not catch up")
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)  # let the reader take what the stream just queued

    def _caught_up(self) -> bool:
        """REST is answered in order: with no one listening, the venue processed everything already."""
        subscribers = self._server.streams.subscribers(StreamKind.ACCOUNT)
        if not subscribers:
            return True
        received = self._metrics.value("extended_stream_messages_total", stream="account", symbol="*") or 0
        return len(subscribers) == 1 and received >= subscribers[0].frames_sent

    async def interrupt(self) -> None:
        self._server.faults.drop_streams(StreamKind.ACCOUNT)


@pytest.mark.contract
@pytest.mark.integration
class TestExtendedAccountStream(AccountStreamContract):
    @pytest.fixture
    def resyncs_from_the_venue(self) -> bool:
        return True

    @pytest.fixture
    def reports_outages(self) -> bool:
        return True

    @pytest.fixture
    def metrics(self) -> PrometheusMetrics:
        return PrometheusMetrics()

    @pytest.fixture
    async def server(self) -> AsyncIterator[FakeExtendedServer]:
        async with FakeExtendedServer.start(markets=(MarketSpec(SYMBOL), MarketSpec(OTHER_SYMBOL))) as running:
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
    async def stream(self, session: ExtendedRestSession) -> AsyncIterator[ExtendedAccountStream]:
        stream = ExtendedAccountStream(session, AccountStreamSettings(resync_interval_s=60.0, stream=FAST_STREAMS))
        yield stream
        await stream.aclose()

    @pytest.fixture
    def new_stream(self, session: ExtendedRestSession) -> Callable[[], ExtendedAccountStream]:
        return lambda: ExtendedAccountStream(
            session, AccountStreamSettings(resync_interval_s=60.0, stream=FAST_STREAMS)
        )

    @pytest.fixture
    def source(self, server: FakeExtendedServer, metrics: PrometheusMetrics) -> ExtendedAccountSource:
        return ExtendedAccountSource(server, metrics)
