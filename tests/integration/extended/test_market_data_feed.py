"""`ExtendedMarketDataFeed` against the fake server: events, outages, gaps, malformed frames."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import ExtendedEndpoints, ExtendedMarketDataFeed, PublicStream
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.market_events import (
    BestBidOffer,
    FeedGap,
    FeedIssueKind,
    FeedRecovered,
    PriceKind,
    PriceUpdate,
    PublicTrade,
    TradeKind,
)
from mm.domain.side import Side
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.integration.extended.conftest import FAST_STREAMS, SYMBOL, EventCollector

pytestmark = pytest.mark.integration

FeedFactory = Callable[..., ExtendedMarketDataFeed]


@pytest.fixture
async def make_feed(
    endpoints: ExtendedEndpoints, clock: SystemClock, metrics: PrometheusMetrics
) -> AsyncIterator[FeedFactory]:
    feeds: list[ExtendedMarketDataFeed] = []

    def make(*streams: PublicStream) -> ExtendedMarketDataFeed:
        feed = ExtendedMarketDataFeed(endpoints, clock, metrics, FAST_STREAMS, streams or tuple(PublicStream))
        feeds.append(feed)
        return feed

    yield make
    for feed in feeds:
        await feed.aclose()


@pytest.fixture
async def bbo_events(make_feed: FeedFactory, server: FakeExtendedServer) -> AsyncIterator[EventCollector]:
    collector = EventCollector(make_feed(PublicStream.BBO).events([SYMBOL]))
    await collector.wait_for(BestBidOffer)
    yield collector
    await collector.stop()


async def test_the_feed_streams_the_best_bid_offer_with_times_seq_and_raw_json(
    bbo_events: EventCollector, server: FakeExtendedServer
) -> None:
    await server.market.push_bbo("84001", "0.5", "84009", "0.7")

    [_, bbo] = await bbo_events.wait_for(BestBidOffer, 2)

    assert (bbo.symbol, bbo.bid_px, bbo.bid_sz, bbo.ask_px, bbo.ask_sz, bbo.seq) == (
        SYMBOL,
        Decimal("84001"),
        Decimal("0.5"),
        Decimal("84009"),
        Decimal("0.7"),
        2,
    )
    assert bbo.received_ts_ms >= bbo.exchange_ts_ms > 0
    assert '"seq":2' in bbo.raw


async def test_the_first_trades_frame_is_replay_and_later_prints_are_live(
    make_feed: FeedFactory, server: FakeExtendedServer
) -> None:
    await server.market.push_trade("84005", "0.01", "SELL")
    events = EventCollector(make_feed(PublicStream.TRADES).events([SYMBOL]))
    await events.wait_for(PublicTrade, is_replay=True)

    await server.market.push_trade("84006", "0.02", "BUY", trade_type="LIQUIDATION")

    [live] = await events.wait_for(PublicTrade, is_replay=False)
    assert (live.price, live.size, live.taker_side, live.kind, live.is_liquidation) == (
        Decimal("84006"),
        Decimal("0.02"),
        Side.BUY,
        TradeKind.LIQUIDATION,
        True,
    )
    await events.stop()


async def test_mark_and_index_prices_arrive_as_price_updates(
    make_feed: FeedFactory, server: FakeExtendedServer
) -> None:
    events = EventCollector(make_feed(PublicStream.MARK, PublicStream.INDEX).events([SYMBOL]))
    await server.streams.wait_for_subscribers(2)

    await server.market.set_mark("84003.5")
    await server.market.set_index("84004.25")

    [mark] = await events.wait_for(PriceUpdate, kind=PriceKind.MARK, price=Decimal("84003.5"))
    [index] = await events.wait_for(PriceUpdate, kind=PriceKind.INDEX, price=Decimal("84004.25"))
    assert (mark.symbol, index.symbol) == (SYMBOL, SYMBOL)
    await events.stop()


async def test_all_four_streams_of_a_market_run_on_one_feed(make_feed: FeedFactory, server: FakeExtendedServer) -> None:
    events = EventCollector(make_feed().events([SYMBOL]))
    await server.streams.wait_for_subscribers(4)

    await server.market.push_bbo("84002", "1", "84008", "1")
    await server.market.push_trade("84008", "0.1", "BUY")

    await events.wait_until(
        lambda: {type(e) for e in events.items} >= {BestBidOffer, PublicTrade, PriceUpdate}, what="every kind"
    )
    await events.stop()


async def test_the_feed_recovers_from_20_disconnects_and_20_sequence_gaps_reporting_each(
    bbo_events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    for n in range(1, 21):
        await server.streams.wait_for_subscribers(1, StreamKind.BBO)
        assert server.faults.drop_streams(StreamKind.BBO) == 1
        await bbo_events.wait_for(FeedRecovered, n)
    for n in range(1, 21):
        await server.streams.wait_for_subscribers(1, StreamKind.BBO)
        server.faults.skip_sequence(3, kind=StreamKind.BBO)
        await server.market.push_bbo(str(84000 - n), "1", "84010", "2")
        await bbo_events.wait_for(FeedRecovered, 20 + n)

    gaps = bbo_events.of(FeedGap)
    assert [g.kind for g in gaps] == [FeedIssueKind.DISCONNECTED] * 20 + [FeedIssueKind.SEQUENCE_GAP] * 20
    assert all((g.received_seq or 0) - (g.expected_seq or 0) == 3 for g in gaps[20:])
    assert len(bbo_events.of(FeedRecovered)) == 40
    assert server.streams.connections_opened[StreamKind.BBO] == 41
    assert metrics.value("extended_stream_gaps_total", stream="bbo", symbol=SYMBOL, kind="sequence_gap") == 20
    assert metrics.value("extended_stream_gaps_total", stream="bbo", symbol=SYMBOL, kind="disconnected") == 20


async def test_each_gap_comes_before_its_recovery_and_the_fresh_snapshot(
    bbo_events: EventCollector, server: FakeExtendedServer
) -> None:
    server.faults.skip_sequence(1, kind=StreamKind.BBO)
    await server.market.push_bbo("83990", "1", "84010", "2")

    [recovered] = await bbo_events.wait_for(FeedRecovered)

    kinds = [type(e) for e in bbo_events.items]
    gap_at = kinds.index(FeedGap)
    assert kinds[gap_at + 1 :] == [BestBidOffer, FeedRecovered]
    [gap] = bbo_events.of(FeedGap)
    assert (gap.expected_seq, gap.received_seq, gap.stream) == (2, 3, "bbo")
    assert recovered.gap_from_ts_ms == gap.from_ts_ms


async def test_a_silent_stream_trips_the_heartbeat_watchdog_and_is_rebuilt(
    bbo_events: EventCollector, server: FakeExtendedServer
) -> None:
    server.faults.stall_streams(StreamKind.BBO)

    [gap] = await bbo_events.wait_for(FeedGap)
    await bbo_events.wait_for(FeedRecovered)

    assert gap.kind is FeedIssueKind.HEARTBEAT_TIMEOUT
    assert server.streams.connections_opened[StreamKind.BBO] == 2


async def test_a_malformed_frame_is_counted_and_skipped_without_ending_the_stream(
    bbo_events: EventCollector, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    server.faults.send_malformed_frame(StreamKind.BBO)
    await server.market.push_bbo("84002", "1", "84010", "2")

    [_, after] = await bbo_events.wait_for(BestBidOffer, 2)

    assert after.bid_px == Decimal("84002")
    assert bbo_events.of(FeedGap) == []
    assert metrics.value("extended_stream_malformed_total", stream="bbo", symbol=SYMBOL) == 1


async def test_an_error_object_for_an_unknown_market_is_skipped_and_the_feed_keeps_trying(
    make_feed: FeedFactory, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    events = EventCollector(make_feed(PublicStream.BBO).events(["NOPE-USD"]))

    await events.wait_for(FeedGap)
    await events.wait_until(
        lambda: (metrics.value("extended_stream_malformed_total", stream="bbo", symbol="NOPE-USD") or 0) >= 2
    )

    assert not events.is_done
    await events.stop()


async def test_closing_the_feed_ends_its_events(make_feed: FeedFactory, server: FakeExtendedServer) -> None:
    feed = make_feed(PublicStream.BBO)
    events = EventCollector(feed.events([SYMBOL]))
    await events.wait_for(BestBidOffer)

    await feed.aclose()

    await events.wait_until(lambda: events.is_done, what="the end of events()")
    assert events.error is None
    await server.streams.wait_for_subscribers(0)


async def test_a_venue_that_cannot_be_reached_is_one_gap_while_reconnects_back_off(
    clock: SystemClock, metrics: PrometheusMetrics
) -> None:
    unreachable = ExtendedEndpoints(stream_url="ws://127.0.0.1:9/stream.extended.exchange/v1")
    feed = ExtendedMarketDataFeed(unreachable, clock, metrics, FAST_STREAMS, (PublicStream.BBO,))
    events = EventCollector(feed.events([SYMBOL]))

    await events.wait_until(
        lambda: (metrics.value("extended_stream_reconnects_total", stream="bbo", symbol=SYMBOL) or 0) >= 5,
        what="five reconnect attempts",
    )

    [gap] = events.of(FeedGap)
    assert gap.kind is FeedIssueKind.DISCONNECTED
    assert not events.is_done
    await feed.aclose()
    await events.stop()


async def test_a_quiet_trades_stream_is_not_an_outage(
    endpoints: ExtendedEndpoints, clock: SystemClock, metrics: PrometheusMetrics, server: FakeExtendedServer
) -> None:
    impatient = FAST_STREAMS.model_copy(update={"heartbeat_timeout_s": 0.1})
    feed = ExtendedMarketDataFeed(endpoints, clock, metrics, impatient, (PublicStream.TRADES,))
    events = EventCollector(feed.events([SYMBOL]))
    await server.streams.wait_for_subscribers(1, StreamKind.TRADES)

    await asyncio.sleep(0.4)

    assert events.of(FeedGap) == []
    assert server.streams.connections_opened[StreamKind.TRADES] == 1
    await feed.aclose()
    await events.stop()


async def test_a_quiet_stream_trips_the_watchdog_when_told_to(
    endpoints: ExtendedEndpoints, clock: SystemClock, metrics: PrometheusMetrics, server: FakeExtendedServer
) -> None:
    strict = FAST_STREAMS.model_copy(update={"quiet_heartbeat_timeout_s": 0.1})
    feed = ExtendedMarketDataFeed(endpoints, clock, metrics, strict, (PublicStream.TRADES,))
    events = EventCollector(feed.events([SYMBOL]))

    [gap] = await events.wait_for(FeedGap)

    assert gap.kind is FeedIssueKind.HEARTBEAT_TIMEOUT
    await feed.aclose()
    await events.stop()
