"""The offline model: a pydantic-ai `FunctionModel` that answers with the domain's rule-based proposer.

With no `MODEL` configured the reflector uses it, so the whole loop (prompt, agent, output
validation, gate, file, database) runs with no network. It reads the same user prompt a real
model would, and answers through the same output tool.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic_ai.messages import ModelMessage, ModelRequest, ModelResponse, ToolCallPart, UserPromptPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from mm.adapters.llm.proposal_output import proposal_arguments
from mm.domain.reflection_prompt import read_prompt_facts
from mm.domain.rule_based_proposer import propose_by_rules

OFFLINE_MODEL_NAME = "offline-rules"


def offline_model() -> FunctionModel:
    return FunctionModel(answer_by_rules, model_name=OFFLINE_MODEL_NAME)


def answer_by_rules(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """Call the output tool with the rule-based proposal for the prompt's numbers."""
    facts = read_prompt_facts(latest_user_prompt(messages))
    arguments = proposal_arguments(propose_by_rules(facts))
    return ModelResponse(parts=[ToolCallPart(info.output_tools[0].name, arguments)])


def latest_user_prompt(messages: Sequence[ModelMessage]) -> str:
    for message in reversed(messages):
        if isinstance(message, ModelRequest):
            for part in message.parts:
                if isinstance(part, UserPromptPart) and isinstance(part.content, str):
                    return part.content
    raise ValueError("no text user prompt in the conversation")
