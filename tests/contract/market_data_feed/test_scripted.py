"""The `MarketDataFeed` contract for `ScriptedMarketDataFeed`: the source pushes the events the venue would send."""

from __future__ import annotations

import asyncio
import itertools
from decimal import Decimal

import pytest

from mm.adapters.memory.scripted_market_data_feed import ScriptedMarketDataFeed
from mm.domain.market_events import BestBidOffer, PriceKind, PriceUpdate, PublicTrade
from mm.domain.side import Side
from tests.contract.market_data_feed.contract import MarketDataFeedContract

EXCHANGE = "extended"
T0_MS = 1_723_161_300_000


class ScriptedFeedSource:
    def __init__(self, feed: ScriptedMarketDataFeed) -> None:
        self._feed = feed
        self._seq = itertools.count(1)

    @property
    def symbol(self) -> str:
        return "BTC-USD"

    @property
    def other_symbol(self) -> str:
        return "ETH-USD"

    async def wait_until_listening(self) -> None:
        await asyncio.sleep(0)  # the reader's task takes its first turn and is waiting on the script

    def _stamp(self) -> tuple[int, int, int]:
        seq = next(self._seq)
        return T0_MS + seq, T0_MS + seq + 2, seq

    async def publish_bbo(
        self, symbol: str, bid_px: Decimal, bid_sz: Decimal, ask_px: Decimal, ask_sz: Decimal
    ) -> None:
        self._feed.push(BestBidOffer(EXCHANGE, symbol, *self._stamp(), bid_px, bid_sz, ask_px, ask_sz))

    async def print_trade(self, symbol: str, px: Decimal, sz: Decimal, taker_side: Side) -> None:
        exchange_ts_ms, received_ts_ms, seq = self._stamp()
        self._feed.push(
            PublicTrade(EXCHANGE, symbol, exchange_ts_ms, received_ts_ms, seq, str(seq), px, sz, taker_side)
        )

    async def publish_price(self, symbol: str, kind: PriceKind, px: Decimal) -> None:
        self._feed.push(PriceUpdate(EXCHANGE, symbol, *self._stamp(), kind, px))

    async def interrupt(self, symbol: str) -> None:
        raise NotImplementedError("a scripted feed has no connection to lose")


@pytest.mark.contract
class TestScriptedMarketDataFeed(MarketDataFeedContract):
    @pytest.fixture
    def feed(self) -> ScriptedMarketDataFeed:
        return ScriptedMarketDataFeed()

    @pytest.fixture
    def source(self, feed: ScriptedMarketDataFeed) -> ScriptedFeedSource:
        return ScriptedFeedSource(feed)
