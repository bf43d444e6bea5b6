"""PnL attribution: the four parts sum to the marked PnL, and each part is the one its name says."""

from __future__ import annotations

from decimal import Decimal

from mm.domain.pnl_attribution import AttributedFill, FundingPayment, attribute_pnl, funding_paid, marked_pnl
from mm.domain.side import Side

D = Decimal


def fill(ts_ms: int, side: Side, price: str, size: str, mid: str | None, *, fee: str = "0") -> AttributedFill:
    return AttributedFill(ts_ms, side, D(price), D(size), D(fee), D(mid) if mid is not None else None)


def test_a_round_trip_at_an_unchanged_mid_is_all_spread_capture() -> None:
    fills = [fill(1, Side.BUY, "99", "2", "100"), fill(2, Side.SELL, "101", "2", "100")]

    parts = attribute_pnl(fills, final_mid=D(100))

    assert (parts.spread_capture, parts.inventory_pnl, parts.fees, parts.funding) == (D(4), D(0), D(0), D(0))


def test_a_held_position_earns_the_mid_move_as_inventory_pnl() -> None:
    fills = [fill(1, Side.BUY, "100", "3", "100")]

    parts = attribute_pnl(fills, final_mid=D(104))

    assert parts.spread_capture == 0
    assert parts.inventory_pnl == D(12)


def test_fees_count_against_and_rebates_for() -> None:
    fills = [fill(1, Side.BUY, "100", "1", "100", fee="0.02"), fill(2, Side.SELL, "100", "1", "100", fee="-0.005")]

    assert attribute_pnl(fills, final_mid=D(100)).fees == D("-0.015")


def test_parts_sum_to_the_marked_pnl_on_a_mixed_path() -> None:
    fills = [
        fill(1_000, Side.BUY, "99.5", "0.3", "100", fee="0.01"),
        fill(2_000, Side.BUY, "100.7", "0.2", "101", fee="0.01"),
        fill(3_000, Side.SELL, "100.2", "0.4", "99.9", fee="-0.002"),
        fill(4_000, Side.SELL, "98.1", "0.5", None, fee="0.003"),
        fill(5_000, Side.BUY, "97.05", "0.1", "97.0"),
    ]
    funding = [FundingPayment(2_500, D("0.0001"), D("100.5")), FundingPayment(4_500, D("-0.0002"), D("98"))]

    parts = attribute_pnl(fills, final_mid=D("96.35"), funding=funding)

    assert parts.total == marked_pnl(fills, final_mid=D("96.35"), funding=funding)
    assert parts.total == D("0.496135")  # by hand: cash 29.435, -0.3 at 96.35, fees 0.021, funding -0.012865


def test_without_a_final_mid_the_position_is_marked_at_the_last_fill() -> None:
    fills = [fill(1, Side.BUY, "100", "1", "100"), fill(2, Side.BUY, "101", "1", "102")]

    parts = attribute_pnl(fills, final_mid=None)

    assert parts.inventory_pnl == D(2)
    assert parts.total == marked_pnl(fills, final_mid=None)


def test_funding_is_charged_on_the_position_held_at_each_payment() -> None:
    fills = [fill(1_000, Side.BUY, "100", "2", "100"), fill(3_000, Side.SELL, "100", "5", "100")]
    funding = [
        FundingPayment(500, D("0.001"), D("100")),  # flat: nothing
        FundingPayment(2_000, D("0.001"), D("100")),  # long 2 pays 0.2
        FundingPayment(3_000, D("0.001"), D("100")),  # the fill at that instant counts first: short 3 earns 0.3
    ]

    parts = attribute_pnl(fills, final_mid=D(100), funding=funding)

    assert parts.funding == D("0.1")
    assert parts.total == marked_pnl(fills, final_mid=D(100), funding=funding)


def test_a_short_pays_when_the_rate_is_negative() -> None:
    assert funding_paid(D(-2), FundingPayment(0, D("-0.0005"), D(2000))) == D(2)


def test_no_fills_is_no_pnl_but_no_error() -> None:
    parts = attribute_pnl([], final_mid=D(100), funding=[FundingPayment(1, D("0.01"), D(100))])

    assert parts.total == 0
