from __future__ import annotations

from decimal import Decimal

from mm.domain.average_cost import CostBasis
from mm.domain.day_pnl import DayTally, FillAmount, day_pnl
from mm.domain.side import Side

D = Decimal

FILLS = [
    FillAmount(Side.SELL, D(120), D(1), D("0.01")),
    FillAmount(Side.BUY, D(118), D(2), D("0.02")),
    FillAmount(Side.SELL, D(121), D("0.5"), D("0.01")),
]


def test_adding_fills_in_parts_gives_what_adding_them_at_once_gives() -> None:
    opening = CostBasis(D(1), D(100))
    at_once = DayTally.opened(opening).add(FILLS)
    in_parts = DayTally.opened(opening).add(FILLS[:1]).add([]).add(FILLS[1:])
    assert in_parts == at_once


def test_a_tally_marks_as_day_pnl_does() -> None:
    opening = CostBasis(D(1), D(100))
    assert DayTally.opened(opening).add(FILLS).marked(D(110), D(120)) == day_pnl(opening, D(110), FILLS, D(120))


def test_an_empty_day_keeps_the_opening() -> None:
    tally = DayTally.opened(CostBasis(D(-2), D(50)))
    assert tally.basis == CostBasis(D(-2), D(50))
    assert tally.realized == 0
    assert tally.fees == 0
