from __future__ import annotations

import pytest

from mm.adapters.llm.proposal_output import ProposalOutput
from mm.adapters.memory.param_advisor import ScriptedParamAdvisor
from mm.domain.param_gate import ParamProposal
from mm.ports.errors import AdvisorError, AdvisorUnavailable
from tests.contract.param_advisor.contract import PARAMS, AdvisorAnswering, ModelAnswer, ParamAdvisorContract


@pytest.mark.contract
class TestScriptedParamAdvisor(ParamAdvisorContract):
    @pytest.fixture
    def checks_answers_against_the_gate(self) -> bool:
        return False

    @pytest.fixture
    def model_name(self) -> str:
        return "scripted"

    @pytest.fixture
    def advisor_answering(self) -> AdvisorAnswering:
        async def answering(answer: ModelAnswer) -> ScriptedParamAdvisor:
            scripted: ParamProposal | AdvisorError = (
                AdvisorUnavailable("scripted: unreachable")
                if answer is None
                else ProposalOutput.model_validate(answer).to_domain(base_version=PARAMS.version)
            )
            return ScriptedParamAdvisor([scripted])

        return answering
