from __future__ import annotations

from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.day_pnl import DAY_MS, FillAmount, day_pnl, day_start_ms, opening_basis
from mm.domain.side import Side

D = Decimal


def test_the_day_starts_at_midnight_utc() -> None:
    assert day_start_ms(3 * DAY_MS + 12_345) == 3 * DAY_MS
    assert day_start_ms(3 * DAY_MS) == 3 * DAY_MS


def test_the_opening_basis_replays_every_earlier_fill() -> None:
    basis = opening_basis([FillAmount(Side.BUY, D(100), D(1)), FillAmount(Side.BUY, D(110), D(1))])
    assert basis == CostBasis(D(2), D(105))


def test_a_round_trip_today_realizes_its_spread_less_fees() -> None:
    fills = [FillAmount(Side.BUY, D(100), D(1), D("0.1")), FillAmount(Side.SELL, D(102), D(1), D("0.1"))]
    pnl = day_pnl(CostBasis(), None, fills, mid=None)
    assert pnl.realized == D(2)
    assert pnl.fees == D("0.2")
    assert pnl.marked == D("1.8")
    assert pnl.basis == CostBasis()


def test_a_position_carried_over_midnight_counts_only_todays_move() -> None:
    """Long 1 from 100, worth 110 at midnight, sold at 120 today: the day made 10, not 20."""
    pnl = day_pnl(CostBasis(D(1), D(100)), D(110), [FillAmount(Side.SELL, D(120), D(1))], mid=D(121))
    assert pnl.realized == D(20)
    assert pnl.marked == D(10)


def test_an_open_position_is_marked_at_the_mid() -> None:
    pnl = day_pnl(CostBasis(), None, [FillAmount(Side.SELL, D(100), D(2))], mid=D(99))
    assert pnl.marked == D(2)


def test_without_a_mid_an_open_position_leaves_marked_pnl_unknown() -> None:
    pnl = day_pnl(CostBasis(), None, [FillAmount(Side.BUY, D(100), D(1))], mid=None)
    assert pnl.marked is None
    assert pnl.realized == 0
