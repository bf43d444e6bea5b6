"""Decimals in Postgres's binary numeric format: exact values and scales, both ways."""

from __future__ import annotations

import struct
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mm.adapters.postgres.ingest.numeric_binary import NumericCache, decode_numeric, encode_numeric

EXAMPLES = [
    "0",
    "0.00",
    "1",
    "-1",
    "60000.5",
    "0.0001",
    "0.00001",
    "12345678.87654321",
    "1E+3",
    "1.50",
    "-0.25",
    "9999",
    "10000",
]


def test_sixty_thousand_and_a_half_is_digits_6_0_5000_with_weight_1_and_scale_1() -> None:
    assert encode_numeric(Decimal("60000.5")) == struct.pack(">hhHh3H", 3, 1, 0, 1, 6, 0, 5000)


def test_zero_has_no_digits_but_keeps_its_scale() -> None:
    assert encode_numeric(Decimal("0.000")) == struct.pack(">hhHh", 0, 0, 0, 3)


@pytest.mark.parametrize("text", EXAMPLES)
def test_examples_come_back_with_value_and_scale(text: str) -> None:
    value = Decimal(text)
    decoded = decode_numeric(encode_numeric(value))
    assert decoded == value
    assert -decoded.as_tuple().exponent == max(0, -value.as_tuple().exponent)  # type: ignore[operator]


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None))
def test_any_finite_decimal_comes_back_equal(value: Decimal) -> None:
    assert decode_numeric(encode_numeric(value)) == value


def test_values_that_are_equal_but_differ_in_scale_are_cached_apart() -> None:
    cache = NumericCache()
    assert cache[str(Decimal("1.5"))] != cache[str(Decimal("1.50"))]


def test_the_text_of_none_gives_none() -> None:
    assert NumericCache()[str(None)] is None


def test_a_full_cache_starts_over() -> None:
    cache = NumericCache(max_cached=2)
    for text in ("1", "2", "3"):
        assert cache[text] == encode_numeric(Decimal(text))
    assert len(cache) == 1


def test_a_non_finite_value_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        encode_numeric(Decimal("NaN"))
