"""What every `TradingGateway` must do, whichever venue is behind it.

Subclasses provide `gateway` and `venue` (a `VenueDriver` over the same venue), fresh per test.
Capability flags, overridable fixtures:
- `rounds_unaligned_requests`: the adapter rounds off-grid prices away from the touch instead of
  refusing them (the Extended adapter rounds, as its venue needs; the simulated venue refuses).
- `supports_dead_man_switch_expiry`: the venue's time can be moved past a countdown in a test.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pytest

from mm.domain.instrument import Instrument
from mm.domain.orders import FillEvent, OrderRequest, OrderStatus, OrderUpdate, RejectReason
from mm.domain.side import Side
from mm.ports.errors import InvalidRequest, OrderNotFound
from mm.ports.trading_gateway import TradingGateway
from tests.contract.trading_gateway.venue_driver import RestingOrder, VenueDriver


@dataclass(frozen=True, slots=True)
class Market:
    """The instrument and the book a test starts from: best bid and ask ten ticks apart."""

    instrument: Instrument
    best_bid: Decimal
    best_ask: Decimal

    @property
    def tick(self) -> Decimal:
        return self.instrument.tick_size

    def order(self, client_order_id: str, side: Side, price: Decimal) -> OrderRequest:
        return OrderRequest(client_order_id, self.instrument.symbol, side, price, self.instrument.min_order_size)

    def passive_bid(self, client_order_id: str, ticks_below_best: int = 2) -> OrderRequest:
        return self.order(client_order_id, Side.BUY, self.best_bid - ticks_below_best * self.tick)


class TradingGatewayContract:
    """Subclasses provide `gateway` and `venue` fixtures."""

    @pytest.fixture
    def rounds_unaligned_requests(self) -> bool:
        return False

    @pytest.fixture
    def supports_dead_man_switch_expiry(self) -> bool:
        return True

    @pytest.fixture
    def client_ids(self) -> Iterator[str]:
        prefix = f"ct-{uuid.uuid4().hex[:10]}"
        return (f"{prefix}-{n}" for n in itertools.count(1))

    @pytest.fixture
    async def market(self, gateway: TradingGateway, venue: VenueDriver) -> Market:
        instrument = await gateway.instrument(venue.symbol)
        best_bid = instrument.round_price(venue.reference_price, Side.BUY)
        best_ask = best_bid + 10 * instrument.tick_size
        await venue.set_book(best_bid, best_ask)
        return Market(instrument, best_bid, best_ask)

    # --- market rules ------------------------------------------------------------------------------

    async def test_the_instrument_is_the_markets(self, gateway: TradingGateway, venue: VenueDriver) -> None:
        assert (await gateway.instrument(venue.symbol)).symbol == venue.symbol

    async def test_the_instrument_of_an_unknown_market_raises_invalid_request(self, gateway: TradingGateway) -> None:
        with pytest.raises(InvalidRequest):
            await gateway.instrument("NOPE-USD")

    # --- placing -----------------------------------------------------------------------------------

    async def test_a_placed_order_rests_at_its_price(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        await gateway.place_order(request)
        await venue.settle()
        assert await venue.resting_orders() == [
            RestingOrder(request.client_order_id, Side.BUY, request.price, request.size)
        ]

    async def test_placing_answers_with_the_client_order_id(
        self, gateway: TradingGateway, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        assert (await gateway.place_order(request)).client_order_id == request.client_order_id

    async def test_a_resting_order_is_listed_as_open(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        await gateway.place_order(request)
        await venue.settle()
        listed = [(o.client_order_id, o.side, o.price, o.status) for o in await gateway.open_orders(venue.symbol)]
        assert listed == [(request.client_order_id, Side.BUY, request.price, OrderStatus.NEW)]

    async def test_a_resting_order_is_reported_new_on_the_account_stream(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        await gateway.place_order(request)
        await venue.settle()
        assert OrderStatus.NEW in await _statuses(venue, request.client_order_id)

    async def test_an_off_tick_price_raises_invalid_request(
        self,
        gateway: TradingGateway,
        market: Market,
        client_ids: Iterator[str],
        rounds_unaligned_requests: bool,
    ) -> None:
        if rounds_unaligned_requests:
            pytest.skip("this adapter rounds off-tick prices")
        with pytest.raises(InvalidRequest):
            await gateway.place_order(market.order(next(client_ids), Side.BUY, market.best_bid - market.tick / 2))

    async def test_an_off_tick_price_rests_rounded_away_from_the_touch(
        self,
        gateway: TradingGateway,
        venue: VenueDriver,
        market: Market,
        client_ids: Iterator[str],
        rounds_unaligned_requests: bool,
    ) -> None:
        if not rounds_unaligned_requests:
            pytest.skip("this adapter refuses off-tick prices")
        await gateway.place_order(market.order(next(client_ids), Side.BUY, market.best_bid - market.tick / 2))
        await venue.settle()
        assert [order.price for order in await venue.resting_orders()] == [market.best_bid - market.tick]

    async def test_a_size_below_the_minimum_raises_invalid_request(
        self, gateway: TradingGateway, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        too_small = OrderRequest(
            request.client_order_id, request.symbol, request.side, request.price, market.instrument.step_size / 2
        )
        with pytest.raises(InvalidRequest):
            await gateway.place_order(too_small)

    async def test_a_retried_placement_does_not_create_a_duplicate(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        await gateway.place_order(request)
        await venue.settle()
        await gateway.place_order(request)
        await venue.settle()
        assert len(await venue.resting_orders()) == 1

    async def test_a_retried_placement_answers_with_the_first_exchange_order_id(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        first = await gateway.place_order(request)
        await venue.settle()
        assert await gateway.place_order(request) == first

    # --- post-only ---------------------------------------------------------------------------------

    async def test_a_crossing_post_only_order_raises_nothing(
        self, gateway: TradingGateway, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.order(next(client_ids), Side.BUY, market.best_ask)
        assert (await gateway.place_order(request)).client_order_id == request.client_order_id

    async def test_a_crossing_post_only_order_ends_rejected_as_would_cross(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.order(next(client_ids), Side.BUY, market.best_ask)
        await gateway.place_order(request)
        await venue.settle()
        final = (await _updates(venue, request.client_order_id))[-1].order
        assert (final.status, final.reason) == (OrderStatus.REJECTED, RejectReason.POST_ONLY_WOULD_CROSS)

    async def test_a_crossing_post_only_order_does_not_rest(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        await gateway.place_order(market.order(next(client_ids), Side.SELL, market.best_bid))
        await venue.settle()
        assert await venue.resting_orders() == []

    # --- replace and cancel ------------------------------------------------------------------------

    async def test_a_replace_leaves_exactly_one_order_at_the_new_price(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        first = market.passive_bid(next(client_ids), ticks_below_best=2)
        await gateway.place_order(first)
        await venue.settle()
        second = market.passive_bid(next(client_ids), ticks_below_best=3)
        await gateway.replace_order(first.client_order_id, second)
        await venue.settle()
        assert [(o.client_order_id, o.price) for o in await venue.resting_orders()] == [
            (second.client_order_id, second.price)
        ]

    async def test_a_replace_of_an_unknown_order_raises_order_not_found(
        self, gateway: TradingGateway, market: Market, client_ids: Iterator[str]
    ) -> None:
        with pytest.raises(OrderNotFound):
            await gateway.replace_order(f"{next(client_ids)}-unknown", market.passive_bid(next(client_ids)))

    async def test_a_cancelled_order_no_longer_rests(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        await gateway.place_order(request)
        await venue.settle()
        await gateway.cancel_order(venue.symbol, request.client_order_id)
        await venue.settle()
        assert await venue.resting_orders() == []

    async def test_a_cancelled_order_is_reported_cancelled_on_the_account_stream(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = market.passive_bid(next(client_ids))
        await gateway.place_order(request)
        await venue.settle()
        await gateway.cancel_order(venue.symbol, request.client_order_id)
        await venue.settle()
        assert (await _statuses(venue, request.client_order_id))[-1] is OrderStatus.CANCELLED

    async def test_a_cancel_of_an_unknown_order_raises_order_not_found(
        self, gateway: TradingGateway, venue: VenueDriver, client_ids: Iterator[str]
    ) -> None:
        with pytest.raises(OrderNotFound):
            await gateway.cancel_order(venue.symbol, f"{next(client_ids)}-unknown")

    async def test_cancel_all_leaves_no_order_resting(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        await gateway.place_order(market.passive_bid(next(client_ids)))
        await gateway.place_order(market.order(next(client_ids), Side.SELL, market.best_ask + 2 * market.tick))
        await venue.settle()
        await gateway.cancel_all(venue.symbol)
        await venue.settle()
        assert await venue.resting_orders() == []

    # --- fills and position ------------------------------------------------------------------------

    async def test_the_position_is_flat_before_any_fill(self, gateway: TradingGateway, venue: VenueDriver) -> None:
        assert (await gateway.position(venue.symbol)).size == 0

    async def test_a_fill_shows_in_the_position(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = await _filled_bid(gateway, venue, market, next(client_ids))
        position = await gateway.position(venue.symbol)
        assert (position.size, position.entry_price) == (request.size, request.price)

    async def test_a_fill_is_reported_as_a_maker_fill_of_the_order(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        request = await _filled_bid(gateway, venue, market, next(client_ids))
        fills = [e.fill for e in await venue.account_events() if isinstance(e, FillEvent)]
        assert [(f.client_order_id, f.side, f.price, f.size, f.is_taker) for f in fills] == [
            (request.client_order_id, Side.BUY, request.price, request.size, False)
        ]

    async def test_a_filled_order_no_longer_rests(
        self, gateway: TradingGateway, venue: VenueDriver, market: Market, client_ids: Iterator[str]
    ) -> None:
        await _filled_bid(gateway, venue, market, next(client_ids))
        assert await venue.resting_orders() == []

    # --- dead man's switch -------------------------------------------------------------------------

    async def test_arming_the_dead_man_switch_is_accepted(self, gateway: TradingGateway) -> None:
        await gateway.arm_dead_man_switch(60)

    async def test_an_expired_dead_man_switch_cancels_resting_orders(
        self,
        gateway: TradingGateway,
        venue: VenueDriver,
        market: Market,
        client_ids: Iterator[str],
        supports_dead_man_switch_expiry: bool,
    ) -> None:
        if not supports_dead_man_switch_expiry:
            pytest.skip("this venue's time cannot be moved past a countdown")
        await gateway.place_order(market.passive_bid(next(client_ids)))
        await venue.settle()
        await gateway.arm_dead_man_switch(1)
        await venue.pass_time(1.5)
        assert await venue.resting_orders() == []

    async def test_a_disarmed_dead_man_switch_leaves_orders_resting(
        self,
        gateway: TradingGateway,
        venue: VenueDriver,
        market: Market,
        client_ids: Iterator[str],
        supports_dead_man_switch_expiry: bool,
    ) -> None:
        if not supports_dead_man_switch_expiry:
            pytest.skip("this venue's time cannot be moved past a countdown")
        await gateway.place_order(market.passive_bid(next(client_ids)))
        await venue.settle()
        await gateway.arm_dead_man_switch(1)
        await gateway.arm_dead_man_switch(0)
        await venue.pass_time(1.5)
        assert len(await venue.resting_orders()) == 1


async def _filled_bid(
    gateway: TradingGateway, venue: VenueDriver, market: Market, client_order_id: str
) -> OrderRequest:
    """Rest a bid two ticks below the best, then print a sell through it."""
    request = market.passive_bid(client_order_id)
    await gateway.place_order(request)
    await venue.settle()
    await venue.print_trade(request.price - market.tick, request.size * 100, Side.SELL)
    await venue.settle()
    return request


async def _updates(venue: VenueDriver, client_order_id: str) -> list[OrderUpdate]:
    events = await venue.account_events()
    return [e for e in events if isinstance(e, OrderUpdate) and e.order.client_order_id == client_order_id]


async def _statuses(venue: VenueDriver, client_order_id: str) -> list[OrderStatus]:
    return [update.order.status for update in await _updates(venue, client_order_id)]
