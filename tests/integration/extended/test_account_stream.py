"""`ExtendedAccountStream` against the fake server: stream events, rejections, REST re-sync."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from mm.adapters.clock import SystemClock
from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedRestSession,
    ExtendedTradingGateway,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.orders import (
    AccountResynced,
    AccountStreamGap,
    BalanceUpdate,
    FillEvent,
    OrderRequest,
    OrderStatus,
    OrderUpdate,
    PositionUpdate,
    RejectReason,
)
from mm.domain.side import Side
from mm.ports.errors import AuthFailed
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.integration.extended.conftest import (
    FAST_REST,
    FAST_STREAMS,
    SYMBOL,
    EventCollector,
    credentials_of,
    endpoints_of,
)

pytestmark = pytest.mark.integration

SLOW_RESYNC = AccountStreamSettings(resync_interval_s=60.0, stream=FAST_STREAMS)
FAST_RESYNC = AccountStreamSettings(resync_interval_s=0.2, stream=FAST_STREAMS)

Start = Callable[..., EventCollector]


def bid(price: str = "83990", size: str = "0.001") -> OrderRequest:
    return OrderRequest(f"bid-{uuid.uuid4().hex[:10]}", SYMBOL, Side.BUY, Decimal(price), Decimal(size))


@pytest.fixture
async def start(session: ExtendedRestSession) -> AsyncIterator[Start]:
    """Start an account stream on the shared session; it is read into a collector."""
    running: list[tuple[ExtendedAccountStream, EventCollector]] = []

    def begin(settings: AccountStreamSettings = SLOW_RESYNC, on: ExtendedRestSession = session) -> EventCollector:
        stream = ExtendedAccountStream(on, settings)
        collector = EventCollector(stream.events([SYMBOL]))
        running.append((stream, collector))
        return collector

    yield begin
    for stream, collector in running:
        await stream.aclose()
        await collector.stop()


async def test_the_first_resync_reports_the_venues_view(start: Start) -> None:
    events = start()

    [resynced] = await events.wait_for(AccountResynced)

    assert (resynced.symbol, resynced.open_orders, resynced.position.size) == (SYMBOL, (), Decimal(0))
    assert events.of(BalanceUpdate)


async def test_a_resting_order_arrives_as_a_new_order_update(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    events = start()
    await events.wait_for(AccountResynced)
    request = bid()

    await gateway.place_order(request)

    [update] = await events.wait_for(OrderUpdate, 1)
    assert (update.order.client_order_id, update.order.status, update.order.price) == (
        request.client_order_id,
        OrderStatus.NEW,
        Decimal("83990"),
    )
    assert '"type":"ORDER"' in update.raw


async def test_a_crossing_post_only_order_is_rejected_as_would_cross(
    start: Start, gateway: ExtendedTradingGateway
) -> None:
    events = start()
    await events.wait_for(AccountResynced)
    request = bid("84010")  # at the ask

    await gateway.place_order(request)

    [update] = await events.wait_for(OrderUpdate, 1)
    assert (update.order.client_order_id, update.order.status, update.order.reason) == (
        request.client_order_id,
        OrderStatus.REJECTED,
        RejectReason.POST_ONLY_WOULD_CROSS,
    )


async def test_a_fill_arrives_with_its_client_order_id_position_and_balance(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    events = start()
    await events.wait_for(AccountResynced)
    request = bid("84000", "0.002")
    await gateway.place_order(request)

    await server.market.push_trade("84000", "1", "SELL")

    [fill] = await events.wait_for(FillEvent)
    assert (fill.fill.client_order_id, fill.fill.side, fill.fill.price, fill.fill.size, fill.fill.is_taker) == (
        request.client_order_id,
        Side.BUY,
        Decimal("84000"),
        Decimal("0.002"),
        False,
    )
    await events.wait_until(lambda: any(p.position.size == Decimal("0.002") for p in events.of(PositionUpdate)))
    await events.wait_for(OrderUpdate, 2)
    assert events.of(OrderUpdate)[-1].order.status is OrderStatus.FILLED


async def test_a_cancel_arrives_as_a_cancelled_order_update(start: Start, gateway: ExtendedTradingGateway) -> None:
    events = start()
    await events.wait_for(AccountResynced)
    request = bid()
    await gateway.place_order(request)

    await gateway.cancel_order(SYMBOL, request.client_order_id)

    [_, cancelled] = await events.wait_for(OrderUpdate, 2)
    assert (cancelled.order.status, cancelled.order.reason) == (OrderStatus.CANCELLED, RejectReason.NONE)


async def test_the_periodic_resync_reports_an_order_the_stream_missed(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    events = start(FAST_RESYNC)
    await events.wait_for(AccountResynced)
    server.faults.stall_streams(StreamKind.ACCOUNT)  # the ORDER frame never goes out
    request = bid()

    await gateway.place_order(request)

    [update] = await events.wait_for(OrderUpdate, 1)
    assert (update.order.client_order_id, update.order.status) == (request.client_order_id, OrderStatus.NEW)
    [resynced] = [r for r in events.of(AccountResynced) if r.open_orders][:1]
    assert [o.client_order_id for o in resynced.open_orders] == [request.client_order_id]
    assert metrics.value("extended_account_resync_corrections_total", kind="OrderUpdate") == 1


async def test_an_order_that_ended_while_unseen_is_reported_in_its_final_state(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    events = start(FAST_RESYNC)
    request = bid()
    await gateway.place_order(request)
    await events.wait_for(OrderUpdate, 1)
    server.faults.stall_streams(StreamKind.ACCOUNT)

    await server.market.push_trade("83990", "1", "SELL")  # fills it; the frames are lost

    await events.wait_for(OrderUpdate, 2)
    assert events.of(OrderUpdate)[-1].order.status is OrderStatus.FILLED
    await events.wait_until(lambda: any(p.position.size == Decimal("0.001") for p in events.of(PositionUpdate)))


async def test_a_dropped_stream_is_reported_and_followed_by_a_resync(start: Start, server: FakeExtendedServer) -> None:
    events = start()
    await events.wait_for(AccountResynced)
    await server.streams.wait_for_subscribers(1, StreamKind.ACCOUNT)

    server.faults.drop_streams(StreamKind.ACCOUNT)

    [gap] = await events.wait_for(AccountStreamGap)
    await events.wait_for(AccountResynced, 2)
    assert gap.detail.startswith("disconnected")
    assert server.streams.connections_opened[StreamKind.ACCOUNT] == 2


async def test_a_refused_api_key_ends_the_stream_with_auth_failed(start: Start, server: FakeExtendedServer) -> None:
    bad = ExtendedRestSession(
        endpoints_of(server), credentials_of(server, "wrong-key"), SystemClock(), PrometheusMetrics(), FAST_REST
    )
    events = start(SLOW_RESYNC, bad)

    await events.wait_until(lambda: events.is_done, what="the stream to fail")

    assert isinstance(events.error, AuthFailed)
    await bad.aclose()


async def test_an_idle_account_stream_is_not_an_outage(start: Start, server: FakeExtendedServer) -> None:
    impatient = AccountStreamSettings(
        resync_interval_s=60.0, stream=FAST_STREAMS.model_copy(update={"heartbeat_timeout_s": 0.1})
    )
    events = start(impatient)
    await events.wait_for(AccountResynced)

    await asyncio.sleep(0.4)

    assert events.of(AccountStreamGap) == []
    assert server.streams.connections_opened[StreamKind.ACCOUNT] == 1
