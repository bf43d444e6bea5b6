from __future__ import annotations

from decimal import Decimal

import pytest

from mm.domain.markouts import markout, markout_bps
from mm.domain.side import Side


def test_a_buy_followed_by_a_higher_mid_has_a_positive_markout() -> None:
    assert markout(Side.BUY, Decimal("100.00"), Decimal("100.25")) == Decimal("0.25")


def test_a_buy_followed_by_a_lower_mid_has_a_negative_markout() -> None:
    assert markout(Side.BUY, Decimal("100.00"), Decimal("99.90")) == Decimal("-0.10")


def test_a_sell_followed_by_a_lower_mid_has_a_positive_markout() -> None:
    assert markout(Side.SELL, Decimal("60000.0"), Decimal("59994.0")) == Decimal("6.0")


def test_a_sell_followed_by_a_higher_mid_has_a_negative_markout() -> None:
    assert markout(Side.SELL, Decimal("2500"), Decimal("2502.5")) == Decimal("-2.5")


def test_a_markout_in_bps_is_relative_to_the_fill_price() -> None:
    # 0.25 / 100 = 25 bps; 6 / 60000 = 1 bps; -2.5 / 2500 = -10 bps.
    assert markout_bps(Side.BUY, Decimal(100), Decimal("100.25")) == Decimal(25)
    assert markout_bps(Side.SELL, Decimal(60000), Decimal(59994)) == Decimal(1)
    assert markout_bps(Side.SELL, Decimal(2500), Decimal("2502.5")) == Decimal(-10)


def test_markouts_work_on_floats_for_the_hot_path() -> None:
    assert markout(Side.BUY, 200.0, 201.0) == 1.0
    assert markout_bps(Side.BUY, 200.0, 201.0) == pytest.approx(50.0)


def test_an_unchanged_mid_is_a_zero_markout() -> None:
    assert markout_bps(Side.SELL, Decimal("61800.2"), Decimal("61800.2")) == 0


def test_a_non_positive_fill_price_is_rejected() -> None:
    with pytest.raises(ValueError, match="fill_price"):
        markout(Side.BUY, Decimal(0), Decimal(1))


def test_a_statistic_on_few_fills_carries_a_warning_naming_its_sample_size() -> None:
    from mm.domain.markouts import FEW_FILLS, few_fills_note

    note = few_fills_note(2)
    assert note is not None
    assert "2 fills" in note
    assert few_fills_note(FEW_FILLS) is None
