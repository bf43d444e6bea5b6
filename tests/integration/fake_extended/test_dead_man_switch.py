"""The dead man's switch really cancels our orders when its countdown runs out."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from mm.testing.fake_extended import FakeExtendedServer, OrderStatus

from .conftest import PlaceOrder

pytestmark = pytest.mark.integration


async def arm(server: FakeExtendedServer, countdown_s: int) -> int:
    """`POST /user/deadmanswitch` has no SDK helper; returns the HTTP status."""
    async with aiohttp.ClientSession() as http:
        response = await http.post(
            f"{server.rest_url}/user/deadmanswitch",
            params={"countdownTime": str(countdown_s)},
            headers={"X-Api-Key": server.api_key},
        )
        return response.status


async def test_the_switch_cancels_every_order_when_the_countdown_runs_out(
    server: FakeExtendedServer, place_order: PlaceOrder
) -> None:
    await place_order("bid-1")
    assert await arm(server, 1) == 200

    await asyncio.sleep(1.3)

    assert server.resting_orders() == []
    assert server.orders()[0].status is OrderStatus.CANCELLED
    assert server.dead_man_switch.expiry_count == 1
    assert not server.dead_man_switch.is_armed


async def test_a_zero_countdown_disarms_the_switch(server: FakeExtendedServer, place_order: PlaceOrder) -> None:
    await place_order("bid-1")
    await arm(server, 1)

    await arm(server, 0)
    await asyncio.sleep(1.3)

    assert len(server.resting_orders()) == 1
    assert not server.dead_man_switch.is_armed


async def test_arming_again_restarts_the_countdown(server: FakeExtendedServer) -> None:
    await arm(server, 1)
    first_deadline_ms = server.dead_man_switch.deadline_ms or 0
    await arm(server, 60)

    assert (server.dead_man_switch.deadline_ms or 0) - first_deadline_ms >= 58_000


async def test_a_negative_countdown_is_a_bad_request(server: FakeExtendedServer) -> None:
    assert await arm(server, -1) == 400
