"""Fault knobs: dropped and stalled streams, sequence gaps, malformed frames, 429/5xx, request counts."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from x10.clients.rest import RestApiClient
from x10.errors import ApiError, ApiRateLimitError

from mm.testing.fake_extended import FakeExtendedServer, StreamKind

from .conftest import PlaceOrder
from .stream_reading import recv_frame

pytestmark = pytest.mark.integration

BBO_PATH = "/orderbooks/BTC-USD?depth=1"


async def test_dropping_streams_cuts_every_matching_connection(server: FakeExtendedServer) -> None:
    async with (
        connect(server.stream_url + BBO_PATH) as bbo,
        connect(server.stream_url + "/publicTrades/BTC-USD") as trades,
    ):
        await server.streams.wait_for_subscribers(2)

        dropped = server.faults.drop_streams(StreamKind.BBO)

        await recv_frame(bbo)
        with pytest.raises(ConnectionClosed):
            await recv_frame(bbo)
        assert dropped == 1
        assert (await recv_frame(trades))["seq"] == 1


async def test_dropping_one_stream_closes_the_oldest_and_leaves_the_others_open(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + BBO_PATH) as oldest:
        await server.streams.wait_for_subscribers(1)
        async with connect(server.stream_url + BBO_PATH) as newest:
            await server.streams.wait_for_subscribers(2)

            assert server.faults.drop_streams(limit=1, abrupt=False) == 1
            await server.market.push_bbo("84001", "1", "84010", "2")

            await recv_frame(oldest)
            with pytest.raises(ConnectionClosed):
                await recv_frame(oldest)
            assert [(await recv_frame(newest))["seq"] for _ in range(2)] == [1, 2]


async def test_reconnects_are_counted_as_connections_opened(server: FakeExtendedServer) -> None:
    for _ in range(2):
        async with connect(server.stream_url + BBO_PATH):
            await server.streams.wait_for_subscribers(1, StreamKind.BBO)

    await server.streams.wait_for_connections_opened(2, StreamKind.BBO, timeout_s=1)
    assert server.streams.connections_opened[StreamKind.BBO] == 2


async def test_skipping_sequence_numbers_makes_the_next_frame_jump(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + BBO_PATH) as ws:
        await recv_frame(ws)
        await server.streams.wait_for_subscribers(1)

        server.faults.skip_sequence(3, kind=StreamKind.BBO)
        await server.market.push_bbo("84001", "1", "84010", "2")
        await server.market.push_bbo("84002", "1", "84010", "2")

        assert [(await recv_frame(ws))["seq"] for _ in range(2)] == [5, 6]


async def test_a_stalled_stream_sends_nothing_but_stays_open_and_answers_pings(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + BBO_PATH) as ws:
        await recv_frame(ws)
        await server.streams.wait_for_subscribers(1)
        server.faults.stall_streams(StreamKind.BBO)

        await server.market.push_bbo("84001", "1", "84010", "2")
        with pytest.raises(TimeoutError):
            await recv_frame(ws, timeout_s=0.2)
        await asyncio.wait_for(await ws.ping(), 1)

        server.faults.resume_streams()
        await server.market.push_bbo("84002", "1", "84010", "2")
        frame = await recv_frame(ws)

    assert (frame["seq"], frame["data"]["b"][0]["p"]) == (2, "84002")


async def test_a_malformed_frame_takes_no_sequence_number(server: FakeExtendedServer) -> None:
    async with connect(server.stream_url + BBO_PATH) as ws:
        await recv_frame(ws)
        await server.streams.wait_for_subscribers(1)

        server.faults.send_malformed_frame(StreamKind.BBO)
        await server.market.push_bbo("84001", "1", "84010", "2")
        raw = await asyncio.wait_for(ws.recv(), 2)

        with pytest.raises(json.JSONDecodeError):
            json.loads(raw)
        assert (await recv_frame(ws))["seq"] == 2


async def test_the_next_requests_can_be_answered_with_429(server: FakeExtendedServer, place_order: PlaceOrder) -> None:
    await place_order("warm-up")  # the SDK's one-off markets fetch is not what we are failing
    server.faults.fail_next_requests(2, route="POST /user/order")

    for attempt in range(2):
        with pytest.raises(ApiRateLimitError):
            await place_order(f"limited-{attempt}")
    await place_order("served")

    assert [o.external_id for o in server.resting_orders()] == ["warm-up", "served"]


async def test_the_next_request_can_be_answered_with_a_server_error(
    sdk_client: RestApiClient, server: FakeExtendedServer
) -> None:
    server.faults.fail_next_requests(status=503)

    with pytest.raises(ApiError, match="code 503"):
        await sdk_client.account.get_balance()
    assert (await sdk_client.account.get_balance()).data is not None


async def test_requests_are_counted_per_route(
    server: FakeExtendedServer, sdk_client: RestApiClient, place_order: PlaceOrder
) -> None:
    await place_order("bid-1")
    await place_order("bid-2", "83980")
    await sdk_client.orders.cancel_order_by_external_id("bid-1")

    assert server.requests.counts() == {"GET /info/markets": 1, "POST /user/order": 2, "DELETE /user/order": 1}
    assert server.requests.count("/user/order") == 3
    assert server.requests.max_in_window(60) == 4


async def test_a_configured_rate_limit_answers_429_beyond_it() -> None:
    async with (
        FakeExtendedServer.start(rate_limit_per_min=3) as server,
        RestApiClient(server.client_config(), server.stark_account()) as client,
    ):
        for _ in range(3):
            await client.account.get_balance()
        with pytest.raises(ApiRateLimitError):
            await client.account.get_balance()
