"""The `ParamAdvisor` contract for `PydanticAiParamAdvisor` over the real OpenAI client, against a loopback fake."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pydantic_ai.models
import pytest
from pydantic import SecretStr

from mm.adapters.llm.model_resolution import resolve_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.ports.param_advisor import ParamAdvisor
from mm.testing.fake_openai import ErrorReply, FakeOpenAIServer, Reply, ToolCallReply
from tests.contract.param_advisor.contract import AdvisorAnswering, ModelAnswer, ParamAdvisorContract

API_KEY = "sk-contract"


@pytest.mark.contract
@pytest.mark.integration
class TestPydanticAiParamAdvisorOverOpenAI(ParamAdvisorContract):
    @pytest.fixture
    def model_name(self) -> str:
        return "openai:gpt-loopback"

    @pytest.fixture
    async def advisor_answering(self, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AdvisorAnswering]:
        monkeypatch.setattr(pydantic_ai.models, "ALLOW_MODEL_REQUESTS", True)
        servers: list[FakeOpenAIServer] = []

        async def answering(answer: ModelAnswer) -> ParamAdvisor:
            reply: Reply = ErrorReply(500) if answer is None else ToolCallReply(answer)
            server = FakeOpenAIServer([reply], api_key=API_KEY)
            await server.start()
            servers.append(server)
            model = resolve_model("openai:gpt-loopback", api_key=SecretStr(API_KEY), base_url=server.base_url)
            return PydanticAiParamAdvisor(model, transport_retries=0, output_retries=1)

        yield answering
        for server in servers:
            await server.stop()
