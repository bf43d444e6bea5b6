"""The pre-trade check: no place or replace priced far from mark and index; cancels always pass."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from mm.domain.execution_plan import CancelIntent, OrderPlan, PlaceIntent, ReplaceIntent
from mm.domain.own_orders import OrderPhase, OwnOrder
from mm.domain.pre_trade_check import RefusalReason, check_price, reference_prices, screen_plan
from mm.domain.quoting import DesiredQuote
from mm.domain.side import Side
from tests.unit.domain.market_examples import NOW_MS, PARAMS, a_snapshot

MARK = 100_000.0
BAND_BPS = 500.0


def a_quote(side: Side, price: str) -> DesiredQuote:
    ticks = int(Decimal(price) * 10)
    return DesiredQuote(side, Decimal(price), Decimal("0.002"), ticks, 2)


@pytest.mark.parametrize(
    ("side", "price"),
    [(Side.SELL, "150060"), (Side.BUY, "74970"), (Side.BUY, "149940"), (Side.SELL, "94999")],
)
def test_orders_far_from_the_mark_are_refused(side: Side, price: str) -> None:
    refusal = check_price(side, Decimal(price), (MARK,), BAND_BPS)
    assert refusal is not None
    assert refusal.reason is RefusalReason.FAR_FROM_REFERENCE
    assert refusal.reference_px == MARK
    assert refusal.deviation_bps == pytest.approx(abs(float(price) - MARK) / MARK * 1e4)


@pytest.mark.parametrize("price", ["99990", "100010", "95000", "105000"])
def test_orders_within_the_band_pass(price: str) -> None:
    assert check_price(Side.BUY, Decimal(price), (MARK,), BAND_BPS) is None


def test_the_nearest_reference_counts() -> None:
    assert check_price(Side.BUY, Decimal(100_000), (50_000.0, 100_100.0), BAND_BPS) is None


def test_without_any_reference_every_order_is_refused() -> None:
    refusal = check_price(Side.BUY, Decimal(100_000), (), BAND_BPS)
    assert refusal is not None
    assert refusal.reason is RefusalReason.NO_REFERENCE


def test_references_are_the_fresh_mark_and_index() -> None:
    snapshot = a_snapshot(mark_px=60_010.0, index_px=60_020.0)
    assert reference_prices(snapshot, PARAMS, trusted_mid=1.0) == (60_010.0, 60_020.0)


def test_a_stale_or_absurd_mark_is_no_reference() -> None:
    stale_ts_ms = NOW_MS - PARAMS.mark_index_stale_after_ms - 1
    snapshot = a_snapshot(mark_px=math.inf, index_px=60_020.0, index_ts_ms=stale_ts_ms)
    assert reference_prices(snapshot, PARAMS, trusted_mid=60_000.5) == (60_000.5,)


def test_without_mark_index_or_trusted_book_there_is_no_reference() -> None:
    snapshot = a_snapshot(mark_px=None, index_px=None)
    assert reference_prices(snapshot, PARAMS, trusted_mid=None) == ()


def a_working_order(side: Side, price: str) -> OwnOrder:
    ticks = int(Decimal(price) * 10)
    return OwnOrder("c-1", side, Decimal(price), Decimal("0.002"), ticks, 2, OrderPhase.WORKING, NOW_MS, NOW_MS)


def test_screening_drops_the_refused_places_and_replaces_and_keeps_every_cancel() -> None:
    resting = a_working_order(Side.BUY, "99990")
    plan = OrderPlan(
        (
            CancelIntent(resting),
            ReplaceIntent(resting, a_quote(Side.BUY, "149940")),
            PlaceIntent(a_quote(Side.SELL, "150060")),
            PlaceIntent(a_quote(Side.SELL, "100010")),
        ),
        deferred=1,
    )
    screened, refusals = screen_plan(plan, (MARK,), BAND_BPS)
    assert screened == OrderPlan((CancelIntent(resting), PlaceIntent(a_quote(Side.SELL, "100010"))), deferred=1)
    assert [(r.side, r.price) for r in refusals] == [(Side.BUY, Decimal(149940)), (Side.SELL, Decimal(150060))]


def test_a_plan_without_refusals_is_returned_as_it_is() -> None:
    plan = OrderPlan((PlaceIntent(a_quote(Side.BUY, "99990")),))
    assert screen_plan(plan, (MARK,), BAND_BPS) == (plan, ())
