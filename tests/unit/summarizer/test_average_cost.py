from __future__ import annotations

from decimal import Decimal

import pytest

from mm.domain.average_cost import CostBasis
from mm.domain.side import Side


def d(text: str) -> Decimal:
    return Decimal(text)


def test_a_first_fill_opens_the_position_at_its_price() -> None:
    basis, realized = CostBasis().apply_fill(Side.SELL, d("100"), d("2"))
    assert (basis, realized) == (CostBasis(d("-2"), d("100")), d("0"))


def test_adding_to_a_position_averages_the_entry_price() -> None:
    basis, _ = CostBasis(d("1"), d("100")).apply_fill(Side.BUY, d("103"), d("2"))
    assert basis == CostBasis(d("3"), d("102"))


def test_reducing_a_long_realizes_the_gain_over_the_average_price() -> None:
    basis, realized = CostBasis(d("3"), d("102")).apply_fill(Side.SELL, d("105"), d("1"))
    assert (basis, realized) == (CostBasis(d("2"), d("102")), d("3"))


def test_reducing_a_short_realizes_the_gain_under_the_average_price() -> None:
    basis, realized = CostBasis(d("-2"), d("100")).apply_fill(Side.BUY, d("99"), d("1"))
    assert (basis, realized) == (CostBasis(d("-1"), d("100")), d("1"))


def test_closing_exactly_leaves_the_position_flat() -> None:
    basis, realized = CostBasis(d("2"), d("100")).apply_fill(Side.SELL, d("98"), d("2"))
    assert (basis, realized) == (CostBasis(), d("-4"))


def test_crossing_through_flat_realizes_the_closed_part_and_opens_the_rest_at_the_fill_price() -> None:
    basis, realized = CostBasis(d("1"), d("100")).apply_fill(Side.SELL, d("101"), d("3"))
    assert (basis, realized) == (CostBasis(d("-2"), d("101")), d("1"))


def test_a_flat_basis_with_an_entry_price_is_refused() -> None:
    with pytest.raises(ValueError, match="flat"):
        CostBasis(d("0"), d("100"))


def test_a_fill_of_zero_size_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        CostBasis().apply_fill(Side.BUY, d("100"), d("0"))
