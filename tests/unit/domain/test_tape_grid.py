"""The tick and step grid guessed from recorded prices and sizes."""

from __future__ import annotations

from array import array
from decimal import Decimal

from mm.domain.market_tape import BookColumns, MarketTape, TradeColumns
from mm.domain.tape_grid import finest_decimal_grid, infer_instrument


def test_the_grid_is_the_finest_power_of_ten_the_values_sit_on() -> None:
    assert finest_decimal_grid([61800.1, 61800.25, 61801.0]) == Decimal("0.01")


def test_whole_numbers_sit_on_a_grid_of_one() -> None:
    assert finest_decimal_grid([3.0, 5.0]) == Decimal(1)


def test_missing_prices_do_not_count() -> None:
    assert finest_decimal_grid([float("nan"), 0.0, 1.5]) == Decimal("0.1")


def test_the_instrument_takes_its_tick_from_prices_and_its_step_from_sizes() -> None:
    book = BookColumns(
        array("q", [1]), array("d", [93869.5]), array("d", [0.0002]), array("d", [93869.8]), array("d", [0.0001])
    )
    trades = TradeColumns(
        array("q", [2]), array("d", [93869.83]), array("d", [0.0205]), array("b", [1]), array("b", [0]), array("b", [0])
    )
    instrument = infer_instrument(MarketTape("standx", "BTC-USD", book, trades))
    assert (instrument.tick_size, instrument.step_size, instrument.min_order_size) == (
        Decimal("0.01"),
        Decimal("0.0001"),
        Decimal("0.0001"),
    )
