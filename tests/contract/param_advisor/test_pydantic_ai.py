"""The `ParamAdvisor` contract for `PydanticAiParamAdvisor` over pydantic-ai's own test models, and the offline rules."""

from __future__ import annotations

import pytest
from pydantic_ai.exceptions import ModelHTTPError
from pydantic_ai.messages import ModelMessage, ModelResponse, ToolCallPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.test import TestModel

from mm.adapters.llm.offline_model import offline_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.ports.param_advisor import ParamAdvisor
from tests.contract.param_advisor.contract import AdvisorAnswering, ModelAnswer, ParamAdvisorContract

OUTPUT_RETRIES = 1


def answering_model(answer: ModelAnswer) -> FunctionModel:
    """A model that calls the output tool with `answer` every time, or fails like an HTTP 500 when it is None."""

    def reply(_messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        if answer is None:
            raise ModelHTTPError(500, "contract", body="scripted failure")
        return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, dict(answer))])

    return FunctionModel(reply, model_name="contract")


@pytest.mark.contract
class TestPydanticAiParamAdvisorOnAFunctionModel(ParamAdvisorContract):
    @pytest.fixture
    def model_name(self) -> str:
        return "function:contract"

    @pytest.fixture
    def advisor_answering(self) -> AdvisorAnswering:
        async def answering(answer: ModelAnswer) -> ParamAdvisor:
            return PydanticAiParamAdvisor(answering_model(answer), output_retries=OUTPUT_RETRIES)

        return answering


@pytest.mark.contract
class TestPydanticAiParamAdvisorOnTestModel(ParamAdvisorContract):
    @pytest.fixture
    def model_name(self) -> str:
        return "test:test"

    @pytest.fixture
    def advisor_answering(self) -> AdvisorAnswering:
        async def answering(answer: ModelAnswer) -> ParamAdvisor:
            if answer is None:
                pytest.skip("pydantic-ai's TestModel always answers")
            model = TestModel(custom_output_args=dict(answer))
            return PydanticAiParamAdvisor(model, output_retries=OUTPUT_RETRIES)

        return answering


@pytest.mark.contract
class TestPydanticAiParamAdvisorOnTheOfflineRules(ParamAdvisorContract):
    @pytest.fixture
    def model_name(self) -> str:
        return "function:offline-rules"

    @pytest.fixture
    def advisor(self) -> ParamAdvisor:
        return PydanticAiParamAdvisor(offline_model(), output_retries=OUTPUT_RETRIES)

    @pytest.fixture
    def advisor_answering(self) -> AdvisorAnswering:
        pytest.skip("the offline rules answer from the prompt's numbers only")
