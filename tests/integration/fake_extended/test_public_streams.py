"""Public v1 streams: best bid/offer, full book, trades, mark and index, with seq 1, 2, 3, …"""

from __future__ import annotations

from decimal import Decimal

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from x10.models.http import WrappedStreamResponseModel
from x10.models.orderbook import OrderbookUpdateModel
from x10.models.stream_rpc import StreamRpcPriceModel
from x10.models.trade import PublicTradeModel

from mm.testing.fake_extended import FakeExtendedServer, MarketSpec, PriceDerivation

from .stream_reading import recv_frame, recv_frames

pytestmark = pytest.mark.integration

BookFrame = WrappedStreamResponseModel[OrderbookUpdateModel]
TradesFrame = WrappedStreamResponseModel[list[PublicTradeModel]]
PriceFrame = WrappedStreamResponseModel[StreamRpcPriceModel]


async def test_best_bid_offer_frames_are_snapshots_numbered_from_one(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + "/orderbooks/BTC-USD?depth=1") as ws:
        await server.market.push_bbo("84001", "1", "84011", "2")
        await server.market.push_bbo("84002", "1", "84012", "2")
        frames = await recv_frames(ws, 3)

    assert [(f["type"], f["seq"], f["data"]["d"]) for f in frames] == [("SNAPSHOT", i, "1") for i in (1, 2, 3)]
    parsed = BookFrame.model_validate(frames[2]).data
    assert parsed is not None
    assert (parsed.bid[0].price, parsed.ask[0].price, parsed.ask[0].qty) == (Decimal(84002), Decimal(84012), Decimal(2))


async def test_an_unchanged_top_of_book_sends_no_best_bid_offer_frame(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + "/orderbooks/BTC-USD?depth=1") as ws:
        await recv_frame(ws)
        await server.market.push_bbo("84000", "1.5", "84010", "2")
        await server.market.push_bbo("84000", "1.5", "84011", "2")

        assert (await recv_frame(ws))["data"]["a"] == [{"q": "2", "p": "84011"}]


async def test_the_full_book_sends_a_snapshot_then_deltas_with_change_and_size(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + "/orderbooks/BTC-USD") as ws:
        await server.market.push_book([("84000", "1"), ("83990", "3")], [("84010", "2")])
        snapshot, delta = await recv_frames(ws, 2)

    assert (snapshot["type"], snapshot["seq"], snapshot["data"]["d"]) == ("SNAPSHOT", 1, "f")
    assert (delta["type"], delta["seq"], delta["data"]["t"]) == ("DELTA", 2, "DELTA")
    assert delta["data"]["b"] == [{"q": "-0.5", "p": "84000", "c": "1"}, {"q": "3", "p": "83990", "c": "3"}]
    assert delta["data"]["a"] == []
    BookFrame.model_validate(delta)


async def test_a_forced_book_snapshot_continues_the_sequence(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + "/orderbooks/BTC-USD") as ws:
        await recv_frame(ws)
        server.market.publish_book_snapshot()

        frame = await recv_frame(ws)

    assert (frame["type"], frame["seq"]) == ("SNAPSHOT", 2)


async def test_the_first_trades_frame_replays_earlier_prints_then_live_prints_follow(
    server: FakeExtendedServer,
) -> None:
    await server.market.push_trade("84005", "0.1", "buy")
    await server.market.push_trade("84004", "0.2", "sell")
    async with connect(server.stream_url + "/publicTrades/BTC-USD") as ws:
        await server.market.push_trade("83000", "1.5", "sell", trade_type="LIQUIDATION")
        history, live = [TradesFrame.model_validate(f) for f in await recv_frames(ws, 2)]

    assert (history.seq, live.seq) == (1, 2)
    assert [(t.price, t.side) for t in history.data or []] == [
        (Decimal(84005), "BUY"),
        (Decimal(84004), "SELL"),
    ]
    assert [(t.trade_type, t.qty) for t in live.data or []] == [("LIQUIDATION", Decimal("1.5"))]


async def test_the_trades_history_frame_is_sent_even_when_empty(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + "/publicTrades/BTC-USD") as ws:
        frame = await recv_frame(ws)

    assert (frame["seq"], frame["data"]) == (1, [])
    assert "type" not in frame


async def test_mark_and_index_streams_send_mp_and_ip_frames(server: FakeExtendedServer) -> None:
    async with (
        connect(server.stream_url + "/prices/mark/BTC-USD") as mark_ws,
        connect(server.stream_url + "/prices/index/BTC-USD") as index_ws,
    ):
        await server.market.set_mark("84100.5")
        await server.market.set_index("84090")
        mark_frames = await recv_frames(mark_ws, 2)
        index_frames = await recv_frames(index_ws, 2)

    assert [(f["type"], f["seq"]) for f in mark_frames] == [("MP", 1), ("MP", 2)]
    assert [(f["type"], f["seq"]) for f in index_frames] == [("IP", 1), ("IP", 2)]
    mark, index = PriceFrame.model_validate(mark_frames[1]).data, PriceFrame.model_validate(index_frames[1]).data
    assert mark is not None
    assert index is not None
    assert (mark.market, mark.price, index.price) == ("BTC-USD", Decimal("84100.5"), Decimal(84090))


async def test_mark_and_index_follow_the_mid_with_the_configured_offsets() -> None:
    derivation = PriceDerivation(mark_offset_bps=Decimal(10), index_offset_bps=Decimal(-10))
    async with FakeExtendedServer.start(price_derivation=derivation) as server:
        await server.market.push_bbo("99990", "1", "100010", "1")

        assert server.market.book.mark_price == Decimal(100_100)
        assert server.market.book.index_price == Decimal(99_900)


async def test_a_divergence_spike_moves_the_mark_for_its_duration() -> None:
    derivation = PriceDerivation(mark_offset_bps=Decimal(0), index_offset_bps=Decimal(0))
    async with FakeExtendedServer.start(price_derivation=derivation) as server:
        await server.market.push_bbo("99990", "1", "100010", "1", ts_ms=1_000)
        server.market.spike_divergence(50, duration_s=2)
        spiked = server.market.book.mark_price
        await server.market.push_bbo("99990", "1", "100010", "2", ts_ms=1_500)
        await server.market.push_bbo("99991", "1", "100011", "1", ts_ms=5_000)

        assert spiked == Decimal(100_500)
        assert server.market.book.mark_price == Decimal(100_001)
        assert server.market.book.index_price == Decimal(100_001)


async def test_a_subscription_without_market_covers_every_market() -> None:
    markets = [MarketSpec(), MarketSpec(name="ETH-USD", tick_size=Decimal("0.1"), step_size=Decimal("0.001"))]
    async with FakeExtendedServer.start(markets=markets) as server, connect(server.stream_url + "/orderbooks") as ws:
        await server.markets["BTC-USD"].push_bbo("84000", "1", "84010", "1")
        await server.markets["ETH-USD"].push_bbo("3000", "1", "3000.1", "1")
        frames = await recv_frames(ws, 4)

    assert [(f["seq"], f["data"]["m"]) for f in frames] == [
        (1, "BTC-USD"),
        (2, "ETH-USD"),
        (3, "BTC-USD"),
        (4, "ETH-USD"),
    ]


async def test_an_unknown_stream_path_fails_the_upgrade(server: FakeExtendedServer) -> None:
    with pytest.raises(InvalidStatus) as raised:
        async with connect(server.stream_url + "/nonsense/BTC-USD"):
            pass

    assert raised.value.response.status_code == 404


async def test_an_unknown_market_gets_the_venue_error_object(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + "/orderbooks/DOGE-USD?depth=1") as ws:
        frame = await recv_frame(ws)

    assert frame == {"status": "ERROR", "error": {"code": 1001, "message": "Market not found."}}
