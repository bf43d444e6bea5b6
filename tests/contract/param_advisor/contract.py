"""What every `ParamAdvisor` must do, whoever answers: an LLM over HTTP, a pydantic-ai test model, the offline rules.

Subclasses provide `advisor_answering`: an advisor whose model gives one scripted answer to every request, where an
answer is the output tool's arguments (`proposal_arguments`) or `UNREACHABLE` (the model cannot be reached).
Capability flag, an overridable fixture:
- `checks_answers_against_the_gate`: the advisor sends answers that break the `ParamGate` back and finally refuses
  them (every real advisor does); `ScriptedParamAdvisor` hands its script over unchecked on purpose, so tests can
  show that the workflow's own gate has the final say.
An advisor that cannot be scripted (the offline rules) overrides `advisor` and skips the scripted tests.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pytest

from mm.adapters.llm.proposal_output import proposal_arguments
from mm.domain.advice import AdviceRequest
from mm.domain.param_gate import ParamGate
from mm.domain.params import StrategyParams
from mm.domain.reflection_prompt import build_prompt
from mm.ports.errors import AdvisorOutputInvalid, AdvisorUnavailable
from mm.ports.param_advisor import ParamAdvisor
from tests.reflection_data import reflection_input, sound_proposal

UNREACHABLE = None
"""The scripted answer of a model that cannot be reached (an HTTP error on every request)."""

ModelAnswer = Mapping[str, Any] | None
AdvisorAnswering = Callable[[ModelAnswer], Awaitable[ParamAdvisor]]

PARAMS = StrategyParams(version=7)
SOUND = proposal_arguments(sound_proposal(PARAMS))
NO_CHANGE = {"changes": [], "rollback_conditions": [], "rationale": "nothing to do"}
TOO_LARGE_A_CHANGE = {
    **SOUND,
    "changes": [{"name": "base_half_spread_bps", "new_value": PARAMS.base_half_spread_bps * 3, "reason": "r"}],
}
"""Well formed, but three times the current value: the gate's `change_too_large`."""


class ParamAdvisorContract:
    """Subclasses provide `advisor_answering` and `model_name` (the `Advice.model` their advisor reports)."""

    @pytest.fixture
    def checks_answers_against_the_gate(self) -> bool:
        return True

    @pytest.fixture
    def advice_request(self) -> AdviceRequest:
        reflection = reflection_input(params=PARAMS)
        return AdviceRequest(build_prompt(reflection, ParamGate()), reflection.params)

    @pytest.fixture
    async def advisor(self, advisor_answering: AdvisorAnswering) -> ParamAdvisor:
        """The advisor giving a sound answer to the sample request."""
        return await advisor_answering(SOUND)

    async def test_the_proposal_is_based_on_the_requests_params_version(
        self, advisor: ParamAdvisor, advice_request: AdviceRequest
    ) -> None:
        advice = await advisor.propose(advice_request)
        assert advice.proposal.base_version == PARAMS.version

    async def test_the_proposal_passes_the_gate_for_the_requests_params(
        self, advisor: ParamAdvisor, advice_request: AdviceRequest
    ) -> None:
        advice = await advisor.propose(advice_request)
        assert ParamGate().review(advice.proposal, advice_request.params).is_accepted

    async def test_the_advice_names_the_model_that_made_it(
        self, advisor: ParamAdvisor, advice_request: AdviceRequest, model_name: str
    ) -> None:
        assert (await advisor.propose(advice_request)).model == model_name

    async def test_an_answer_within_the_rules_takes_one_model_request(
        self, advisor: ParamAdvisor, advice_request: AdviceRequest
    ) -> None:
        assert (await advisor.propose(advice_request)).model_requests == 1

    async def test_a_sound_answer_comes_back_as_the_proposal(
        self, advisor_answering: AdvisorAnswering, advice_request: AdviceRequest
    ) -> None:
        advice = await (await advisor_answering(SOUND)).propose(advice_request)
        assert advice.proposal == sound_proposal(PARAMS)

    async def test_an_answer_proposing_no_change_is_passed_on_as_such(
        self, advisor_answering: AdvisorAnswering, advice_request: AdviceRequest
    ) -> None:
        advice = await (await advisor_answering(NO_CHANGE)).propose(advice_request)
        assert (advice.proposal.changes, advice.proposal.rationale) == ((), "nothing to do")

    async def test_an_unreachable_model_raises_advisor_unavailable(
        self, advisor_answering: AdvisorAnswering, advice_request: AdviceRequest
    ) -> None:
        advisor = await advisor_answering(UNREACHABLE)
        with pytest.raises(AdvisorUnavailable):
            await advisor.propose(advice_request)

    async def test_an_answer_that_keeps_breaking_the_gate_raises_advisor_output_invalid(
        self, advisor_answering: AdvisorAnswering, advice_request: AdviceRequest, checks_answers_against_the_gate: bool
    ) -> None:
        if not checks_answers_against_the_gate:
            pytest.skip("this advisor hands its answers over unchecked")
        advisor = await advisor_answering(TOO_LARGE_A_CHANGE)
        with pytest.raises(AdvisorOutputInvalid):
            await advisor.propose(advice_request)

    async def test_a_refused_answer_names_its_problems(
        self, advisor_answering: AdvisorAnswering, advice_request: AdviceRequest, checks_answers_against_the_gate: bool
    ) -> None:
        if not checks_answers_against_the_gate:
            pytest.skip("this advisor hands its answers over unchecked")
        advisor = await advisor_answering(TOO_LARGE_A_CHANGE)
        with pytest.raises(AdvisorOutputInvalid) as refused:
            await advisor.propose(advice_request)
        assert any("change_too_large" in problem for problem in refused.value.problems)

    async def test_an_unchecked_advisor_hands_a_rule_breaking_answer_over_as_it_is(
        self, advisor_answering: AdvisorAnswering, advice_request: AdviceRequest, checks_answers_against_the_gate: bool
    ) -> None:
        if checks_answers_against_the_gate:
            pytest.skip("this advisor checks its answers against the gate")
        advice = await (await advisor_answering(TOO_LARGE_A_CHANGE)).propose(advice_request)
        assert not ParamGate().review(advice.proposal, advice_request.params).is_accepted
