"""The strategy's versioned parameter set, its bounds and which parameters may be tuned. No I/O.

Sizes are base units of the market (so defaults suit a BTC-sized contract and must be set per
market), spreads and limits are basis points, durations are milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True)
class ParamBounds:
    """The inclusive range a numeric parameter must lie in; `is_integer` parameters take ints only."""

    lower: float
    upper: float
    is_integer: bool = False

    def contains(self, value: float) -> bool:
        return self.lower <= value <= self.upper


_SIZE = ParamBounds(1e-9, 1e9)
_DURATION_MS = ParamBounds(100, 3_600_000, is_integer=True)
_COUNT = ParamBounds(1, 100_000, is_integer=True)

PARAM_BOUNDS: Mapping[str, ParamBounds] = MappingProxyType(
    {
        "base_half_spread_bps": ParamBounds(0.1, 500.0),
        "vol_multiplier": ParamBounds(0.0, 20.0),
        "inventory_skew_bps": ParamBounds(0.0, 500.0),
        "order_size": _SIZE,
        "max_position": _SIZE,
        "hard_max_position": _SIZE,
        "defensive_widen_mult": ParamBounds(1.0, 10.0),
        "vol_soft_bps": ParamBounds(0.1, 1_000.0),
        "refresh_interval_ms": _DURATION_MS,
        "price_tolerance_bps": ParamBounds(0.0, 100.0),
        "min_tick_interval_ms": ParamBounds(1, 60_000, is_integer=True),
        "max_tick_interval_ms": ParamBounds(1, 60_000, is_integer=True),
        "stale_after_ms": ParamBounds(100, 60_000, is_integer=True),
        "mark_index_stale_after_ms": ParamBounds(100, 600_000, is_integer=True),
        "divergence_soft_bps": ParamBounds(0.1, 10_000.0),
        "divergence_hard_bps": ParamBounds(0.1, 10_000.0),
        "liquidation_window_ms": _DURATION_MS,
        "liquidation_soft_count": _COUNT,
        "liquidation_hard_count": _COUNT,
        "error_burst_count": _COUNT,
        "error_window_ms": _DURATION_MS,
        "calm_period_ms": ParamBounds(0, 3_600_000, is_integer=True),
        "vol_min_samples": _COUNT,
        "price_jump_band_bps": ParamBounds(1.0, 5_000.0),
        "price_confirm_updates": ParamBounds(1, 1_000, is_integer=True),
        "max_order_deviation_bps": ParamBounds(1.0, 5_000.0),
    }
)
"""Bounds of every numeric field of `StrategyParams`; the constructor and the gate enforce them."""

TUNABLE_PARAMS: frozenset[str] = frozenset(
    {
        "base_half_spread_bps",
        "vol_multiplier",
        "inventory_skew_bps",
        "order_size",
        "max_position",
        "defensive_widen_mult",
        "vol_soft_bps",
        "refresh_interval_ms",
        "price_tolerance_bps",
        "calm_period_ms",
    }
)
"""What an automated proposal may change: quote shape and soft limits. Hard risk limits, staleness
and PAUSE triggers stay in human hands, so no proposal can switch off a safety net."""


@dataclass(frozen=True, slots=True)
class StrategyParams:
    """One validated, versioned set of quoting and risk parameters.

    Quoting: half-spread = (base_half_spread_bps + vol_multiplier × per-second volatility in bps),
    times defensive_widen_mult in DEFENSIVE; both quotes move against inventory by
    inventory_skew_bps × position / max_position. The bid is dropped at +max_position and the ask
    at -max_position; no order may let a fill take |position| past hard_max_position.
    Risk: the *_soft_* limits (and |position| at max_position, volatility at vol_soft_bps) make the
    strategy DEFENSIVE, the hard ones PAUSE it. refresh_interval_ms, price_tolerance_bps and the
    tick intervals steer the executor's order planner and tick throttle, not `decide`.
    Price sanity: a best bid or ask more than price_jump_band_bps from the last trusted one (or from
    both mark and index) PAUSEs until price_confirm_updates further books stay there or a trade prints
    there. No order may be sent more than max_order_deviation_bps from mark/index (a fat-finger check);
    keep it wider than the widest spread the quote parameters can ask for.
    """

    version: int = 1
    base_half_spread_bps: float = 2.0
    vol_multiplier: float = 1.0
    inventory_skew_bps: float = 3.0
    order_size: float = 0.001
    max_position: float = 0.01
    hard_max_position: float = 0.02
    defensive_widen_mult: float = 2.0
    vol_soft_bps: float = 8.0
    refresh_interval_ms: int = 5_000
    price_tolerance_bps: float = 1.0
    min_tick_interval_ms: int = 50
    max_tick_interval_ms: int = 1_000
    stale_after_ms: int = 3_000
    mark_index_stale_after_ms: int = 15_000
    requires_mark_index: bool = True
    divergence_soft_bps: float = 25.0
    divergence_hard_bps: float = 75.0
    liquidation_window_ms: int = 10_000
    liquidation_soft_count: int = 3
    liquidation_hard_count: int = 10
    error_burst_count: int = 5
    error_window_ms: int = 10_000
    calm_period_ms: int = 30_000
    vol_min_samples: int = 5
    price_jump_band_bps: float = 200.0
    price_confirm_updates: int = 3
    max_order_deviation_bps: float = 500.0

    def __post_init__(self) -> None:
        problems = _field_problems(self) or _cross_field_problems(self)
        if problems:
            raise ValueError("invalid strategy params: " + "; ".join(problems))

    def with_changes(self, changes: Mapping[str, float | int]) -> StrategyParams:
        """Return a copy with `changes` applied and the version bumped; raises ValueError if invalid."""
        unknown = sorted(set(changes) - PARAM_BOUNDS.keys())
        if unknown:
            raise ValueError(f"unknown or non-numeric parameters: {', '.join(unknown)}")
        updates: dict[str, Any] = {name: coerce_param_value(name, value) for name, value in changes.items()}
        updates["version"] = self.version + 1
        return replace(self, **updates)

    def to_mapping(self) -> dict[str, Any]:
        """A JSON-ready mapping of every field, version included, for storage."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @staticmethod
    def from_mapping(values: Mapping[str, Any]) -> StrategyParams:
        """Rebuild stored params; unknown keys raise, so a renamed field cannot be silently dropped.

        One ValueError names the unknown keys and the first bad value of the known ones together, so a
        typo does not hide a range error behind it.
        """
        known = {f.name for f in fields(StrategyParams)}
        unknown = sorted(set(values) - known)
        problems = [f"unknown strategy params: {', '.join(unknown)}"] if unknown else []
        try:
            params = StrategyParams(**{name: value for name, value in values.items() if name in known})
        except (ValueError, TypeError) as error:
            problems.append(str(error))
        if problems:
            raise ValueError("; ".join(problems))
        return params


def merge_overrides(*layers: Mapping[str, Any] | None) -> dict[str, Any]:
    """Merge mappings of `StrategyParams` fields, each over the ones before it (None: no overrides).

    `version` keys are dropped: an override names values, while versions number the sets the
    database holds, so a copy of stored params can be pasted as an override unchanged.
    """
    merged: dict[str, Any] = {}
    for layer in layers:
        merged.update((name, value) for name, value in (layer or {}).items() if name != "version")
    return merged


def params_with_overrides(*layers: Mapping[str, Any] | None) -> StrategyParams:
    """The default params (version 1) with `layers` merged over them; ValueError names unknown or bad fields."""
    return StrategyParams.from_mapping(merge_overrides(*layers))


def coerce_param_value(name: str, value: float) -> float | int:
    """Convert a proposed value to the field's type: an integral float becomes an int for int fields.

    Raises ValueError for a non-integral value of an integer parameter or a non-number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not PARAM_BOUNDS[name].is_integer:
        return float(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(value)


def _field_problems(params: StrategyParams) -> list[str]:
    problems: list[str] = []
    if isinstance(params.version, bool) or not isinstance(params.version, int) or params.version < 1:
        problems.append(f"version must be an int >= 1, got {params.version!r}")
    if not isinstance(params.requires_mark_index, bool):
        problems.append(f"requires_mark_index must be a bool, got {params.requires_mark_index!r}")
    for name, bounds in PARAM_BOUNDS.items():
        value = getattr(params, name)
        problem = _value_problem(name, value, bounds)
        if problem:
            problems.append(problem)
        elif not bounds.is_integer:
            # Stored as float whatever was passed, so stored and compared values have one type.
            object.__setattr__(params, name, float(value))
    return problems


def _value_problem(name: str, value: object, bounds: ParamBounds) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{name} must be a number, got {value!r}"
    if bounds.is_integer and not isinstance(value, int):
        return f"{name} must be an int, got {value!r}"
    if not math.isfinite(value) or not bounds.contains(value):
        return f"{name}={value!r} is outside [{bounds.lower}, {bounds.upper}]"
    return None


def _cross_field_problems(params: StrategyParams) -> list[str]:
    ordered_pairs = (
        ("max_position", "hard_max_position"),
        ("order_size", "hard_max_position"),
        ("divergence_soft_bps", "divergence_hard_bps"),
        ("liquidation_soft_count", "liquidation_hard_count"),
        ("min_tick_interval_ms", "max_tick_interval_ms"),
    )
    return [
        f"{low} ({getattr(params, low)}) must not exceed {high} ({getattr(params, high)})"
        for low, high in ordered_pairs
        if getattr(params, low) > getattr(params, high)
    ]
