"""The execution planner: the fewest requests from desired quotes and our own orders, every rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mm.domain.execution_plan import (
    CancelIntent,
    OrderPlan,
    PlaceIntent,
    PlanPolicy,
    ReplaceIntent,
    plan_orders,
)
from mm.domain.own_orders import OrderPhase, OwnOrder
from mm.domain.quoting import DesiredQuote
from mm.domain.side import Side

NOW_MS = 1_000_000
TICK = Decimal("0.1")
STEP = Decimal("0.001")
POLICY = PlanPolicy(refresh_interval_ms=5_000, price_tolerance_bps=1.0)


def quote(side: Side, price: str, size: str = "0.002") -> DesiredQuote:
    p, s = Decimal(price), Decimal(size)
    return DesiredQuote(side, p, s, int(p / TICK), int(s / STEP))


def order(
    cid: str,
    side: Side,
    price: str,
    *,
    size: str = "0.002",
    phase: OrderPhase = OrderPhase.WORKING,
    age_ms: int = 100,
    is_foreign: bool = False,
) -> OwnOrder:
    p, s = Decimal(price), Decimal(size)
    return OwnOrder(
        client_order_id=cid,
        side=side,
        price=p,
        size=s,
        price_ticks=int(p / TICK),
        size_steps=int(s / STEP),
        phase=phase,
        sent_ts_ms=NOW_MS - age_ms,
        last_request_ts_ms=NOW_MS - age_ms,
        is_foreign=is_foreign,
    )


def plan(
    bid: DesiredQuote | None,
    ask: DesiredQuote | None,
    orders: list[OwnOrder],
    budget: int = 10,
    policy: PlanPolicy = POLICY,
) -> OrderPlan:
    return plan_orders(bid, ask, orders, now_ms=NOW_MS, policy=policy, budget=budget)


BID = quote(Side.BUY, "60000.0")
ASK = quote(Side.SELL, "60010.0")


def test_an_empty_book_of_ours_gets_one_place_per_wanted_side() -> None:
    assert plan(BID, ASK, []).intents == (PlaceIntent(BID), PlaceIntent(ASK))


def test_no_wanted_quotes_and_no_orders_plan_nothing() -> None:
    assert plan(None, None, []).intents == ()


def test_a_young_order_within_tolerance_is_kept() -> None:
    # 1 bps of 60000 is 6.0, so 60005.9 vs 60000.0 is inside the tolerance.
    resting = order("b1", Side.BUY, "60005.9")
    assert plan(BID, None, [resting]).intents == ()


def test_an_order_beyond_the_price_tolerance_is_replaced() -> None:
    resting = order("b1", Side.BUY, "60006.1")
    assert plan(BID, None, [resting]).intents == (ReplaceIntent(resting, BID),)


def test_an_order_older_than_the_refresh_interval_is_replaced_even_at_the_right_price() -> None:
    resting = order("b1", Side.BUY, "60000.0", age_ms=5_000)
    assert plan(BID, None, [resting]).intents == (ReplaceIntent(resting, BID),)


def test_an_order_of_another_size_is_replaced() -> None:
    resting = order("b1", Side.BUY, "60000.0", size="0.001")
    assert plan(BID, None, [resting]).intents == (ReplaceIntent(resting, BID),)


def test_zero_tolerance_keeps_only_the_exact_price() -> None:
    exact = PlanPolicy(refresh_interval_ms=5_000, price_tolerance_bps=0.0)
    assert plan(BID, None, [order("b1", Side.BUY, "60000.0")], policy=exact).intents == ()
    moved = order("b2", Side.BUY, "60000.1")
    assert plan(BID, None, [moved], policy=exact).intents == (ReplaceIntent(moved, BID),)


def test_a_side_no_longer_wanted_is_cancelled() -> None:
    resting = order("a1", Side.SELL, "60010.0")
    assert plan(BID, None, [order("b1", Side.BUY, "60000.0"), resting]).intents == (CancelIntent(resting),)


def test_a_surplus_order_on_one_side_is_cancelled_and_the_closest_is_kept() -> None:
    far = order("b1", Side.BUY, "59990.0")
    close = order("b2", Side.BUY, "60000.0")
    assert plan(BID, None, [far, close]).intents == (CancelIntent(far),)


def test_a_foreign_order_is_cancelled_and_nothing_new_goes_on_its_side_meanwhile() -> None:
    foreign = order("x1", Side.BUY, "60000.0", is_foreign=True)
    assert plan(BID, None, [foreign]).intents == (CancelIntent(foreign),)


def test_an_order_in_unknown_state_is_cancelled_not_assumed_gone() -> None:
    unknown = order("b1", Side.BUY, "60000.0", phase=OrderPhase.UNKNOWN)
    assert plan(BID, None, [unknown]).intents == (CancelIntent(unknown),)


@pytest.mark.parametrize("phase", [OrderPhase.PENDING_NEW, OrderPhase.PENDING_CANCEL])
def test_a_side_with_a_request_in_flight_gets_no_new_order(phase: OrderPhase) -> None:
    in_flight = order("b1", Side.BUY, "59000.0", phase=phase)
    assert plan(BID, None, [in_flight]).intents == ()


def test_a_placement_in_flight_on_an_unwanted_side_is_left_to_land_first() -> None:
    in_flight = order("b1", Side.BUY, "60000.0", phase=OrderPhase.PENDING_NEW)
    assert plan(None, None, [in_flight]).intents == ()


def test_a_working_order_beside_a_retiring_one_is_not_moved_until_the_side_settles() -> None:
    retiring = order("b1", Side.BUY, "59000.0", phase=OrderPhase.PENDING_CANCEL)
    working = order("b2", Side.BUY, "59990.0")
    assert plan(BID, None, [retiring, working]).intents == ()


def test_moves_never_use_cancel_plus_new() -> None:
    intents = plan(BID, ASK, [order("b1", Side.BUY, "59000.0"), order("a1", Side.SELL, "61000.0")]).intents
    assert all(isinstance(intent, ReplaceIntent) for intent in intents)


def test_the_budget_caps_the_requests_and_counts_the_rest_as_deferred() -> None:
    result = plan(BID, ASK, [], budget=1)
    assert result == OrderPlan((PlaceIntent(BID),), deferred=1)


def test_cancels_go_before_replaces_and_replaces_before_places_under_a_tight_budget() -> None:
    stale_bid = order("b1", Side.BUY, "59000.0")
    surplus_bid = order("b2", Side.BUY, "58000.0")
    result = plan(BID, ASK, [stale_bid, surplus_bid], budget=2)
    assert result.intents == (CancelIntent(surplus_bid), ReplaceIntent(stale_bid, BID))
    assert result.deferred == 1


def test_a_zero_budget_sends_nothing() -> None:
    assert plan(BID, ASK, [], budget=0) == OrderPlan((), deferred=2)


def test_a_negative_tolerance_is_refused() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        PlanPolicy(refresh_interval_ms=1_000, price_tolerance_bps=-1.0)


_phases = st.sampled_from(list(OrderPhase))
_sides = st.sampled_from([Side.BUY, Side.SELL])


@st.composite
def own_books(draw: st.DrawFn) -> list[OwnOrder]:
    count = draw(st.integers(0, 5))
    return [
        order(
            f"o{i}",
            draw(_sides),
            str(Decimal(draw(st.integers(590_000, 610_000))) * TICK),
            phase=draw(_phases),
            age_ms=draw(st.integers(0, 10_000)),
            is_foreign=draw(st.booleans()),
        )
        for i in range(count)
    ]


@given(
    orders=own_books(),
    wants_bid=st.booleans(),
    wants_ask=st.booleans(),
    budget=st.integers(0, 10),
)
def test_a_plan_never_leaves_two_live_orders_on_one_side(
    orders: list[OwnOrder], wants_bid: bool, wants_ask: bool, budget: int
) -> None:
    result = plan(BID if wants_bid else None, ASK if wants_ask else None, orders, budget=budget)
    cancelled = {intent.order.client_order_id for intent in result.intents if isinstance(intent, CancelIntent)}
    replaced = {intent.order.client_order_id for intent in result.intents if isinstance(intent, ReplaceIntent)}
    for side in (Side.BUY, Side.SELL):
        survivors = [
            o
            for o in orders
            if o.side is side
            and o.client_order_id not in cancelled | replaced
            and o.phase is not OrderPhase.PENDING_CANCEL
        ]
        new = [i for i in result.intents if isinstance(i, PlaceIntent | ReplaceIntent) and i.quote.side is side]
        assert len(survivors) + len(new) <= 1 or not new
        assert len(new) <= 1
        if new:
            assert all(o.phase is OrderPhase.WORKING and not o.is_foreign for o in orders if o.side is side)
