from __future__ import annotations

import pytest
from pydantic import ValidationError

from mm.adapters.llm.proposal_output import ProposalOutput, proposal_arguments
from tests.reflection_data import sound_proposal


def test_a_proposal_survives_the_round_trip_through_tool_arguments() -> None:
    proposal = sound_proposal()
    output = ProposalOutput.model_validate(proposal_arguments(proposal))
    assert output.to_domain(base_version=1) == proposal


def test_the_json_schema_names_only_tunable_parameters_and_summary_metrics() -> None:
    schema = ProposalOutput.model_json_schema()
    names = schema["$defs"]["ChangeOutput"]["properties"]["name"]["enum"]
    metrics = schema["$defs"]["RollbackOutput"]["properties"]["metric"]["enum"]
    assert ("max_position" in names, "hard_max_position" in names, "mean_markout_10s_bps" in metrics) == (
        True,
        False,
        True,
    )


def test_a_rollback_condition_on_a_metric_nobody_measures_is_invalid() -> None:
    arguments = proposal_arguments(sound_proposal())
    arguments["rollback_conditions"] = [{"metric": "vibes", "comparison": "below", "threshold": 1.0}]
    with pytest.raises(ValidationError, match="not a summary metric"):
        ProposalOutput.model_validate(arguments)


def test_an_infinite_value_is_invalid() -> None:
    arguments = proposal_arguments(sound_proposal())
    arguments["changes"] = [{"name": "vol_multiplier", "new_value": float("inf"), "reason": ""}]
    with pytest.raises(ValidationError):
        ProposalOutput.model_validate(arguments)
