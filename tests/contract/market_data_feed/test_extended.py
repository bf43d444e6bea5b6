"""The `MarketDataFeed` contract for `ExtendedMarketDataFeed`, over real websockets against the fake server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import ExtendedMarketDataFeed, PublicStream
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.market_events import PriceKind
from mm.domain.side import Side
from mm.testing.fake_extended import FakeExtendedServer, MarketSpec, StreamKind
from tests.contract.market_data_feed.contract import MarketDataFeedContract
from tests.integration.extended.conftest import FAST_STREAMS, endpoints_of

SYMBOL, OTHER_SYMBOL = "BTC-USD", "ETH-USD"


class ExtendedFeedSource:
    """Publishes through the fake server's markets; listening means every public stream of `symbol` is connected."""

    def __init__(self, server: FakeExtendedServer) -> None:
        self._server = server

    @property
    def symbol(self) -> str:
        return SYMBOL

    @property
    def other_symbol(self) -> str:
        return OTHER_SYMBOL

    async def wait_until_listening(self) -> None:
        await self._server.streams.wait_for_subscribers(len(PublicStream))

    async def publish_bbo(
        self, symbol: str, bid_px: Decimal, bid_sz: Decimal, ask_px: Decimal, ask_sz: Decimal
    ) -> None:
        await self._server.markets[symbol].push_bbo(bid_px, bid_sz, ask_px, ask_sz)

    async def print_trade(self, symbol: str, px: Decimal, sz: Decimal, taker_side: Side) -> None:
        await self._server.markets[symbol].push_trade(px, sz, taker_side.value)

    async def publish_price(self, symbol: str, kind: PriceKind, px: Decimal) -> None:
        market = self._server.markets[symbol]
        await (market.set_mark(px) if kind is PriceKind.MARK else market.set_index(px))

    async def interrupt(self, symbol: str) -> None:
        self._server.faults.drop_streams(StreamKind.BBO, market=symbol)


@pytest.mark.contract
@pytest.mark.integration
class TestExtendedMarketDataFeed(MarketDataFeedContract):
    @pytest.fixture
    def reports_outages(self) -> bool:
        return True

    @pytest.fixture
    async def server(self) -> AsyncIterator[FakeExtendedServer]:
        markets = (MarketSpec(SYMBOL), MarketSpec(OTHER_SYMBOL))
        async with FakeExtendedServer.start(markets=markets, price_derivation=None) as running:
            yield running

    @pytest.fixture
    async def feed(self, server: FakeExtendedServer) -> AsyncIterator[ExtendedMarketDataFeed]:
        feed = ExtendedMarketDataFeed(endpoints_of(server), SystemClock(), PrometheusMetrics(), FAST_STREAMS)
        yield feed
        await feed.aclose()

    @pytest.fixture
    def source(self, server: FakeExtendedServer) -> ExtendedFeedSource:
        return ExtendedFeedSource(server)
