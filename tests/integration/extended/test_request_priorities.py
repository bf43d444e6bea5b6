"""Risk-reducing requests against the fake server: never behind quoting's back-off, retried as soon as the venue allows."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from http import HTTPStatus

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import ExtendedRestSession, ExtendedTradingGateway, RequestBudgetSettings, RestSettings
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.orders import OrderRequest
from mm.domain.side import Side
from mm.ports.errors import OrderRejected, RateLimited
from mm.testing.fake_extended import FakeExtendedServer
from tests.integration.extended.conftest import FAST_REST, SYMBOL, credentials_of, endpoints_of

pytestmark = pytest.mark.integration

PLACE = "POST /user/order"
MASS_CANCEL = "POST /user/order/massCancel"
SWITCH = "POST /user/deadmanswitch"
BACKOFF_S = 2.0
SLACK_S = 0.15


def bid(price: str = "83990") -> OrderRequest:
    return OrderRequest(f"bid-{uuid.uuid4().hex[:12]}", SYMBOL, Side.BUY, Decimal(price), Decimal("0.001"))


def with_budget(**budget: float) -> RestSettings:
    values = {"max_requests": 600, "window_s": 60.0, "burst": 100, "rate_limited_backoff_s": BACKOFF_S, **budget}
    return FAST_REST.model_copy(update={"budget": RequestBudgetSettings(**values)})  # type: ignore[arg-type]


@pytest.fixture
def rest_settings() -> RestSettings:
    return with_budget()


@pytest.fixture
async def session(server: FakeExtendedServer, rest_settings: RestSettings) -> AsyncIterator[ExtendedRestSession]:
    rest = ExtendedRestSession(
        endpoints_of(server), credentials_of(server), SystemClock(), PrometheusMetrics(), rest_settings
    )
    try:
        yield rest
    finally:
        await rest.aclose()


def attempts_ts_s(server: FakeExtendedServer, route: str) -> list[float]:
    return [entry.ts_ms / 1000 for entry in server.requests.entries if entry.route == route]


async def test_after_a_429_on_quoting_a_cancel_all_still_goes_out_at_once_and_empties_the_book(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    await gateway.place_order(bid())
    server.faults.fail_next_requests(1, route=PLACE)
    with pytest.raises(RateLimited):
        await gateway.place_order(bid("83980"))
    places_before = server.requests.count(PLACE)

    await gateway.cancel_all(SYMBOL)
    with pytest.raises(RateLimited):
        await gateway.place_order(bid("83970"))

    assert server.resting_orders(SYMBOL) == []
    assert server.requests.count(PLACE) == places_before  # quoting still backs off


async def test_after_a_429_on_quoting_the_reads_that_confirm_flatness_still_go_out(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    server.faults.fail_next_requests(1, route=PLACE)
    with pytest.raises(RateLimited):
        await gateway.place_order(bid())

    assert await gateway.open_orders(SYMBOL) == []
    assert (await gateway.position(SYMBOL)).size == 0


async def test_after_a_429_on_quoting_the_dead_mans_switch_is_still_refreshed(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    server.faults.fail_next_requests(1, route=PLACE)
    with pytest.raises(RateLimited):
        await gateway.place_order(bid())

    await gateway.arm_dead_man_switch(30)

    assert server.dead_man_switch.countdown_s == 30


async def test_a_429_on_a_cancel_all_is_retried_when_the_venues_retry_after_ends(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    await gateway.place_order(bid())
    server.faults.fail_next_requests(2, route=MASS_CANCEL, retry_after_s=0.4)

    await gateway.cancel_all(SYMBOL)

    first, second, third = attempts_ts_s(server, MASS_CANCEL)
    assert 0.4 <= second - first <= 0.4 + SLACK_S
    assert 0.4 <= third - second <= 0.4 + SLACK_S
    assert server.resting_orders(SYMBOL) == []


async def test_a_429_without_retry_after_on_a_cancel_all_is_retried_at_the_documented_limits_pace(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer, rest_settings: RestSettings
) -> None:
    await gateway.place_order(bid())
    server.faults.fail_next_requests(2, route=MASS_CANCEL)

    await gateway.cancel_all(SYMBOL)

    first, second, third = attempts_ts_s(server, MASS_CANCEL)
    budget = rest_settings.budget
    spacing_s = budget.window_s / (budget.max_requests + budget.reserved_requests)
    assert spacing_s <= second - first <= spacing_s + SLACK_S < BACKOFF_S
    assert spacing_s <= third - second <= spacing_s + SLACK_S
    assert server.resting_orders(SYMBOL) == []


async def test_a_refused_refresh_of_the_dead_mans_switch_is_retried_before_the_switch_lapses(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    await gateway.arm_dead_man_switch(3)
    server.faults.fail_next_requests(6, status=HTTPStatus.SERVICE_UNAVAILABLE, route=SWITCH)  # two calls' attempts

    await gateway.arm_dead_man_switch(3)

    assert server.faults.pending_rest_failures == 0
    assert server.dead_man_switch.is_armed
    assert server.dead_man_switch.expiry_count == 0


@pytest.mark.parametrize("rest_settings", [with_budget(max_requests=23, burst=3, max_wait_s=5.0)])
async def test_a_placement_still_waiting_for_budget_when_a_cancel_all_goes_out_is_never_sent(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    await gateway.place_order(bid())  # markets, fees and the order: the burst; the next routine request waits 3 s
    waiting = asyncio.create_task(gateway.place_order(bid("83980")))
    await asyncio.sleep(0.1)

    await gateway.cancel_all(SYMBOL)

    with pytest.raises(OrderRejected):
        await waiting
    assert server.requests.count(PLACE) == 1
    assert server.resting_orders(SYMBOL) == []
