"""`ExtendedTradingGateway` through the real SDK against the fake server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from http import HTTPStatus

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    ExtendedRestSession,
    ExtendedTradingGateway,
    RequestBudgetSettings,
    RestSettings,
)
from mm.adapters.extended.account_reads import ExtendedAccountReads
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.instrument import Instrument
from mm.domain.orders import Balance, OrderRequest, OrderStatus
from mm.domain.side import Side
from mm.ports.errors import (
    AuthFailed,
    ExchangeUnavailable,
    InsufficientMargin,
    InvalidRequest,
    OrderNotFound,
    RateLimited,
)
from mm.testing.fake_extended import FakeExtendedServer
from tests.integration.extended.conftest import FAST_REST, SYMBOL, credentials_of, endpoints_of

pytestmark = pytest.mark.integration

PLACE = "POST /user/order"


def client_id(prefix: str = "mm") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def bid(price: str = "83990", size: str = "0.001", cid: str | None = None) -> OrderRequest:
    return OrderRequest(client_id("bid") if cid is None else cid, SYMBOL, Side.BUY, Decimal(price), Decimal(size))


def ask(price: str = "84020", size: str = "0.001") -> OrderRequest:
    return OrderRequest(client_id("ask"), SYMBOL, Side.SELL, Decimal(price), Decimal(size))


async def open_session(
    server: FakeExtendedServer, settings: RestSettings = FAST_REST, **options: object
) -> ExtendedRestSession:
    api_key = options.pop("api_key", None)
    timeout_s = options.pop("request_timeout_s", 2.0)
    return ExtendedRestSession(
        endpoints_of(server, request_timeout_s=float(timeout_s)),  # type: ignore[arg-type]
        credentials_of(server, api_key),  # type: ignore[arg-type]
        SystemClock(),
        PrometheusMetrics(),
        settings,
    )


@pytest.fixture
async def other_session(server: FakeExtendedServer) -> AsyncIterator[list[ExtendedRestSession]]:
    """Sessions a test opens with its own settings; all closed afterwards."""
    sessions: list[ExtendedRestSession] = []
    yield sessions
    for session in sessions:
        await session.aclose()


async def test_the_instrument_carries_the_markets_tick_step_and_minimum(gateway: ExtendedTradingGateway) -> None:
    assert await gateway.instrument(SYMBOL) == Instrument(SYMBOL, Decimal("1"), Decimal("0.00001"), Decimal("0.0001"))


async def test_a_placed_order_rests_post_only_under_its_client_order_id(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    request = bid()

    placed = await gateway.place_order(request)

    order = server.order(request.client_order_id)
    assert order is not None
    assert (placed.client_order_id, placed.exchange_order_id) == (request.client_order_id, str(order.id))
    assert (order.post_only, order.side, order.price, order.qty, order.status) == (
        True,
        "BUY",
        Decimal("83990"),
        Decimal("0.001"),
        "NEW",
    )


async def test_prices_round_away_from_the_touch_and_sizes_round_down_before_signing(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    buy, sell = bid("83990.7", "0.0012345"), ask("84020.2", "0.0019999")

    await gateway.place_order(buy)
    await gateway.place_order(sell)

    bought, sold = server.order(buy.client_order_id), server.order(sell.client_order_id)
    assert bought is not None
    assert sold is not None
    assert (bought.price, bought.qty) == (Decimal("83990"), Decimal("0.00123"))
    assert (sold.price, sold.qty) == (Decimal("84021"), Decimal("0.00199"))


async def test_a_size_below_the_minimum_after_rounding_is_refused_before_sending(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    with pytest.raises(InvalidRequest):
        await gateway.place_order(bid(size="0.000099"))

    assert server.requests.count(PLACE) == 0


async def test_placing_again_with_the_same_client_order_id_returns_the_same_order(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    request = bid()
    first = await gateway.place_order(request)

    again = await gateway.place_order(request)

    assert again == first
    assert len([o for o in server.orders() if o.external_id == request.client_order_id]) == 1


async def test_reusing_a_client_order_id_for_a_different_order_is_an_invalid_request(
    gateway: ExtendedTradingGateway,
) -> None:
    first = bid("83990")
    await gateway.place_order(first)

    with pytest.raises(InvalidRequest):
        await gateway.place_order(bid("83980", cid=first.client_order_id))


async def test_a_transient_server_error_is_retried_and_the_order_placed_once(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    server.faults.fail_next_requests(1, status=HTTPStatus.SERVICE_UNAVAILABLE, route=PLACE)
    request = bid()

    await gateway.place_order(request)

    assert server.requests.count(PLACE) == 2
    assert [o.external_id for o in server.resting_orders()] == [request.client_order_id]


async def test_a_lasting_server_error_is_exchange_unavailable_after_the_bounded_retries(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    server.faults.fail_next_requests(10, status=HTTPStatus.INTERNAL_SERVER_ERROR, route=PLACE)

    with pytest.raises(ExchangeUnavailable):
        await gateway.place_order(bid())

    assert server.requests.count(PLACE) == FAST_REST.max_attempts


async def test_a_replace_swaps_the_order_in_one_request(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    old = bid("83990")
    await gateway.place_order(old)
    new = bid("83995")

    placed = await gateway.replace_order(old.client_order_id, new)

    assert server.requests.count(PLACE) == 2
    assert [(o.external_id, o.price) for o in server.resting_orders()] == [(new.client_order_id, Decimal("83995"))]
    replaced = server.order(old.client_order_id)
    assert replaced is not None
    assert replaced.status == "CANCELLED"
    assert placed.client_order_id == new.client_order_id


async def test_replacing_an_order_the_venue_does_not_know_is_order_not_found(gateway: ExtendedTradingGateway) -> None:
    with pytest.raises(OrderNotFound):
        await gateway.replace_order("never-placed", bid())


async def test_cancel_by_client_order_id_cancels_that_order(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    keep, cancel = bid("83980"), bid("83990")
    for request in (keep, cancel):
        await gateway.place_order(request)

    await gateway.cancel_order(SYMBOL, cancel.client_order_id)

    assert [o.external_id for o in server.resting_orders()] == [keep.client_order_id]
    assert server.requests.count("DELETE /user/order") == 1


async def test_cancelling_an_unknown_order_is_order_not_found(gateway: ExtendedTradingGateway) -> None:
    with pytest.raises(OrderNotFound):
        await gateway.cancel_order(SYMBOL, "never-placed")


async def test_cancel_all_cancels_every_order_of_the_market_in_one_request(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    for request in (bid("83980"), bid("83990"), ask("84020")):
        await gateway.place_order(request)

    await gateway.cancel_all(SYMBOL)

    assert server.resting_orders() == []
    assert server.requests.count("POST /user/order/massCancel") == 1


async def test_open_orders_lists_our_resting_orders(gateway: ExtendedTradingGateway) -> None:
    request = bid("83985", "0.002")
    await gateway.place_order(request)

    [order] = await gateway.open_orders(SYMBOL)

    assert (order.client_order_id, order.side, order.price, order.size, order.status) == (
        request.client_order_id,
        Side.BUY,
        Decimal("83985"),
        Decimal("0.002"),
        OrderStatus.NEW,
    )


async def test_the_position_is_flat_without_fills_and_signed_after_one(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    assert (await gateway.position(SYMBOL)).size == 0
    await gateway.place_order(ask("84010.5", "0.003"))
    await server.market.push_trade("84011", "1", "BUY")

    position = await gateway.position(SYMBOL)

    assert (position.size, position.entry_price) == (Decimal("-0.003"), Decimal("84011"))


async def test_arming_the_dead_mans_switch_sets_its_countdown_and_zero_disarms(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    await gateway.arm_dead_man_switch(30)
    assert (server.dead_man_switch.is_armed, server.dead_man_switch.countdown_s) == (True, 30)

    await gateway.arm_dead_man_switch(0)
    assert not server.dead_man_switch.is_armed


async def test_an_expired_dead_mans_switch_cancels_our_orders(
    gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    await gateway.place_order(bid())

    await gateway.arm_dead_man_switch(1)
    await asyncio.sleep(1.3)

    assert server.resting_orders() == []


async def test_an_order_beyond_the_balance_is_insufficient_margin(gateway: ExtendedTradingGateway) -> None:
    with pytest.raises(InsufficientMargin) as raised:
        await gateway.place_order(bid("83000", "20"))

    assert raised.value.code == 1140


async def test_a_price_outside_the_venues_band_is_an_invalid_request(gateway: ExtendedTradingGateway) -> None:
    with pytest.raises(InvalidRequest):
        await gateway.place_order(ask("70000"))  # below mark·(1 − floor)


async def test_an_unknown_market_is_an_invalid_request(gateway: ExtendedTradingGateway) -> None:
    with pytest.raises(InvalidRequest):
        await gateway.place_order(OrderRequest(client_id(), "NOPE-USD", Side.BUY, Decimal(1), Decimal(1)))


async def test_a_refused_api_key_is_auth_failed(
    server: FakeExtendedServer, other_session: list[ExtendedRestSession]
) -> None:
    other_session.append(await open_session(server, api_key="wrong-key"))
    gateway = ExtendedTradingGateway(other_session[0])

    with pytest.raises(AuthFailed):
        await gateway.open_orders(SYMBOL)

    assert server.requests.count("GET /user/orders") == 1


async def test_a_429_is_rate_limited_and_the_budget_holds_back_the_next_routine_requests(
    server: FakeExtendedServer, other_session: list[ExtendedRestSession]
) -> None:
    budget = RequestBudgetSettings(
        max_requests=100, window_s=1.0, burst=10, max_wait_s=0.05, rate_limited_backoff_s=0.3
    )
    other_session.append(await open_session(server, FAST_REST.model_copy(update={"budget": budget})))
    reads = ExtendedAccountReads(other_session[0])
    server.faults.fail_next_requests(1, status=HTTPStatus.TOO_MANY_REQUESTS)

    with pytest.raises(RateLimited) as raised:
        await reads.balance()
    with pytest.raises(RateLimited):
        await reads.balance()
    sent_during_backoff = server.requests.count()
    await asyncio.sleep(0.4)
    await reads.balance()

    assert raised.value.retry_after_s is not None
    assert raised.value.retry_after_s > 0
    assert sent_during_backoff == 1
    assert server.requests.count() == 2


async def test_a_network_failure_is_exchange_unavailable(
    server: FakeExtendedServer, other_session: list[ExtendedRestSession]
) -> None:
    session = await open_session(server)
    other_session.append(session)
    gateway = ExtendedTradingGateway(session)
    await server.close()

    with pytest.raises(ExchangeUnavailable):
        await gateway.open_orders(SYMBOL)


async def test_a_request_without_an_answer_times_out_as_exchange_unavailable(
    other_session: list[ExtendedRestSession], server: FakeExtendedServer
) -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)
        writer.close()

    black_hole = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = black_hole.sockets[0].getsockname()[1]
    settings = FAST_REST.model_copy(update={"max_attempts": 1})
    session = ExtendedRestSession(
        endpoints_of(server, request_timeout_s=0.3).model_copy(update={"api_url": f"http://127.0.0.1:{port}/api/v1"}),
        credentials_of(server),
        SystemClock(),
        PrometheusMetrics(),
        settings,
    )
    other_session.append(session)

    with pytest.raises(ExchangeUnavailable):
        await ExtendedTradingGateway(session).open_orders(SYMBOL)
    black_hole.close()


@pytest.mark.parametrize("max_wait_s", [5.0, 0.0])
async def test_the_routine_request_budget_is_never_exceeded_at_the_server(
    server: FakeExtendedServer, other_session: list[ExtendedRestSession], max_wait_s: float
) -> None:
    # A venue allowing 20 requests per 0.5 s, and a budget 10% under it, as the defaults are (950 of 1,000 a
    # minute): the margin absorbs the jitter between our send and the venue's arrival clock.
    venue_limit = 20
    budget = RequestBudgetSettings(max_requests=18, window_s=0.5, burst=5, max_wait_s=max_wait_s)
    other_session.append(await open_session(server, FAST_REST.model_copy(update={"budget": budget, "max_attempts": 1})))
    reads = ExtendedAccountReads(other_session[0])

    results = await asyncio.gather(*(reads.balance() for _ in range(60)), return_exceptions=True)

    refused = [r for r in results if isinstance(r, RateLimited)]
    assert all(isinstance(r, (Balance, RateLimited)) for r in results)
    assert server.requests.count() == 60 - len(refused)
    assert server.requests.max_in_window(0.5) <= venue_limit
    assert (len(refused) == 0) == (max_wait_s > 0)
