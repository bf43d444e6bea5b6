from __future__ import annotations

from decimal import Decimal

from mm.domain.position_timeline import InventoryRange, PositionSample, PositionTimeline

POSITIONS = PositionTimeline(
    [PositionSample(0, Decimal(1)), PositionSample(10, Decimal(3)), PositionSample(20, Decimal(-2))]
)


def test_the_range_includes_the_position_held_when_the_window_opens() -> None:
    assert POSITIONS.range_between(5, 15) == InventoryRange(Decimal(1), Decimal(3))


def test_a_position_replaced_exactly_at_the_window_start_is_not_in_the_range() -> None:
    assert POSITIONS.range_between(10, 15) == InventoryRange(Decimal(3), Decimal(3))


def test_a_position_reported_at_the_window_end_is_not_in_the_range() -> None:
    assert POSITIONS.range_between(0, 20) == InventoryRange(Decimal(1), Decimal(3))


def test_before_any_report_the_range_is_unknown() -> None:
    assert POSITIONS.range_between(-10, 0) is None


def test_samples_inside_a_window_are_detected() -> None:
    assert (POSITIONS.has_samples_between(5, 15), POSITIONS.has_samples_between(11, 20)) == (True, False)
