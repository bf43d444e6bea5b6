"""The inbound bounds: market ranges from tick and step, number and time checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mm.adapters.extended.inbound_bounds import (
    GENERIC_MARKET,
    InboundBounds,
    MarketBounds,
    bounded_decimal,
    bounded_int,
    venue_id,
)
from mm.domain.instrument import Instrument

BTC = Instrument(
    symbol="BTC-USD", tick_size=Decimal("1"), step_size=Decimal("0.00001"), min_order_size=Decimal("0.0001")
)
LOW, HIGH = Decimal("1"), Decimal("1000")


def test_a_markets_bounds_run_from_one_tick_and_one_step() -> None:
    bounds = MarketBounds.of(BTC)

    assert (bounds.min_price, bounds.min_size) == (Decimal("1"), Decimal("0.00001"))


def test_a_markets_bounds_reach_a_billion_ticks_and_a_trillion_steps() -> None:
    bounds = MarketBounds.of(BTC)

    assert (bounds.max_price, bounds.max_size) == (Decimal("1e9"), Decimal("1e7"))


def test_bounds_for_instruments_refuse_a_market_they_do_not_know() -> None:
    with pytest.raises(ValueError, match="no bounds"):
        InboundBounds.for_instruments([BTC]).market("ETH-USD")


def test_default_bounds_give_any_market_the_generic_range() -> None:
    assert InboundBounds().market("ETH-USD") == GENERIC_MARKET


@pytest.mark.parametrize("symbol", [None, 42, "", "X" * 65, ["BTC-USD"]])
def test_a_market_name_must_be_a_short_string(symbol: object) -> None:
    with pytest.raises(ValueError, match="not a symbol"):
        InboundBounds().market(symbol)


@pytest.mark.parametrize("value", ["1", "1000", "12.5", 7, Decimal("999.99")])
def test_a_decimal_within_its_range_is_kept_exact(value: object) -> None:
    assert bounded_decimal(value, LOW, HIGH, "price") == Decimal(str(value))


@pytest.mark.parametrize(
    "value", ["0", "-1", "0.5", "1000.01", "1e308", "1e200000", "1e999999", "-1e999999", 10**30, "1e-999999"]
)
def test_a_decimal_outside_its_range_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="outside"):
        bounded_decimal(value, LOW, HIGH, "price")


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity", "inf"])
def test_a_decimal_that_is_not_finite_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="outside"):
        bounded_decimal(value, LOW, HIGH, "price")


@pytest.mark.parametrize("value", [12.5, True, None, [], {}, b"12"])
def test_a_value_that_is_not_a_decimal_string_or_integer_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="not a decimal string"):
        bounded_decimal(value, LOW, HIGH, "price")


def test_a_million_digit_number_is_refused_by_its_length_before_parsing() -> None:
    with pytest.raises(ValueError, match="1000000 characters"):
        bounded_decimal("9" * 1_000_000, LOW, HIGH, "price")


def test_an_integer_of_thousands_of_digits_is_refused_before_becoming_a_decimal() -> None:
    with pytest.raises(ValueError, match="out of range"):
        bounded_decimal(10**4000, LOW, HIGH, "price")


def test_a_parsed_decimal_of_many_digits_is_refused() -> None:
    with pytest.raises(ValueError, match="too many digits"):
        bounded_decimal(Decimal("1." + "0" * 100 + "1"), LOW, HIGH, "price")


def test_a_frame_time_may_lag_the_receive_time_by_the_delay_window() -> None:
    bounds = InboundBounds(max_delay_ms=1_000, max_lead_ms=100)

    assert bounds.frame_ts(9_000, 10_000, "ts") == 9_000


@pytest.mark.parametrize("ts_ms", [8_999, 10_101, 10**18, -1, 0])
def test_a_frame_time_outside_the_window_is_refused(ts_ms: int) -> None:
    bounds = InboundBounds(max_delay_ms=1_000, max_lead_ms=100)

    with pytest.raises(ValueError, match="outside"):
        bounds.frame_ts(ts_ms, 10_000, "ts")


def test_a_record_time_may_be_as_old_as_the_history_window() -> None:
    bounds = InboundBounds(max_delay_ms=1_000, max_history_ms=1_000_000)

    assert bounds.record_ts(10_000_000 - 1_000_000, 10_000_000, "ts") == 9_000_000


def test_a_boolean_is_not_an_integer() -> None:
    with pytest.raises(ValueError, match="outside"):
        bounded_int(True, 0, 10, "seq")


def test_venue_ids_reach_two_to_the_64_exclusive() -> None:
    assert venue_id(2**64 - 1, "id") == 2**64 - 1
    with pytest.raises(ValueError, match="outside"):
        venue_id(2**64, "id")


def test_signed_amounts_are_bounded_both_ways() -> None:
    bounds = InboundBounds(max_amount=Decimal(100))

    assert bounds.amount("-100", "fee") == Decimal(-100)
    with pytest.raises(ValueError, match="outside"):
        bounds.amount("-100.5", "fee")
