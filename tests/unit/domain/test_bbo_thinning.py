"""The best bid/offer thinning rule: which updates become md_bbo rows."""

from __future__ import annotations

import pytest

from mm.domain.bbo_thinning import NO_THINNING, BboThinning, BboTrigger
from tests.ingestor_support.market_data_examples import a_bbo

PRICE_CHANGE = BboThinning(BboTrigger.PRICE_CHANGE)
ANY_CHANGE = BboThinning(BboTrigger.ANY_CHANGE)


def test_without_thinning_every_update_is_stored() -> None:
    assert NO_THINNING.is_off
    assert NO_THINNING.should_store(a_bbo(1), a_bbo(2))


def test_the_first_update_of_a_market_is_always_stored() -> None:
    assert BboThinning(BboTrigger.PRICE_CHANGE, min_interval_ms=1_000).should_store(None, a_bbo(1))


def test_price_change_ignores_a_change_of_size_only() -> None:
    assert not PRICE_CHANGE.should_store(a_bbo(1, bid_sz="1.5"), a_bbo(2, bid_sz="9"))


@pytest.mark.parametrize(("bid_px", "ask_px"), [("59999.9", "60001.0"), ("60000.0", "60001.1")])
def test_price_change_stores_a_move_of_either_price(bid_px: str, ask_px: str) -> None:
    assert PRICE_CHANGE.should_store(a_bbo(1), a_bbo(2, bid_px, ask_px))


def test_price_change_stores_a_side_that_empties() -> None:
    assert PRICE_CHANGE.should_store(a_bbo(1), a_bbo(2, ask_px=None))


def test_any_change_stores_a_change_of_size_only() -> None:
    assert ANY_CHANGE.should_store(a_bbo(1, ask_sz="0.5"), a_bbo(2, ask_sz="0.6"))


def test_any_change_skips_an_identical_top() -> None:
    assert not ANY_CHANGE.should_store(a_bbo(1), a_bbo(2))


def test_an_interval_skips_updates_closer_than_it_to_the_last_stored() -> None:
    rule = BboThinning(min_interval_ms=100)
    assert not rule.should_store(a_bbo(1, ts_ms=1_000), a_bbo(2, "1", ts_ms=1_099))


def test_an_interval_stores_the_update_that_reaches_it() -> None:
    rule = BboThinning(min_interval_ms=100)
    assert rule.should_store(a_bbo(1, ts_ms=1_000), a_bbo(2, ts_ms=1_100))


def test_exchange_time_running_backwards_counts_as_enough_time() -> None:
    rule = BboThinning(min_interval_ms=100)
    assert rule.should_store(a_bbo(1, ts_ms=5_000), a_bbo(2, ts_ms=4_990))


def test_interval_and_trigger_must_both_hold() -> None:
    rule = BboThinning(BboTrigger.PRICE_CHANGE, min_interval_ms=100)
    assert not rule.should_store(a_bbo(1, ts_ms=1_000), a_bbo(2, ts_ms=1_500))
    assert not rule.should_store(a_bbo(1, ts_ms=1_000), a_bbo(2, "1", ts_ms=1_050))
    assert rule.should_store(a_bbo(1, ts_ms=1_000), a_bbo(2, "1", ts_ms=1_100))


def test_a_negative_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="min_interval_ms"):
        BboThinning(min_interval_ms=-1)
