"""The price-sanity guard: jumps beyond the band are held back until further books or a trade confirm them."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mm.domain.mode import Mode, ModeReason
from mm.domain.price_sanity import PriceSanity
from mm.domain.risk import NO_RISK_COUNTERS, assess_risk
from tests.unit.domain.market_examples import PARAMS, a_snapshot

BAND_BPS = 200.0  # 2%


def book(
    guard: PriceSanity, bid_px: float | None, ask_px: float | None, mark_px: float | None, index_px: float | None
) -> None:
    guard.set_anchors(mark_px, index_px)
    guard.on_book(bid_px, ask_px)


def trade(guard: PriceSanity, price: float, mark_px: float | None, index_px: float | None) -> None:
    guard.set_anchors(mark_px, index_px)
    guard.on_trade(price)


def a_guard(confirm_updates: int = 3) -> PriceSanity:
    guard = PriceSanity(BAND_BPS, confirm_updates)
    book(guard, 100_000.0, 100_001.0, None, None)
    return guard


def test_a_first_book_without_mark_or_index_is_trusted() -> None:
    guard = a_guard()
    assert guard.is_confirmed
    assert guard.trusted_mid == 100_000.5


def test_small_moves_within_the_band_stay_trusted() -> None:
    guard = a_guard()
    for step in range(1, 50):
        book(guard, 100_000.0 + step * 30, 100_001.0 + step * 30, None, None)  # 49 x 3 bps: 1.5% in all
        assert guard.is_confirmed


def test_an_ask_that_jumps_beyond_the_band_is_unconfirmed() -> None:
    guard = a_guard()
    book(guard, 100_000.0, 200_000.0, None, None)
    assert not guard.is_confirmed
    assert guard.trusted_mid == 100_000.5  # the outlier is not trusted


def test_the_book_returning_to_the_trusted_level_ends_the_suspicion() -> None:
    guard = a_guard()
    book(guard, 100_000.0, 200_000.0, None, None)
    book(guard, 100_000.0, 100_001.0, None, None)
    assert guard.is_confirmed


@pytest.mark.parametrize("confirm_updates", [1, 3, 5])
def test_a_jump_is_confirmed_by_that_many_further_books_at_its_level(confirm_updates: int) -> None:
    guard = a_guard(confirm_updates)
    book(guard, 50_000.0, 100_001.0, None, None)
    for _ in range(confirm_updates - 1):
        book(guard, 50_010.0, 100_001.0, None, None)
        assert not guard.is_confirmed
    book(guard, 49_990.0, 100_001.0, None, None)
    assert guard.is_confirmed
    assert guard.bid.trusted_px == 49_990.0


def test_a_book_that_keeps_jumping_is_never_confirmed() -> None:
    guard = a_guard(confirm_updates=2)
    for ask in (200_000.0, 300_000.0, 150_000.0, 400_000.0, 250_000.0):
        book(guard, 100_000.0, ask, None, None)
        assert not guard.is_confirmed


def test_a_trade_at_the_new_level_confirms_it_at_once() -> None:
    guard = a_guard()
    book(guard, 100_000.0, 110_000.0, None, None)
    trade(guard, 109_950.0, None, None)
    assert guard.is_confirmed
    assert guard.ask.trusted_px == 110_000.0


def test_a_trade_elsewhere_confirms_nothing() -> None:
    guard = a_guard()
    book(guard, 100_000.0, 200_000.0, None, None)
    trade(guard, 100_000.5, None, None)
    assert not guard.is_confirmed


def test_a_book_far_from_both_mark_and_index_is_unconfirmed_even_at_start() -> None:
    guard = PriceSanity(BAND_BPS, 3)
    book(guard, 50_000.0, 50_001.0, 100_000.0, 100_000.0)
    assert not guard.is_confirmed


def test_a_book_near_either_mark_or_index_is_trusted() -> None:
    guard = PriceSanity(BAND_BPS, 3)
    book(guard, 100_000.0, 100_001.0, 150_000.0, 100_010.0)  # a poisoned mark alone does not hold it back
    assert guard.is_confirmed


def test_a_jump_to_a_level_away_from_mark_and_index_needs_confirming_though_within_the_band_of_the_book() -> None:
    guard = PriceSanity(BAND_BPS, 2)
    book(guard, 100_000.0, 100_001.0, 100_000.0, 100_000.0)
    book(guard, 101_500.0, 101_501.0, 99_000.0, 99_000.0)  # 1.5% up, 2.5% from mark and index
    assert not guard.is_confirmed
    book(guard, 101_500.0, 101_501.0, 99_000.0, 99_000.0)
    book(guard, 101_500.0, 101_501.0, 99_000.0, 99_000.0)
    assert guard.is_confirmed
    book(guard, 101_600.0, 101_601.0, 99_000.0, 99_000.0)  # the confirmed level moves on within the band
    assert guard.is_confirmed


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, 0.0, -5.0])
def test_a_price_that_is_not_positive_and_finite_is_never_trusted_nor_confirmed(bad: float) -> None:
    guard = a_guard(confirm_updates=1)
    for _ in range(5):
        book(guard, 100_000.0, bad, None, None)
        assert not guard.is_confirmed
    trade(guard, bad, None, None)
    assert not guard.is_confirmed
    assert guard.trusted_mid == 100_000.5


def test_a_missing_side_changes_nothing() -> None:
    guard = a_guard()
    book(guard, None, None, None, None)
    assert guard.is_confirmed


def test_new_limits_apply_to_the_next_book() -> None:
    guard = a_guard()
    guard.set_limits(20_000.0 / 10, 3)  # 20%
    book(guard, 100_000.0, 115_000.0, None, None)
    assert guard.is_confirmed


@pytest.mark.parametrize(("band_bps", "confirm_updates"), [(0.0, 3), (math.nan, 3), (100.0, 0)])
def test_impossible_limits_are_refused(band_bps: float, confirm_updates: int) -> None:
    with pytest.raises(ValueError, match="band"):
        PriceSanity(band_bps, confirm_updates)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=30))
def test_no_sequence_of_prices_makes_the_guard_raise_or_trust_a_non_finite_price(prices: list[float]) -> None:
    guard = a_guard(confirm_updates=1)
    for price in prices:
        book(guard, 100_000.0, price, 100_000.0, math.nan)
        trade(guard, price, None, None)
        trusted = guard.ask.trusted_px
        assert trusted is not None
        assert 0.0 < trusted < math.inf


def test_an_unconfirmed_price_is_a_pause_cause() -> None:
    snapshot = a_snapshot(has_unconfirmed_price=True)
    assessment = assess_risk(snapshot, None, 0.0, NO_RISK_COUNTERS, PARAMS)
    assert assessment.target is Mode.PAUSE
    assert ModeReason.PRICE_UNCONFIRMED in assessment.causes
