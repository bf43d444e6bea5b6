"""`ExtendedAccountStream` replays, from `/user/trades`, the fills its private stream missed; each once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from mm.adapters.extended import (
    AccountStreamSettings,
    ExtendedAccountStream,
    ExtendedRestSession,
    ExtendedTradingGateway,
)
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.domain.orders import AccountResynced, FillEvent, OrderRequest, OrderStatus, OrderUpdate
from mm.domain.side import Side
from mm.testing.fake_extended import FakeExtendedServer, StreamKind
from tests.integration.extended.conftest import FAST_STREAMS, SYMBOL, EventCollector

pytestmark = pytest.mark.integration

RESYNC_ON_RECONNECT_ONLY = AccountStreamSettings(resync_interval_s=60.0, stream=FAST_STREAMS)
FAST_RESYNC = AccountStreamSettings(resync_interval_s=0.2, stream=FAST_STREAMS)

Start = Callable[[AccountStreamSettings], EventCollector]


def bid(price: str = "83990", size: str = "0.001") -> OrderRequest:
    return OrderRequest(f"bid-{uuid.uuid4().hex[:10]}", SYMBOL, Side.BUY, Decimal(price), Decimal(size))


def count(metrics: PrometheusMetrics, name: str, **labels: str) -> int:
    return int(metrics.value(name, **labels) or 0)


def replays(metrics: PrometheusMetrics, outcome: str = "ok") -> int:
    return count(metrics, "extended_fill_replays_total", outcome=outcome)


async def after_more_replays(events: EventCollector, metrics: PrometheusMetrics, more: int) -> None:
    """Wait for `more` fill replays, and until the collector holds what the last one emitted."""
    target = replays(metrics) + more
    await events.wait_until(lambda: replays(metrics) >= target, what=f"{more} more fill replays")
    resyncs = len(events.of(AccountResynced))
    # The next pass's AccountResynced is queued behind whatever the last replay emitted.
    await events.wait_until(lambda: len(events.of(AccountResynced)) > resyncs, what="the next resync")


@pytest.fixture
async def start(session: ExtendedRestSession) -> AsyncIterator[Start]:
    """Start an account stream on the shared session; it is read into a collector."""
    running: list[tuple[ExtendedAccountStream, EventCollector]] = []

    def begin(settings: AccountStreamSettings) -> EventCollector:
        stream = ExtendedAccountStream(session, settings)
        collector = EventCollector(stream.events([SYMBOL]))
        running.append((stream, collector))
        return collector

    yield begin
    for stream, collector in running:
        await stream.aclose()
        await collector.stop()


async def resting(events: EventCollector, gateway: ExtendedTradingGateway, *requests: OrderRequest) -> None:
    """Place `requests` after the first re-sync; wait until the stream has shown each (so it is live)."""
    await events.wait_for(AccountResynced)
    for request in requests:
        await gateway.place_order(request)
    await events.wait_until(
        lambda: {u.order.client_order_id for u in events.of(OrderUpdate)} >= {r.client_order_id for r in requests},
        what="the orders on the stream",
    )


def fill_while_down(server: FakeExtendedServer, price: str) -> None:
    """Cut the account stream and print a trade before it can reconnect: its frames are lost."""
    assert server.faults.drop_streams(StreamKind.ACCOUNT) == 1
    server.market.apply_trade(price, "1", "SELL")  # synchronous: no reconnect can slip in between


async def test_a_fill_made_while_the_stream_was_down_arrives_after_the_reconnect(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    events = start(RESYNC_ON_RECONNECT_ONLY)
    request = bid("83990", "0.002")
    await resting(events, gateway, request)

    fill_while_down(server, "83990")

    [event] = await events.wait_for(FillEvent)
    fill = event.fill
    assert (fill.client_order_id, fill.side, fill.price, fill.size, fill.is_taker) == (
        request.client_order_id,
        Side.BUY,
        Decimal("83990"),
        Decimal("0.002"),
        False,
    )


async def test_a_replayed_fill_follows_the_resync_that_reports_its_order_filled(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer
) -> None:
    events = start(RESYNC_ON_RECONNECT_ONLY)
    request = bid()
    await resting(events, gateway, request)

    fill_while_down(server, "83990")

    await events.wait_for(FillEvent)
    kinds = [type(e) for e in events.items if isinstance(e, OrderUpdate | AccountResynced | FillEvent)][-3:]
    assert kinds == [OrderUpdate, AccountResynced, FillEvent]
    assert events.of(OrderUpdate)[-1].order.status is OrderStatus.FILLED


async def test_a_replayed_fill_is_not_emitted_again_by_later_resyncs(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    events = start(FAST_RESYNC)
    await resting(events, gateway, bid())
    fill_while_down(server, "83990")
    await events.wait_for(FillEvent)

    await after_more_replays(events, metrics, 3)

    assert len(events.of(FillEvent)) == 1


async def test_a_fill_seen_on_the_stream_is_not_emitted_again_by_the_resync(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    events = start(FAST_RESYNC)
    await resting(events, gateway, bid())

    await server.market.push_trade("83990", "1", "SELL")

    await events.wait_for(FillEvent)
    await after_more_replays(events, metrics, 3)
    assert len(events.of(FillEvent)) == 1


async def test_missed_fills_across_pages_arrive_oldest_first(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    events = start(RESYNC_ON_RECONNECT_ONLY.model_copy(update={"fill_page_size": 2}))
    requests = [bid("83990"), bid("83985"), bid("83980")]
    await resting(events, gateway, *requests)
    pages_before = count(metrics, "extended_rest_requests_total", operation="trades")

    fill_while_down(server, "83980")

    fills = [e.fill for e in await events.wait_for(FillEvent, 3)]
    assert [f.client_order_id for f in fills] == [r.client_order_id for r in requests]
    assert [int(f.fill_id) for f in fills] == sorted(int(f.fill_id) for f in fills)
    assert count(metrics, "extended_rest_requests_total", operation="trades") - pages_before == 2


async def test_a_replay_cut_short_by_the_page_limit_emits_the_newest_fills_and_is_counted(
    start: Start, gateway: ExtendedTradingGateway, server: FakeExtendedServer, metrics: PrometheusMetrics
) -> None:
    events = start(RESYNC_ON_RECONNECT_ONLY.model_copy(update={"fill_page_size": 1, "fill_max_pages": 1}))
    older, newer = bid("83990"), bid("83985")
    await resting(events, gateway, older, newer)

    fill_while_down(server, "83985")

    [event] = await events.wait_for(FillEvent)
    assert event.fill.client_order_id == newer.client_order_id
    assert replays(metrics, "truncated") == 1


async def test_each_periodic_resync_reads_our_trades_with_one_request(start: Start, metrics: PrometheusMetrics) -> None:
    events = start(FAST_RESYNC)

    await events.wait_until(lambda: replays(metrics) >= 5, what="five fill replays")

    requests = count(metrics, "extended_rest_requests_total", operation="trades")
    assert replays(metrics) <= requests <= replays(metrics) + 1  # one may be in flight
