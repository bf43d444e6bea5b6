"""What every `AccountStream` must do, whichever venue is behind it.

Subclasses provide `stream` (fresh per test), `new_stream` (makes another stream on the same venue and account, as
a restarted executor does), `gateway` (a `TradingGateway` on the same venue and account) and `source` (an
`AccountSource`). Capability flags, overridable fixtures:
- `resyncs_from_the_venue`: the stream reads the venue's view of orders and position when it starts and after an
  outage, and reports it as `AccountResynced` (Extended, whose stream can miss frames); a simulated venue's
  stream misses nothing.
- `reports_outages`: the stream has a connection to lose, and reports its loss as `AccountStreamGap`.
"""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from decimal import Decimal

import pytest

from mm.domain.fill_history_mark import FillHistoryMark
from mm.domain.instrument import Instrument
from mm.domain.orders import (
    AccountResynced,
    AccountStreamGap,
    FillEvent,
    OrderRequest,
    OrderStatus,
    OrderUpdate,
    PositionUpdate,
)
from mm.domain.side import Side
from mm.ports.account_stream import AccountStream
from mm.ports.trading_gateway import TradingGateway
from tests.contract.account_stream.account_source import AccountSource
from tests.integration.extended.conftest import EventCollector

FillNextBid = Callable[[], Awaitable[str]]
"""Place the next bid (a new client order id) and fill it; the order's venue id."""

Restart = Callable[[FillHistoryMark], Awaitable[EventCollector]]
"""Start a new stream on the venue from a mark of the record, as a restarted executor does; its events."""


def a_mark(*recorded: FillEvent, lookback_ms: int = 0) -> FillHistoryMark:
    mark = FillHistoryMark.of(((e.fill.fill_id, e.fill.ts_ms) for e in recorded), lookback_ms)
    assert mark is not None
    return mark


async def fill_a_bid(
    gateway: TradingGateway, source: AccountSource, instrument: Instrument, bid: OrderRequest, client_order_id: str
) -> str:
    """`bid` again under a new client order id, resting, then filled whole by a public sell through it; its venue id.

    Orders are told apart by the venue's id: a fill read back from the venue's trade history may lack the client's.
    """
    request = dataclasses.replace(bid, client_order_id=client_order_id)
    placed = await gateway.place_order(request)
    await source.settle()
    await source.print_trade(request.price - instrument.tick_size, Decimal(1), Side.SELL)
    await source.settle()
    return placed.exchange_order_id


def orders_of(fills: list[FillEvent]) -> list[str]:
    return [event.fill.exchange_order_id for event in fills]


class AccountStreamContract:
    """Subclasses provide `stream`, `new_stream`, `gateway` and `source` fixtures."""

    @pytest.fixture
    def resyncs_from_the_venue(self) -> bool:
        return False

    @pytest.fixture
    def reports_outages(self) -> bool:
        return False

    @pytest.fixture
    def client_ids(self) -> Iterator[str]:
        prefix = f"as-{uuid.uuid4().hex[:10]}"
        return (f"{prefix}-{n}" for n in itertools.count(1))

    @pytest.fixture
    async def instrument(self, gateway: TradingGateway, source: AccountSource) -> Instrument:
        return await gateway.instrument(source.symbol)

    @pytest.fixture
    async def bid(self, instrument: Instrument, source: AccountSource, client_ids: Iterator[str]) -> OrderRequest:
        """A post-only bid two ticks under a fresh book, not yet sent."""
        best_bid = instrument.round_price(source.reference_price, Side.BUY)
        await source.set_book(best_bid, best_bid + 10 * instrument.tick_size)
        price = best_bid - 2 * instrument.tick_size
        return OrderRequest(next(client_ids), source.symbol, Side.BUY, price, instrument.min_order_size)

    @pytest.fixture
    async def filled_bid(
        self,
        events: EventCollector,
        gateway: TradingGateway,
        source: AccountSource,
        instrument: Instrument,
        bid: OrderRequest,
    ) -> OrderRequest:
        """`bid`, resting, then filled whole by a public sell one tick through it."""
        await gateway.place_order(bid)
        await source.settle()
        await source.print_trade(bid.price - instrument.tick_size, Decimal(1), Side.SELL)
        await source.settle()
        return bid

    @pytest.fixture
    async def restart(self, new_stream: Callable[[], AccountStream], source: AccountSource) -> AsyncIterator[Restart]:
        started: list[tuple[AccountStream, EventCollector]] = []

        async def start(mark: FillHistoryMark) -> EventCollector:
            stream = new_stream()
            collector = EventCollector(stream.events([source.symbol], recorded_until=mark))
            started.append((stream, collector))
            await source.wait_until_listening()
            return collector

        yield start
        for stream, collector in started:
            await stream.aclose()
            await collector.stop()

    @pytest.fixture
    def fill_next_bid(
        self, gateway: TradingGateway, source: AccountSource, instrument: Instrument, bid: OrderRequest
    ) -> FillNextBid:
        ids = (f"{bid.client_order_id}-{n}" for n in itertools.count(1))
        return lambda: fill_a_bid(gateway, source, instrument, bid, next(ids))

    @pytest.fixture
    async def first_run_fills(
        self, stream: AccountStream, events: EventCollector, source: AccountSource, fill_next_bid: FillNextBid
    ) -> list[FillEvent]:
        """Two fills a first stream delivered before it was closed and the venue stopped delivering to it."""
        for _ in range(2):
            await fill_next_bid()
        fills = await events.wait_for(FillEvent, 2)
        await stream.aclose()
        await events.stop()
        await source.wait_until_not_listening()
        return fills

    @pytest.fixture
    async def events(self, stream: AccountStream, source: AccountSource) -> AsyncIterator[EventCollector]:
        """The stream's events for `source.symbol`, read in the background."""
        collector = EventCollector(stream.events([source.symbol]))
        await source.wait_until_listening()
        yield collector
        await stream.aclose()
        await collector.stop()

    async def test_a_resting_order_arrives_as_a_new_order_update(
        self, events: EventCollector, gateway: TradingGateway, source: AccountSource, bid: OrderRequest
    ) -> None:
        await gateway.place_order(bid)
        await source.settle()
        [update] = await events.wait_for(OrderUpdate)
        assert (update.order.client_order_id, update.order.status, update.order.price) == (
            bid.client_order_id,
            OrderStatus.NEW,
            bid.price,
        )

    async def test_a_cancelled_order_arrives_as_a_cancelled_order_update(
        self, events: EventCollector, gateway: TradingGateway, source: AccountSource, bid: OrderRequest
    ) -> None:
        await gateway.place_order(bid)
        await source.settle()
        await gateway.cancel_order(source.symbol, bid.client_order_id)
        await source.settle()
        await events.wait_for(OrderUpdate, 2)
        assert events.of(OrderUpdate)[-1].order.status is OrderStatus.CANCELLED

    async def test_a_fill_of_our_order_arrives_with_its_client_order_id_side_and_size(
        self, events: EventCollector, source: AccountSource, filled_bid: OrderRequest
    ) -> None:
        [fill] = await events.wait_for(FillEvent)
        assert (fill.fill.client_order_id, fill.fill.side, fill.fill.size, fill.fill.is_taker) == (
            filled_bid.client_order_id,
            Side.BUY,
            filled_bid.size,
            False,
        )

    async def test_a_fill_moves_the_position(self, events: EventCollector, filled_bid: OrderRequest) -> None:
        await events.wait_until(
            lambda: any(p.position.size == filled_bid.size for p in events.of(PositionUpdate)), what="the position"
        )
        assert events.of(PositionUpdate)[-1].position.symbol == filled_bid.symbol

    async def test_a_filled_order_ends_as_filled(self, events: EventCollector, filled_bid: OrderRequest) -> None:
        await events.wait_until(
            lambda: any(u.order.status is OrderStatus.FILLED for u in events.of(OrderUpdate)), what="the filled order"
        )
        assert events.of(OrderUpdate)[-1].order.client_order_id == filled_bid.client_order_id

    async def test_order_updates_of_a_market_not_asked_for_are_not_delivered(
        self, stream: AccountStream, gateway: TradingGateway, source: AccountSource, bid: OrderRequest
    ) -> None:
        others = EventCollector(stream.events([source.other_symbol]))
        await source.wait_until_listening()
        await gateway.place_order(bid)
        await source.settle()
        await stream.aclose()
        await others.stop()
        assert [e for e in others.items if isinstance(e, OrderUpdate) and e.order.symbol == source.symbol] == []

    async def test_closing_the_stream_ends_a_running_iteration(
        self, stream: AccountStream, events: EventCollector
    ) -> None:
        await stream.aclose()
        await events.wait_until(lambda: events.is_done, what="the end of the events")
        assert events.error is None

    async def test_a_second_iteration_of_a_running_stream_raises_runtime_error(
        self, stream: AccountStream, events: EventCollector, source: AccountSource
    ) -> None:
        second = stream.events([source.symbol])
        with pytest.raises(RuntimeError):
            await anext(second)

    async def test_the_venues_view_is_reported_when_the_stream_starts(
        self, events: EventCollector, source: AccountSource, resyncs_from_the_venue: bool
    ) -> None:
        if not resyncs_from_the_venue:
            pytest.skip("this stream misses nothing, so it never re-reads the venue")
        [resynced] = await events.wait_for(AccountResynced)
        assert (resynced.symbol, resynced.open_orders, resynced.position.size) == (source.symbol, (), Decimal(0))

    async def test_a_lost_connection_is_reported_as_a_gap_then_a_resync(
        self, events: EventCollector, source: AccountSource, reports_outages: bool
    ) -> None:
        if not reports_outages:
            pytest.skip("this stream has no connection to lose")
        await events.wait_for(AccountResynced)
        await source.interrupt()
        [gap] = await events.wait_for(AccountStreamGap)
        [*_, resynced] = await events.wait_for(AccountResynced, 2)
        assert events.items.index(gap) < events.items.index(resynced)

    async def test_a_fill_made_while_no_one_listened_comes_after_a_restart_from_the_mark(
        self,
        first_run_fills: list[FillEvent],
        restart: Restart,
        fill_next_bid: FillNextBid,
    ) -> None:
        missed = await fill_next_bid()
        restarted = await restart(a_mark(*first_run_fills))
        fills = await restarted.wait_for(FillEvent)
        assert orders_of(fills) == [missed]

    async def test_fills_made_while_no_one_listened_come_oldest_first(
        self,
        first_run_fills: list[FillEvent],
        restart: Restart,
        fill_next_bid: FillNextBid,
    ) -> None:
        missed = [await fill_next_bid() for _ in range(3)]
        restarted = await restart(a_mark(*first_run_fills))
        fills = await restarted.wait_for(FillEvent, 3)
        assert orders_of(fills) == missed

    async def test_a_replayed_fill_comes_once_and_live_fills_follow_it(
        self,
        first_run_fills: list[FillEvent],
        restart: Restart,
        fill_next_bid: FillNextBid,
    ) -> None:
        missed = await fill_next_bid()
        restarted = await restart(a_mark(*first_run_fills))
        await restarted.wait_for(FillEvent)
        live = await fill_next_bid()
        fills = await restarted.wait_for(FillEvent, 2)
        assert orders_of(fills) == [missed, live]

    async def test_fills_the_mark_holds_within_its_look_back_do_not_come_again(
        self,
        first_run_fills: list[FillEvent],
        restart: Restart,
        fill_next_bid: FillNextBid,
    ) -> None:
        missed = await fill_next_bid()
        restarted = await restart(a_mark(*first_run_fills, lookback_ms=3_600_000))
        await restarted.wait_for(FillEvent)
        live = await fill_next_bid()
        fills = await restarted.wait_for(FillEvent, 2)
        assert orders_of(fills) == [missed, live]
