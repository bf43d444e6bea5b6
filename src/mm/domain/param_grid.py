"""A parameter grid: named axes of values, expanded into every combination in a fixed order. No I/O.

`--grid base_half_spread_bps=1,2,3 --grid inventory_skew_bps=2,4` is two axes and six points; the
last axis varies fastest, so equal grids always give equal point orders (and equal run lists).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


class BadGrid(ValueError):
    """A grid axis is malformed or repeated; the message says which."""


@dataclass(frozen=True, slots=True)
class GridAxis:
    """One parameter and the values it takes, in the order given."""

    name: str
    values: tuple[Any, ...]

    def __post_init__(self) -> None:
        if not self.name:
            raise BadGrid("a grid axis needs a parameter name")
        if not self.values:
            raise BadGrid(f"grid axis {self.name} has no values")
        if len(set(map(json.dumps, self.values))) != len(self.values):
            raise BadGrid(f"grid axis {self.name} repeats a value")


def parse_axis(text: str) -> GridAxis:
    """`name=v1,v2,...`: each value read as JSON (numbers, true/false), else kept as text."""
    name, sep, values = text.partition("=")
    if not sep:
        raise BadGrid(f"expected NAME=V1,V2,..., got {text!r}")
    parts = [part.strip() for part in values.split(",")]
    if any(not part for part in parts):
        raise BadGrid(f"grid axis {name.strip()} has an empty value in {text!r}")
    return GridAxis(name.strip(), tuple(_scalar(part) for part in parts))


def _scalar(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def expand_grid(axes: Sequence[GridAxis]) -> list[dict[str, Any]]:
    """Every combination of the axes' values, the last axis fastest; one empty point for no axes."""
    names = [axis.name for axis in axes]
    if len(set(names)) != len(names):
        raise BadGrid(f"a parameter has two grid axes: {', '.join(sorted(n for n in names if names.count(n) > 1))}")
    return [dict(zip(names, combo, strict=True)) for combo in itertools.product(*(axis.values for axis in axes))]


def point_label(point: Mapping[str, Any]) -> str:
    """`a=1 b=2`: a grid point for tables and reports."""
    return " ".join(f"{name}={value}" for name, value in point.items()) or "(defaults)"
