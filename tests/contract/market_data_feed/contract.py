"""What every `MarketDataFeed` must do, whichever source is behind it.

Subclasses provide `feed` (fresh per test) and `source` (a `FeedSource` over what the feed reads).
Capability flag, an overridable fixture:
- `reports_outages`: the feed has a connection to lose, and reports its loss as `FeedGap` followed by
  `FeedRecovered` (the Extended feed); a scripted feed has none.
A source may send more than the tests publish (snapshots when a connection opens, old prints), so the tests look
for the events they published rather than at the first events to arrive.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from mm.domain.market_events import BestBidOffer, FeedGap, FeedRecovered, PriceKind, PriceUpdate, PublicTrade
from mm.domain.side import Side
from mm.ports.market_data_feed import MarketDataFeed
from tests.contract.market_data_feed.feed_source import FeedSource
from tests.integration.extended.conftest import EventCollector

BID, ASK = Decimal("84001"), Decimal("84009")


class MarketDataFeedContract:
    """Subclasses provide `feed` and `source` fixtures."""

    @pytest.fixture
    def reports_outages(self) -> bool:
        return False

    @pytest.fixture
    async def events(self, feed: MarketDataFeed, source: FeedSource) -> AsyncIterator[EventCollector]:
        """The feed's events for `source.symbol`, read in the background."""
        collector = EventCollector(feed.events([source.symbol]))
        await source.wait_until_listening()
        yield collector
        await feed.aclose()
        await collector.stop()

    async def test_a_best_bid_offer_arrives_with_its_prices_and_sizes(
        self, events: EventCollector, source: FeedSource
    ) -> None:
        await source.publish_bbo(source.symbol, BID, Decimal("0.5"), ASK, Decimal("0.7"))
        [bbo] = await events.wait_for(BestBidOffer, bid_px=BID)
        assert (bbo.symbol, bbo.bid_sz, bbo.ask_px, bbo.ask_sz) == (source.symbol, Decimal("0.5"), ASK, Decimal("0.7"))

    async def test_a_printed_trade_arrives_live_with_its_price_size_and_taker_side(
        self, events: EventCollector, source: FeedSource
    ) -> None:
        await source.print_trade(source.symbol, Decimal("84005"), Decimal("0.01"), Side.SELL)
        [trade] = await events.wait_for(PublicTrade, price=Decimal("84005"))
        assert (trade.symbol, trade.size, trade.taker_side, trade.is_replay) == (
            source.symbol,
            Decimal("0.01"),
            Side.SELL,
            False,
        )

    async def test_a_mark_price_arrives_as_a_mark_price_update(
        self, events: EventCollector, source: FeedSource
    ) -> None:
        await source.publish_price(source.symbol, PriceKind.MARK, Decimal("84004.5"))
        [mark] = await events.wait_for(PriceUpdate, price=Decimal("84004.5"))
        assert (mark.symbol, mark.kind) == (source.symbol, PriceKind.MARK)

    async def test_an_index_price_arrives_as_an_index_price_update(
        self, events: EventCollector, source: FeedSource
    ) -> None:
        await source.publish_price(source.symbol, PriceKind.INDEX, Decimal("84003.5"))
        [index] = await events.wait_for(PriceUpdate, price=Decimal("84003.5"))
        assert (index.symbol, index.kind) == (source.symbol, PriceKind.INDEX)

    async def test_best_bid_offers_arrive_in_the_order_published(
        self, events: EventCollector, source: FeedSource
    ) -> None:
        bids = [BID - n for n in range(1, 4)]
        for bid in bids:
            await source.publish_bbo(source.symbol, bid, Decimal(1), ASK, Decimal(1))
        await events.wait_for(BestBidOffer, bid_px=bids[-1])
        assert [bbo.bid_px for bbo in events.of(BestBidOffer) if bbo.bid_px in bids] == bids

    async def test_a_market_not_asked_for_is_not_delivered(self, events: EventCollector, source: FeedSource) -> None:
        await source.publish_bbo(source.other_symbol, BID, Decimal(1), ASK, Decimal(1))
        await source.print_trade(source.other_symbol, BID, Decimal("0.01"), Side.BUY)
        await source.publish_bbo(source.symbol, BID - 5, Decimal(1), ASK, Decimal(1))
        await events.wait_for(BestBidOffer, bid_px=BID - 5)
        assert {event.symbol for event in events.items} == {source.symbol}

    async def test_closing_the_feed_ends_a_running_iteration(
        self, feed: MarketDataFeed, events: EventCollector
    ) -> None:
        await feed.aclose()
        await events.wait_until(lambda: events.is_done, what="the end of the events")
        assert events.error is None

    async def test_a_second_iteration_of_a_running_feed_raises_runtime_error(
        self, feed: MarketDataFeed, events: EventCollector, source: FeedSource
    ) -> None:
        second = feed.events([source.symbol])
        with pytest.raises(RuntimeError):
            await anext(second)

    async def test_an_outage_is_reported_as_a_gap_then_a_recovery(
        self, events: EventCollector, source: FeedSource, reports_outages: bool
    ) -> None:
        if not reports_outages:
            pytest.skip("this feed has no connection to lose")
        await source.publish_bbo(source.symbol, BID, Decimal(1), ASK, Decimal(1))
        await events.wait_for(BestBidOffer, bid_px=BID)
        await source.interrupt(source.symbol)
        [recovered] = await events.wait_for(FeedRecovered, symbol=source.symbol)
        [gap] = events.of(FeedGap, symbol=source.symbol)
        assert (events.items.index(gap) < events.items.index(recovered), gap.stream) == (True, recovered.stream)
