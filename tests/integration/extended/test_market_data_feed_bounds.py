"""`ExtendedMarketDataFeed` against the fake server: hostile frames are counted and skipped, crossed books counted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import ExtendedEndpoints, ExtendedMarketDataFeed, PublicStream
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.instrument import Instrument
from mm.domain.market_events import BestBidOffer, PriceUpdate
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.integration.extended.conftest import FAST_STREAMS, SYMBOL, EventCollector

pytestmark = pytest.mark.integration

BTC = Instrument(SYMBOL, Decimal("1"), Decimal("0.00001"), Decimal("0.0001"))


def book(bid_px: str, ask_px: str) -> dict[str, object]:
    return {"t": "SNAPSHOT", "m": SYMBOL, "b": [{"q": "1", "p": bid_px}], "a": [{"q": "1", "p": ask_px}], "d": "1"}


@pytest.fixture
async def feed(
    endpoints: ExtendedEndpoints, clock: SystemClock, metrics: PrometheusMetrics
) -> AsyncIterator[ExtendedMarketDataFeed]:
    feed = ExtendedMarketDataFeed(
        endpoints, clock, metrics, FAST_STREAMS, (PublicStream.BBO, PublicStream.MARK), instruments=[BTC]
    )
    yield feed
    await feed.aclose()


@pytest.fixture
async def events(feed: ExtendedMarketDataFeed, server: FakeExtendedServer) -> AsyncIterator[EventCollector]:
    collector = EventCollector(feed.events([SYMBOL]))
    await collector.wait_for(BestBidOffer)
    await server.streams.wait_for_subscribers(1, StreamKind.MARK)
    yield collector
    await collector.stop()


async def test_a_crossed_book_reaches_the_consumer_and_is_counted(
    events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("84010", "84000"))

    [crossed] = await events.wait_for(BestBidOffer, 1, bid_px=Decimal("84010"))

    assert crossed.ask_px == Decimal("84000")
    assert metrics.value("extended_crossed_books_total", symbol=SYMBOL, kind="crossed") == 1


async def test_a_locked_book_is_counted_as_locked(
    events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("84000", "84000"))

    await events.wait_for(BestBidOffer, 1, bid_px=Decimal("84000"), ask_px=Decimal("84000"))

    assert metrics.value("extended_crossed_books_total", symbol=SYMBOL, kind="locked") == 1


async def test_an_ask_of_1e308_is_skipped_and_the_next_book_arrives(
    events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("83990", "1e308"))
    server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("84001", "84002"))

    await events.wait_for(BestBidOffer, 1, bid_px=Decimal("84001"))

    assert events.of(BestBidOffer, bid_px=Decimal("83990")) == []
    assert metrics.value("extended_stream_malformed_total", stream="bbo", symbol=SYMBOL) == 1


async def test_a_mark_frame_whose_data_is_not_an_object_is_skipped_and_the_stream_lives_on(
    events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    server.streams.publish(StreamKind.MARK, SYMBOL, "MP", [SYMBOL, "84005"])
    server.streams.publish(StreamKind.MARK, SYMBOL, "MP", {"m": SYMBOL, "p": "84005", "ts": 0})

    [mark] = await events.wait_for(PriceUpdate, 1, price=Decimal("84005"))

    assert mark.price == Decimal("84005")
    assert not events.is_done
    assert metrics.value("extended_stream_malformed_total", stream="mark", symbol=SYMBOL) == 1


async def test_with_the_instrument_known_a_price_below_one_tick_is_skipped(
    events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("0.5", "84002"))
    server.streams.publish(StreamKind.BBO, SYMBOL, "SNAPSHOT", book("84001", "84002"))

    await events.wait_for(BestBidOffer, 1, bid_px=Decimal("84001"))

    assert metrics.value("extended_stream_malformed_total", stream="bbo", symbol=SYMBOL) == 1
