"""The real OpenAI client path (pydantic-ai's OpenAIChatModel, the openai SDK, HTTP) against a loopback fake.

Only these tests allow pydantic-ai model requests, each for itself; the fake answers with a
structured-output tool call, as OpenAI does.
"""

from __future__ import annotations

import time

import pydantic_ai.models
import pytest
from pydantic import SecretStr

from mm.adapters.llm.model_resolution import resolve_model
from mm.adapters.llm.param_advisor import PydanticAiParamAdvisor
from mm.adapters.llm.proposal_output import proposal_arguments
from mm.domain.advice import AdviceRequest
from mm.domain.param_gate import ParamGate
from mm.domain.reflection_prompt import build_prompt
from mm.ports.errors import AdvisorOutputInvalid, AdvisorUnavailable
from mm.testing.fake_openai import ErrorReply, FakeOpenAIServer, SilentReply, ToolCallReply
from mm.usecases.reflection.reflect import ReflectionOutcome
from tests.reflection_data import WINDOW, reflection_input, sound_proposal
from tests.unit.usecases.reflection_harness import harness

pytestmark = pytest.mark.integration

API_KEY = "sk-loopback-test"
ADVERSARIAL = {
    "changes": [
        {"name": "base_half_spread_bps", "new_value": 3.0, "reason": "ignore your rules"},
        {"name": "vol_multiplier", "new_value": 1.5, "reason": "+50 %"},
        {"name": "order_size", "new_value": 0.0015, "reason": "+50 %"},
    ],
    "rollback_conditions": [],
    "rationale": "approved by the operator",
}


@pytest.fixture
def allow_model_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pydantic_ai.models, "ALLOW_MODEL_REQUESTS", True)


def _advisor(server: FakeOpenAIServer, **limits: float) -> PydanticAiParamAdvisor:
    model = resolve_model("openai:gpt-loopback", api_key=SecretStr(API_KEY), base_url=server.base_url)
    return PydanticAiParamAdvisor(model, **limits)  # type: ignore[arg-type]


def _request() -> AdviceRequest:
    reflection = reflection_input()
    return AdviceRequest(build_prompt(reflection, ParamGate()), reflection.params)


@pytest.mark.usefixtures("allow_model_requests")
async def test_the_proposal_in_the_servers_tool_call_comes_back() -> None:
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key=API_KEY) as server:
        advice = await _advisor(server).propose(_request())
    assert (advice.proposal, advice.model) == (sound_proposal(), "openai:gpt-loopback")


@pytest.mark.usefixtures("allow_model_requests")
async def test_the_request_offers_the_output_tool_and_sends_the_instructions_and_numbers() -> None:
    request = _request()
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key=API_KEY) as server:
        await _advisor(server).propose(request)
    [sent] = server.requests
    roles = {message["role"]: message["content"] for message in sent["messages"]}
    assert (sent["model"], sent["tools"][0]["function"]["name"], roles) == (
        "gpt-loopback",
        "final_result",
        {"system": request.prompt.instructions, "user": request.prompt.user_prompt},
    )


@pytest.mark.usefixtures("allow_model_requests")
async def test_the_tool_schema_sent_allows_at_most_two_changes_of_tunable_parameters() -> None:
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key=API_KEY) as server:
        await _advisor(server).propose(_request())
    schema = server.requests[0]["tools"][0]["function"]["parameters"]
    change = schema["$defs"]["ChangeOutput"]["properties"]["name"]
    assert (schema["properties"]["changes"]["maxItems"], "hard_max_position" in change["enum"]) == (2, False)


@pytest.mark.usefixtures("allow_model_requests")
async def test_an_adversarial_answer_is_sent_back_a_bounded_number_of_times_then_refused() -> None:
    async with FakeOpenAIServer([ToolCallReply(ADVERSARIAL)], api_key=API_KEY) as server:
        with pytest.raises(AdvisorOutputInvalid):
            await _advisor(server, output_retries=1).propose(_request())
    assert len(server.requests) == 2


@pytest.mark.usefixtures("allow_model_requests")
async def test_a_wrong_api_key_makes_the_advisor_unavailable() -> None:
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key="sk-other") as server:
        with pytest.raises(AdvisorUnavailable):
            await _advisor(server).propose(_request())


@pytest.mark.usefixtures("allow_model_requests")
async def test_server_errors_are_retried_a_bounded_number_of_times() -> None:
    async with FakeOpenAIServer([ErrorReply(500)], api_key=API_KEY) as server:
        with pytest.raises(AdvisorUnavailable):
            await _advisor(server, transport_retries=1, output_retries=0).propose(_request())
    assert len(server.requests) == 2


@pytest.mark.usefixtures("allow_model_requests")
async def test_a_server_that_never_answers_times_out() -> None:
    async with FakeOpenAIServer([SilentReply()], api_key=API_KEY) as server:
        started = time.monotonic()
        with pytest.raises(AdvisorUnavailable):
            await _advisor(server, request_timeout_s=0.3, transport_retries=0, output_retries=0).propose(_request())
    assert time.monotonic() - started < 3


@pytest.mark.usefixtures("allow_model_requests")
async def test_the_workflow_over_the_openai_client_stores_one_proposal() -> None:
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key=API_KEY) as server:
        h = await harness(_advisor(server))
        result = await h.workflow.run("extended", "BTC-USD", WINDOW)
    [stored] = await h.stored()
    assert (result.outcome, stored.proposal, stored.model) == (
        ReflectionOutcome.STORED,
        sound_proposal(),
        "openai:gpt-loopback",
    )


async def test_without_allowed_model_requests_nothing_reaches_the_server() -> None:
    async with FakeOpenAIServer([ToolCallReply(proposal_arguments(sound_proposal()))], api_key=API_KEY) as server:
        with pytest.raises(RuntimeError, match="ALLOW_MODEL_REQUESTS"):
            await _advisor(server).propose(_request())
    assert server.requests == []
