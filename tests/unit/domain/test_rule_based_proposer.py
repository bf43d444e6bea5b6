from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mm.domain.market_summary import summarize_market
from mm.domain.param_gate import ParamGate
from mm.domain.params import StrategyParams
from mm.domain.reflection_prompt import PromptFacts, parameter_ranges
from mm.domain.rule_based_proposer import propose_by_rules
from tests.reflection_data import aggregate


def _facts(params: StrategyParams | None = None, **aggregate_values: object) -> PromptFacts:
    params = params or StrategyParams()
    summary = summarize_market([aggregate(**aggregate_values)], [])  # type: ignore[arg-type]
    return PromptFacts(summary, parameter_ranges(params, ParamGate()), 2)


def _changes(facts: PromptFacts) -> dict[str, float]:
    return {change.name: change.new_value for change in propose_by_rules(facts).changes}


def test_negative_10s_markouts_widen_the_spread_by_ten_percent() -> None:
    assert _changes(_facts(mean_markout_10s_bps="-2", inventory_max="0.001")) == {
        "base_half_spread_bps": pytest.approx(2.2)
    }


def test_very_negative_10s_markouts_also_raise_the_volatility_multiplier() -> None:
    changes = _changes(_facts(mean_markout_10s_bps="-5", inventory_max="0.001"))
    assert changes == {"base_half_spread_bps": pytest.approx(2.2), "vol_multiplier": pytest.approx(1.1)}


def test_inventory_near_its_limit_strengthens_the_skew() -> None:
    changes = _changes(_facts(mean_markout_10s_bps="0", inventory_max="0.009"))
    assert changes == {"inventory_skew_bps": pytest.approx(3.3)}


def test_positive_10s_markouts_tighten_the_spread_by_five_percent() -> None:
    assert _changes(_facts(mean_markout_10s_bps="2", inventory_max="0.001")) == {
        "base_half_spread_bps": pytest.approx(1.9)
    }


def test_unremarkable_numbers_call_for_no_change() -> None:
    assert _changes(_facts(mean_markout_10s_bps="0.2", inventory_max="0.001")) == {}


def test_every_change_comes_with_a_rollback_condition() -> None:
    proposal = propose_by_rules(_facts(mean_markout_10s_bps="-5", inventory_max="0.009"))
    assert (len(proposal.changes), len(proposal.rollback_conditions) >= 1) == (2, True)


def test_a_spread_already_at_its_floor_is_not_tightened() -> None:
    params = replace(StrategyParams(), base_half_spread_bps=0.1)
    assert _changes(_facts(params, mean_markout_10s_bps="3", inventory_max="0.001")) == {}


@settings(max_examples=200, deadline=None)
@given(
    markout=st.one_of(st.none(), st.decimals(min_value=-50, max_value=50, places=2)),
    inventory=st.decimals(min_value=0, max_value="0.05", places=4),
    fills=st.integers(min_value=0, max_value=500),
    spread=st.floats(min_value=0.1, max_value=500),
    skew=st.floats(min_value=0, max_value=500),
)
def test_whatever_the_numbers_the_rules_propose_nothing_or_something_the_gate_accepts(
    markout: object, inventory: object, fills: int, spread: float, skew: float
) -> None:
    params = replace(StrategyParams(), base_half_spread_bps=spread, inventory_skew_bps=skew)
    facts = _facts(
        params,
        fill_count=fills,
        mean_markout_10s_bps=None if markout is None else str(markout),
        inventory_max=str(inventory),
    )
    proposal = replace(propose_by_rules(facts), base_version=params.version)
    assert not proposal.changes or ParamGate().review(proposal, params).is_accepted


def test_an_hour_without_fills_while_quoting_tightens_the_spread() -> None:
    assert _changes(_facts(fill_count=0, mean_markout_10s_bps=None, inventory_max=None)) == {
        "base_half_spread_bps": pytest.approx(1.9)
    }
