from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mm.domain import memo
from mm.domain.instrument import Instrument
from mm.domain.side import Side
from mm.domain.tick_grid import TickGrid
from tests.unit.domain.market_examples import BTC_GRID, instruments


@st.composite
def prices_on_a_fine_grid(draw: st.DrawFn) -> tuple[Instrument, Decimal]:
    """Prices on a grid 1000 times finer than the tick: on a tick or at least 1/1000 tick off it.

    Up to 5e9 ticks: beyond about 1e11 the float tolerance itself reaches 1/1000 tick."""
    instrument = draw(instruments())
    fine = instrument.tick_size / 1000
    return instrument, draw(st.integers(1, int(Decimal(500_000) / fine))) * fine


@st.composite
def sizes_on_a_fine_grid(draw: st.DrawFn) -> tuple[Instrument, Decimal]:
    instrument = draw(instruments())
    fine = instrument.step_size / 1000
    return instrument, draw(st.integers(0, int(Decimal(100_000) / fine))) * fine


@settings(deadline=None)
@given(prices_on_a_fine_grid())
def test_bid_ticks_round_down_like_the_decimal_reference(case: tuple[Instrument, Decimal]) -> None:
    instrument, price = case

    assert TickGrid(instrument).bid_ticks(float(price)) == instrument.price_to_ticks(price, Side.BUY)


@settings(deadline=None)
@given(prices_on_a_fine_grid())
def test_ask_ticks_round_up_like_the_decimal_reference(case: tuple[Instrument, Decimal]) -> None:
    instrument, price = case

    assert TickGrid(instrument).ask_ticks(float(price)) == instrument.price_to_ticks(price, Side.SELL)


@settings(deadline=None)
@given(sizes_on_a_fine_grid())
def test_size_steps_round_down_like_the_decimal_reference(case: tuple[Instrument, Decimal]) -> None:
    instrument, size = case

    steps = TickGrid(instrument).size_steps(float(size))

    assert TickGrid(instrument).size_of(steps) == instrument.round_size(size)


@given(instruments(), st.integers(1, 10**9))
def test_price_of_ticks_is_the_exact_decimal_price(instrument: Instrument, ticks: int) -> None:
    assert TickGrid(instrument).price_of(ticks) == instrument.ticks_to_price(ticks)


def test_a_price_exactly_on_a_tick_stays_there_despite_float_division() -> None:
    assert 61800.2 / 0.1 < 618002  # the float quotient falls just short of the tick

    assert (BTC_GRID.bid_ticks(61800.2), BTC_GRID.ask_ticks(61800.2)) == (618002, 618002)


def test_the_minimum_order_size_is_counted_in_whole_steps_rounded_up() -> None:
    instrument = Instrument("X-USD", Decimal("0.1"), Decimal("0.003"), Decimal("0.01"))

    assert TickGrid(instrument).min_order_steps == 4


def test_a_size_of_billions_of_steps_on_the_grid_stays_there() -> None:
    instrument = Instrument("X-USD", Decimal("0.0001"), Decimal("0.00001"), Decimal("0.00001"))

    assert TickGrid(instrument).size_steps(312_500.0) == 31_250_000_000


def test_a_price_keeps_the_tick_size_exponent() -> None:
    assert str(BTC_GRID.price_of(618002)) == "61800.2"


def test_remembered_prices_and_sizes_stay_exact_past_the_memo_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MEMO_LIMIT", 4)
    grid = TickGrid(BTC_GRID.instrument)
    for _ in range(2):  # the second pass reads from the memo or refills it
        for ticks in range(618000, 618010):
            assert grid.price_of(ticks) == grid.instrument.ticks_to_price(ticks)
            assert grid.size_of(ticks - 617990) == (ticks - 617990) * grid.instrument.step_size
    assert grid == TickGrid(BTC_GRID.instrument)  # the memo is not part of the value
