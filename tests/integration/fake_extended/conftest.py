"""Fixtures for the fake Extended server's own tests: a started server and the real SDK on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from x10.clients.rest import RestApiClient
from x10.models.order import OrderSide, PlacedOrderModel

from mm.testing.fake_extended import FakeExtendedServer

from .stream_reading import recv_frames

PlaceOrder = Callable[..., Awaitable[PlacedOrderModel]]


@pytest.fixture
async def server() -> AsyncIterator[FakeExtendedServer]:
    async with FakeExtendedServer.start() as running:
        await running.market.push_bbo("84000", "1.5", "84010", "2")
        yield running


@pytest.fixture
async def sdk_client(server: FakeExtendedServer) -> AsyncIterator[RestApiClient]:
    """The SDK's REST client, signing with the account the server knows."""
    client = RestApiClient(server.client_config(), server.stark_account())
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def place_order(sdk_client: RestApiClient) -> PlaceOrder:
    """Place a signed order through the SDK; post-only BTC-USD bid of 0.001 unless told otherwise."""

    async def place(
        external_id: str, price: str = "83990", *, side: OrderSide = OrderSide.BUY, **options: Any
    ) -> PlacedOrderModel:
        options.setdefault("post_only", True)
        response = await sdk_client.place_order(
            options.pop("market_name", "BTC-USD"),
            Decimal(options.pop("qty", "0.001")),
            Decimal(price),
            side,
            Decimal(options.pop("taker_fee", "0.00025")),
            external_id=external_id,
            **options,
        )
        assert response.data is not None
        return response.data

    return place


@pytest.fixture
async def account_stream(server: FakeExtendedServer) -> AsyncIterator[ClientConnection]:
    """The private stream, with its three initial-state frames already read."""
    async with connect(server.stream_url + "/account", additional_headers={"X-Api-Key": server.api_key}) as ws:
        await recv_frames(ws, 3)
        yield ws
