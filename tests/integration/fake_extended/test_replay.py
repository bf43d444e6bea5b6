"""Replaying recorded data (the shared CSV format) through the server at a chosen speed."""

from __future__ import annotations

import gzip
import time
from decimal import Decimal
from itertools import islice
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

import mm
from mm.testing.fake_extended import FakeExtendedServer, MarketSpec, OrderStatus
from mm.testing.fake_extended.replay import repeated_events

from .conftest import PlaceOrder
from .stream_reading import recv_frame, recv_frames

pytestmark = pytest.mark.integration

SHIPPED_SLICE = Path(mm.__file__).parent / "data" / "binance_usdm_btcusdt_20240808_3min"
COARSE_BTC = MarketSpec(tick_size=Decimal("0.1"), step_size=Decimal("0.001"), min_order_size=Decimal("0.001"))


def write_recording(tmp_path: Path, bbo_rows: list[str], trade_rows: list[str]) -> Path:
    prefix = tmp_path / "tiny"
    if bbo_rows:
        with gzip.open(f"{prefix}.bbo.csv.gz", "wt") as handle:
            handle.write("ts_ms,bid_px,bid_sz,ask_px,ask_sz\n" + "\n".join(bbo_rows) + "\n")
    if trade_rows:
        Path(f"{prefix}.trades.csv").write_text("ts_ms,px,sz,side\n" + "\n".join(trade_rows) + "\n")
    return prefix


async def test_a_replay_streams_best_bid_offer_and_trades_in_recorded_order(tmp_path: Path) -> None:
    prefix = write_recording(
        tmp_path,
        ["1000,84000,1,84010,2", "1002,84001,1,84010,2", "1004,84002,1,84011,2"],
        ["1001,84010,0.1,buy", "1003,84001,0.2,sell"],
    )
    async with (
        FakeExtendedServer.start() as server,
        connect(server.stream_url + "/orderbooks/BTC-USD?depth=1") as bbo,
        connect(server.stream_url + "/publicTrades/BTC-USD") as trades,
    ):
        await server.streams.wait_for_subscribers(2)

        assert await server.replay(prefix) == 5
        bbo_frames = await recv_frames(bbo, 3)
        trade_frames = await recv_frames(trades, 3)

    assert [f["data"]["b"][0]["p"] for f in bbo_frames] == ["84000", "84001", "84002"]
    assert [[(t["p"], t["S"]) for t in f["data"]] for f in trade_frames] == [
        [],
        [("84010", "BUY")],
        [("84001", "SELL")],
    ]


async def test_a_replay_at_ten_times_speed_takes_a_tenth_of_the_recorded_time(tmp_path: Path) -> None:
    prefix = write_recording(tmp_path, ["1000,84000,1,84010,2", "1500,84001,1,84010,2", "2000,84002,1,84011,2"], [])
    async with FakeExtendedServer.start() as server:
        started = time.perf_counter()
        await server.replay(prefix, speed=10)
        elapsed_s = time.perf_counter() - started

    assert 0.09 <= elapsed_s < 0.5


async def test_a_resting_bid_fills_when_the_replayed_market_trades_through_it(
    server: FakeExtendedServer, place_order: PlaceOrder, tmp_path: Path
) -> None:
    prefix = write_recording(tmp_path, ["1000,84000,1,84010,2"], ["1001,83985,0.4,sell"])
    await place_order("bid-1", "83990")

    await server.replay(prefix)

    assert [(o.status, o.filled_qty) for o in server.orders()] == [(OrderStatus.FILLED, Decimal("0.001"))]
    assert server.position_size() == Decimal("0.001")


async def test_a_trades_only_recording_replays(tmp_path: Path) -> None:
    prefix = write_recording(tmp_path, [], ["1001,84010,0.1,buy", "1003,84001,0.2,sell"])
    async with FakeExtendedServer.start() as server:
        assert await server.replay(prefix) == 2
        assert server.market.book.last_price == Decimal(84001)


async def test_a_missing_recording_raises_file_not_found(tmp_path: Path) -> None:
    async with FakeExtendedServer.start() as server:
        with pytest.raises(FileNotFoundError):
            await server.replay(tmp_path / "nothing")


async def test_the_shipped_recording_replays_with_derived_mark_prices() -> None:
    async with FakeExtendedServer.start(markets=[COARSE_BTC]) as server:
        assert await server.replay(SHIPPED_SLICE, limit=3000) == 3000

        async with connect(server.stream_url + "/prices/mark/BTC-USD") as mark:
            frame = await recv_frame(mark)
        mid = server.market.book.mid_price

    assert mid is not None
    assert frame["type"] == "MP"
    assert abs(Decimal(frame["data"]["p"]) / mid - 1) < Decimal("0.0001")


async def test_a_background_replay_is_cancelled_when_the_server_closes() -> None:
    async with FakeExtendedServer.start(markets=[COARSE_BTC]) as server:
        replay = server.start_replay(SHIPPED_SLICE, speed=1.0)

    assert replay.cancelled()


def test_a_repeated_replay_starts_the_set_again_after_its_end_without_going_back_in_time(tmp_path: Path) -> None:
    prefix = write_recording(tmp_path, ["1000,84000,1,84010,2", "1004,84002,1,84011,2"], ["1002,84010,0.1,buy"])
    events = list(islice(repeated_events(prefix), 7))
    assert [event.ts_ms for event in events] == [1000, 1002, 1004, 1005, 1007, 1009, 1010]
    assert [getattr(event, "bid_px", None) for event in events[3:5]] == [Decimal(84000), None]
