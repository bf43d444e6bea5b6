"""What every `ReplayVenue` must do: the venue a backtest replays recorded rows into, synchronously.

Subclasses provide `venue`: a fresh venue for `INSTRUMENT` with `LATENCY_MS` of order latency, its time at
`START_MS`, its book empty. Every test first sets the book (`BID`/`ASK`) at `START_MS`.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest

from mm.domain.instrument import Instrument
from mm.domain.orders import FillEvent, OrderRequest, OrderStatus, OrderUpdate, RejectReason
from mm.domain.side import Side
from mm.ports.errors import InvalidRequest, OrderNotFound
from mm.ports.replay_venue import ReplayVenue

INSTRUMENT = Instrument(
    "ETH-USD", tick_size=Decimal("0.01"), step_size=Decimal("0.001"), min_order_size=Decimal("0.01")
)
LATENCY_MS = 25
START_MS = 1_700_000_000_000
BID, ASK = Decimal("2000.00"), Decimal("2000.10")
BOOK_SIZE = 5.0
ARRIVED_MS = START_MS + LATENCY_MS


class ReplayVenueContract:
    """Subclasses provide a `venue` fixture."""

    @pytest.fixture
    def client_ids(self) -> Iterator[str]:
        prefix = f"rv-{uuid.uuid4().hex[:10]}"
        return (f"{prefix}-{n}" for n in itertools.count(1))

    @pytest.fixture
    def market(self, venue: ReplayVenue) -> ReplayVenue:
        """The venue with its book set at the start."""
        venue.on_bbo(START_MS, float(BID), BOOK_SIZE, float(ASK), BOOK_SIZE)
        return venue

    @pytest.fixture
    def bid(self, client_ids: Iterator[str]) -> OrderRequest:
        """A post-only bid two ticks under the best bid."""
        return OrderRequest(
            next(client_ids), INSTRUMENT.symbol, Side.BUY, BID - 2 * INSTRUMENT.tick_size, INSTRUMENT.min_order_size
        )

    @pytest.fixture
    def resting_bid(self, market: ReplayVenue, bid: OrderRequest) -> OrderRequest:
        """`bid`, sent at the start and arrived; the events so far are drained."""
        market.submit_place(bid)
        market.advance_to(ARRIVED_MS)
        market.drain_events()
        return bid

    def test_an_order_is_not_open_before_its_latency_has_passed(self, market: ReplayVenue, bid: OrderRequest) -> None:
        market.submit_place(bid)
        market.advance_to(ARRIVED_MS - 1)
        assert market.open_orders() == []

    def test_an_order_is_open_once_its_latency_has_passed(self, market: ReplayVenue, bid: OrderRequest) -> None:
        market.submit_place(bid)
        market.advance_to(ARRIVED_MS)
        assert [(o.client_order_id, o.price, o.status) for o in market.open_orders()] == [
            (bid.client_order_id, bid.price, OrderStatus.NEW)
        ]

    def test_a_book_row_lets_the_requests_due_by_its_time_arrive_first(
        self, market: ReplayVenue, bid: OrderRequest
    ) -> None:
        market.submit_place(bid)
        market.on_bbo(ARRIVED_MS, float(BID), BOOK_SIZE, float(ASK), BOOK_SIZE)
        assert [o.client_order_id for o in market.open_orders()] == [bid.client_order_id]

    def test_a_resting_order_is_reported_as_a_new_order_update(self, market: ReplayVenue, bid: OrderRequest) -> None:
        market.submit_place(bid)
        market.advance_to(ARRIVED_MS)
        assert [
            (e.order.client_order_id, e.order.status) for e in market.drain_events() if isinstance(e, OrderUpdate)
        ] == [(bid.client_order_id, OrderStatus.NEW)]

    def test_drained_events_are_not_drained_again(self, market: ReplayVenue, bid: OrderRequest) -> None:
        market.submit_place(bid)
        market.advance_to(ARRIVED_MS)
        market.drain_events()
        assert market.drain_events() == []

    def test_a_post_only_order_that_would_cross_is_rejected_as_would_cross(
        self, market: ReplayVenue, client_ids: Iterator[str]
    ) -> None:
        crossing = OrderRequest(next(client_ids), INSTRUMENT.symbol, Side.BUY, ASK, INSTRUMENT.min_order_size)
        market.submit_place(crossing)
        market.advance_to(ARRIVED_MS)
        [update] = [e for e in market.drain_events() if isinstance(e, OrderUpdate)]
        assert (update.order.status, update.order.reason) == (OrderStatus.REJECTED, RejectReason.POST_ONLY_WOULD_CROSS)

    def test_an_off_grid_price_raises_invalid_request(self, market: ReplayVenue, client_ids: Iterator[str]) -> None:
        off_grid = OrderRequest(next(client_ids), INSTRUMENT.symbol, Side.BUY, BID - Decimal("0.005"), Decimal("0.01"))
        with pytest.raises(InvalidRequest):
            market.submit_place(off_grid)

    def test_another_markets_order_raises_invalid_request(self, market: ReplayVenue, client_ids: Iterator[str]) -> None:
        with pytest.raises(InvalidRequest):
            market.submit_place(OrderRequest(next(client_ids), "BTC-USD", Side.BUY, BID, INSTRUMENT.min_order_size))

    def test_a_trade_through_a_resting_bid_fills_it(self, market: ReplayVenue, resting_bid: OrderRequest) -> None:
        market.on_trade(ARRIVED_MS + 1, float(resting_bid.price - INSTRUMENT.tick_size), 1.0, Side.SELL)
        fills = [e.fill for e in market.drain_events() if isinstance(e, FillEvent)]
        assert [(f.client_order_id, f.side, f.size, f.is_taker) for f in fills] == [
            (resting_bid.client_order_id, Side.BUY, resting_bid.size, False)
        ]

    def test_a_fill_moves_the_position(self, market: ReplayVenue, resting_bid: OrderRequest) -> None:
        market.on_trade(ARRIVED_MS + 1, float(resting_bid.price - INSTRUMENT.tick_size), 1.0, Side.SELL)
        assert market.position().size == resting_bid.size

    def test_a_trade_away_from_a_resting_bid_leaves_it_open(
        self, market: ReplayVenue, resting_bid: OrderRequest
    ) -> None:
        market.on_trade(ARRIVED_MS + 1, float(ASK), 1.0, Side.BUY)
        assert [o.client_order_id for o in market.open_orders()] == [resting_bid.client_order_id]

    def test_a_cancel_takes_the_order_off_the_book_after_its_latency(
        self, market: ReplayVenue, resting_bid: OrderRequest
    ) -> None:
        market.submit_cancel(INSTRUMENT.symbol, resting_bid.client_order_id)
        market.advance_to(ARRIVED_MS + LATENCY_MS)
        assert market.open_orders() == []

    def test_cancelling_an_order_the_venue_never_saw_raises_order_not_found(self, market: ReplayVenue) -> None:
        with pytest.raises(OrderNotFound):
            market.submit_cancel(INSTRUMENT.symbol, "never-sent")

    def test_cancel_all_takes_every_order_off_the_book(
        self, market: ReplayVenue, resting_bid: OrderRequest, client_ids: Iterator[str]
    ) -> None:
        market.submit_place(OrderRequest(next(client_ids), INSTRUMENT.symbol, Side.SELL, ASK + 1, Decimal("0.01")))
        market.submit_cancel_all(INSTRUMENT.symbol)
        market.advance_to(ARRIVED_MS + LATENCY_MS)
        assert market.open_orders() == []

    def test_requests_arrive_in_the_order_sent(self, market: ReplayVenue, bid: OrderRequest) -> None:
        market.submit_place(bid)
        market.submit_cancel(INSTRUMENT.symbol, bid.client_order_id)
        market.advance_to(ARRIVED_MS)
        statuses = [e.order.status for e in market.drain_events() if isinstance(e, OrderUpdate)]
        assert (statuses, market.open_orders()) == ([OrderStatus.NEW, OrderStatus.CANCELLED], [])

    def test_a_replace_rests_the_new_order_in_place_of_the_previous(
        self, market: ReplayVenue, resting_bid: OrderRequest, client_ids: Iterator[str]
    ) -> None:
        new = OrderRequest(
            next(client_ids), INSTRUMENT.symbol, Side.BUY, resting_bid.price - INSTRUMENT.tick_size, resting_bid.size
        )
        market.submit_replace(resting_bid.client_order_id, new)
        market.advance_to(ARRIVED_MS + LATENCY_MS)
        assert [(o.client_order_id, o.price) for o in market.open_orders()] == [(new.client_order_id, new.price)]

    def test_replacing_an_order_that_is_not_open_raises_order_not_found(
        self, market: ReplayVenue, bid: OrderRequest
    ) -> None:
        with pytest.raises(OrderNotFound):
            market.submit_replace("never-sent", bid)
