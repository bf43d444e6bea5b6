from __future__ import annotations

from dataclasses import fields

import pytest

from mm.domain.params import PARAM_BOUNDS, TUNABLE_PARAMS, StrategyParams, merge_overrides, params_with_overrides


def test_the_defaults_are_a_valid_first_version() -> None:
    assert StrategyParams().version == 1


def test_a_value_outside_its_bounds_is_rejected_naming_the_field() -> None:
    with pytest.raises(ValueError, match="base_half_spread_bps"):
        StrategyParams(base_half_spread_bps=0.0)


def test_a_non_finite_value_is_rejected() -> None:
    with pytest.raises(ValueError, match="vol_multiplier"):
        StrategyParams(vol_multiplier=float("nan"))


def test_an_integer_parameter_rejects_a_float() -> None:
    with pytest.raises(ValueError, match="calm_period_ms"):
        StrategyParams(calm_period_ms=1000.5)  # type: ignore[arg-type]


def test_a_boolean_is_not_accepted_as_a_number() -> None:
    with pytest.raises(ValueError, match="error_burst_count"):
        StrategyParams(error_burst_count=True)


def test_a_soft_limit_above_its_hard_limit_is_rejected() -> None:
    with pytest.raises(ValueError, match="divergence_soft_bps"):
        StrategyParams(divergence_soft_bps=80.0, divergence_hard_bps=50.0)


def test_max_position_above_the_hard_limit_is_rejected() -> None:
    with pytest.raises(ValueError, match="max_position"):
        StrategyParams(max_position=0.03, hard_max_position=0.02)


def test_version_zero_is_rejected() -> None:
    with pytest.raises(ValueError, match="version"):
        StrategyParams(version=0)


def test_every_problem_is_named_in_one_error() -> None:
    with pytest.raises(ValueError, match="vol_multiplier") as error:
        StrategyParams(vol_multiplier=-1.0, inventory_skew_bps=-1.0)
    assert "inventory_skew_bps" in str(error.value)


def test_float_parameters_are_stored_as_floats_even_when_given_ints() -> None:
    assert type(StrategyParams(base_half_spread_bps=3).base_half_spread_bps) is float


def test_with_changes_applies_them_and_bumps_the_version() -> None:
    params = StrategyParams(version=4)

    changed = params.with_changes({"base_half_spread_bps": 2.2, "refresh_interval_ms": 5500})

    assert (changed.version, changed.base_half_spread_bps, changed.refresh_interval_ms) == (5, 2.2, 5500)


def test_with_changes_turns_an_integral_float_into_an_int_for_an_integer_parameter() -> None:
    changed = StrategyParams().with_changes({"calm_period_ms": 27000.0})

    assert type(changed.calm_period_ms) is int


def test_with_changes_rejects_a_fractional_value_for_an_integer_parameter() -> None:
    with pytest.raises(ValueError, match="calm_period_ms"):
        StrategyParams().with_changes({"calm_period_ms": 27000.5})


def test_with_changes_rejects_an_unknown_parameter() -> None:
    with pytest.raises(ValueError, match="spread_magic"):
        StrategyParams().with_changes({"spread_magic": 1.0})


def test_with_changes_cannot_set_the_version() -> None:
    with pytest.raises(ValueError, match="version"):
        StrategyParams().with_changes({"version": 9})


def test_with_changes_validates_the_result() -> None:
    with pytest.raises(ValueError, match="max_position"):
        StrategyParams().with_changes({"max_position": 0.5})


def test_bounds_cover_exactly_the_numeric_fields_with_their_integer_kind() -> None:
    numeric = {f.name: f.type for f in fields(StrategyParams) if f.name != "version" and f.type in ("int", "float")}

    assert {name: bounds.is_integer for name, bounds in PARAM_BOUNDS.items()} == {
        name: kind == "int" for name, kind in numeric.items()
    }


def test_the_defaults_lie_inside_their_bounds() -> None:
    defaults = StrategyParams()

    assert all(bounds.contains(getattr(defaults, name)) for name, bounds in PARAM_BOUNDS.items())


def test_hard_limits_and_pause_triggers_are_not_tunable() -> None:
    safety_nets = {
        "hard_max_position",
        "stale_after_ms",
        "mark_index_stale_after_ms",
        "divergence_hard_bps",
        "liquidation_hard_count",
        "error_burst_count",
    }

    assert not safety_nets & TUNABLE_PARAMS


def test_every_tunable_parameter_has_bounds() -> None:
    assert PARAM_BOUNDS.keys() >= TUNABLE_PARAMS


def test_params_survive_a_round_trip_through_a_mapping() -> None:
    params = StrategyParams(version=7, requires_mark_index=False, order_size=0.004)

    assert StrategyParams.from_mapping(params.to_mapping()) == params


def test_a_stored_mapping_with_an_unknown_key_is_rejected() -> None:
    with pytest.raises(ValueError, match="old_name"):
        StrategyParams.from_mapping({**StrategyParams().to_mapping(), "old_name": 1})


def test_later_overrides_win_over_earlier_ones() -> None:
    merged = merge_overrides({"order_size": 0.002, "max_position": 0.015}, {"order_size": 0.003})

    assert merged == {"order_size": 0.003, "max_position": 0.015}


def test_a_version_among_the_overrides_is_dropped() -> None:
    assert params_with_overrides({"version": 7, "order_size": 0.004}).version == 1


def test_missing_overrides_leave_the_defaults() -> None:
    assert params_with_overrides(None, {}) == StrategyParams()


def test_an_unknown_override_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="unknown strategy params: order_sise"):
        params_with_overrides({"order_sise": 0.005})


def test_an_override_out_of_bounds_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="invalid strategy params: base_half_spread_bps"):
        params_with_overrides({"base_half_spread_bps": 9_999})
