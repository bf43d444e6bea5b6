"""Parameter grids: parsed from `NAME=V1,V2`, expanded into every combination in a fixed order."""

from __future__ import annotations

import pytest

from mm.domain.param_grid import BadGrid, GridAxis, expand_grid, parse_axis, point_label


def test_an_axis_reads_numbers_as_numbers_and_keeps_other_text() -> None:
    assert parse_axis("base_half_spread_bps=1, 2.5,x") == GridAxis("base_half_spread_bps", (1, 2.5, "x"))


@pytest.mark.parametrize("text", ["no_equals", "a=1,,2", "=1,2", "a=1,1"])
def test_a_malformed_axis_is_refused(text: str) -> None:
    with pytest.raises(BadGrid):
        parse_axis(text)


def test_the_last_axis_varies_fastest() -> None:
    points = expand_grid([GridAxis("a", (1, 2)), GridAxis("b", (3, 4))])

    assert points == [{"a": 1, "b": 3}, {"a": 1, "b": 4}, {"a": 2, "b": 3}, {"a": 2, "b": 4}]


def test_no_axes_is_one_point_of_defaults() -> None:
    assert expand_grid([]) == [{}]
    assert point_label({}) == "(defaults)"


def test_one_parameter_on_two_axes_is_refused() -> None:
    with pytest.raises(BadGrid, match="a"):
        expand_grid([GridAxis("a", (1,)), GridAxis("a", (2,))])
