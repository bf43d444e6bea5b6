"""`PydanticAiParamAdvisor` with pydantic-ai's test models: structure, gate-based retries, error translation."""

from __future__ import annotations

import pytest
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.adapters.llm.proposal_output import proposal_arguments
from mm.domain.advice import AdviceRequest
from mm.domain.param_gate import ParamGate
from mm.domain.reflection_prompt import build_prompt
from mm.ports.errors import AdvisorOutputInvalid
from tests.reflection_data import reflection_input, sound_proposal


def _request() -> AdviceRequest:
    reflection = reflection_input()
    return AdviceRequest(build_prompt(reflection, ParamGate()), reflection.params)


def _scripted(*answers: dict[str, object]) -> tuple[FunctionModel, list[list[ModelMessage]]]:
    seen: list[list[ModelMessage]] = []

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        seen.append(list(messages))
        arguments = answers[min(len(seen), len(answers)) - 1]
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, arguments)])

    return FunctionModel(answer, model_name="scripted"), seen


def _with_change(name: str, value: float, **extra: object) -> dict[str, object]:
    arguments = proposal_arguments(sound_proposal())
    arguments["changes"] = [{"name": name, "new_value": value, "reason": "r"}]
    arguments.update(extra)
    return arguments


async def test_a_valid_answer_becomes_a_proposal_based_on_the_current_params() -> None:
    model, _ = _scripted(proposal_arguments(sound_proposal()))
    advice = await PydanticAiParamAdvisor(model).propose(_request())
    assert (advice.proposal, advice.model, advice.model_requests) == (sound_proposal(), "function:scripted", 1)


async def test_the_offline_model_answers_through_the_same_output_tool() -> None:
    advice = await PydanticAiParamAdvisor(offline_model()).propose(_request())
    assert [change.name for change in advice.proposal.changes] == ["base_half_spread_bps"]


async def test_testmodels_schema_minimum_answer_is_refused_after_its_retries() -> None:
    with pytest.raises(AdvisorOutputInvalid):
        await PydanticAiParamAdvisor(TestModel(), output_retries=1).propose(_request())


async def test_an_answer_breaking_the_gate_is_sent_back_with_the_violation() -> None:
    model, seen = _scripted(_with_change("base_half_spread_bps", 3.0), proposal_arguments(sound_proposal()))
    await PydanticAiParamAdvisor(model).propose(_request())
    retry_text = str(seen[1][-1].parts[0])
    assert "change_too_large" in retry_text


@pytest.mark.parametrize(
    "answer",
    [
        _with_change("hard_max_position", 0.02),
        _with_change("leverage", 2.0),
        {**proposal_arguments(sound_proposal()), "rollback_conditions": []},
        {
            **proposal_arguments(sound_proposal()),
            "changes": [{"name": n, "new_value": 1.0, "reason": "r"} for n in ("vol_multiplier",) * 3],
        },
        {**proposal_arguments(sound_proposal()), "rationale": "x" * 5_000},
        _with_change("base_half_spread_bps", float("nan")),
        {**proposal_arguments(sound_proposal()), "execute": "import os; os.system('reboot')"},
    ],
    ids=["not_tunable", "unknown", "no_rollback", "three_changes", "huge_text", "nan", "extra_field"],
)
async def test_an_answer_that_keeps_breaking_the_rules_is_refused_naming_the_problems(
    answer: dict[str, object],
) -> None:
    model, seen = _scripted(answer)
    with pytest.raises(AdvisorOutputInvalid) as refused:
        await PydanticAiParamAdvisor(model, output_retries=1).propose(_request())
    assert (len(seen), len(refused.value.problems) >= 1) == (2, True)


async def test_an_answer_proposing_no_change_is_passed_on_as_such() -> None:
    model, _ = _scripted({"changes": [], "rollback_conditions": [], "rationale": "nothing to do"})
    advice = await PydanticAiParamAdvisor(model).propose(_request())
    assert advice.proposal.changes == ()


def test_negative_retry_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        PydanticAiParamAdvisor(TestModel(), output_retries=-1)
