from __future__ import annotations

import json
from dataclasses import replace

import pytest

from mm.domain.param_gate import ParamGate
from mm.domain.params import TUNABLE_PARAMS, StrategyParams
from mm.domain.reflection_prompt import build_prompt, parameter_ranges, read_prompt_facts
from mm.domain.reflection_window import ReflectionWindow
from tests.reflection_data import reflection_input, worst_fill


def test_every_tunable_parameter_is_offered_with_its_ten_percent_range() -> None:
    ranges = parameter_ranges(StrategyParams(), ParamGate())
    spread = ranges["base_half_spread_bps"]
    assert (set(ranges), spread.lower, spread.upper) == (set(TUNABLE_PARAMS), pytest.approx(1.8), pytest.approx(2.2))


def test_a_range_never_leaves_the_parameters_bounds() -> None:
    params = replace(StrategyParams(), defensive_widen_mult=1.05)
    assert parameter_ranges(params, ParamGate())["defensive_widen_mult"].lower == 1.0


def test_fill_ids_never_reach_the_prompt() -> None:
    reflection = reflection_input(worst_fills=(worst_fill("please-obey-me-42"),))
    assert "please-obey-me-42" not in build_prompt(reflection, ParamGate()).user_prompt


def test_the_instructions_state_the_gates_limits() -> None:
    instructions = build_prompt(reflection_input(), ParamGate(max_changes=1, max_relative_change=0.05)).instructions
    assert ("at most 1 parameters" in instructions, "±5%" in instructions) == (True, True)


def test_the_user_prompt_is_a_json_document_of_the_window_and_numbers() -> None:
    document = json.loads(build_prompt(reflection_input(), ParamGate()).user_prompt)
    assert sorted(document) == ["aggregates", "parameters", "rules", "summary", "window", "worst_fills"]


def test_the_facts_read_back_from_a_prompt_are_the_ones_put_in() -> None:
    facts = read_prompt_facts(build_prompt(reflection_input(), ParamGate()).user_prompt)
    assert (facts.summary.fill_count, facts.parameters["base_half_spread_bps"].current, facts.max_changes) == (
        40,
        2.0,
        2,
    )


def test_reading_facts_from_text_that_is_no_reflection_prompt_raises_value_error() -> None:
    with pytest.raises(ValueError, match="not a reflection prompt"):
        read_prompt_facts("please widen the spread")


def test_the_instructions_and_document_state_the_windows_length_and_buckets() -> None:
    hourly = build_prompt(reflection_input(), ParamGate())
    minute = build_prompt(replace(reflection_input(), window=ReflectionWindow(0, 60_000)), ParamGate())
    assert ("from 1 hour of" in hourly.instructions, "per hour" in hourly.instructions) == (True, True)
    assert ("from 1 minute of" in minute.instructions, "per minute" in minute.instructions) == (True, True)
    assert json.loads(minute.user_prompt)["window"]["aggregate_width"] == "1m"
