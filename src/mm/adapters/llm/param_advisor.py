"""`ParamAdvisor` on pydantic-ai: an Agent with a structured output, checked by the `ParamGate`.

The Agent is built here, in the constructor, from an injected pydantic-ai `Model`: a provider's
model in production, `TestModel`/`FunctionModel` in unit tests, an OpenAI model pointed at the
loopback fake in integration tests, or the offline rule-based model. The model's answer is only
ever parsed into `ProposalOutput`; an answer outside the rules is sent back with `ModelRetry`,
a bounded number of times, and then given up on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from pydantic import ValidationError
from pydantic_ai import Agent, ModelRetry, RunContext, capture_run_messages
from pydantic_ai.exceptions import AgentRunError, ModelAPIError, UnexpectedModelBehavior, UsageLimitExceeded
from pydantic_ai.messages import ModelMessage, RetryFeedbackPart, ToolReturnPart
from pydantic_ai.models import Model
from pydantic_ai.usage import UsageLimits

from mm.adapters.llm.proposal_output import ProposalOutput
from mm.domain.advice import Advice, AdviceRequest
from mm.domain.param_gate import ParamGate
from mm.domain.params import StrategyParams
from mm.ports.errors import AdvisorOutputInvalid, AdvisorUnavailable


class PydanticAiParamAdvisor:
    """Asks `model` for a proposal; each request is limited to `request_timeout_s`.

    `transport_retries` are the provider SDK's retries of a failed HTTP request; `output_retries`
    are how often an answer that breaks the schema or the gate is sent back for another try. The
    whole run is bounded by the product of both, so a hung provider cannot stall the loop.
    """

    def __init__(
        self,
        model: Model,
        *,
        request_timeout_s: float = 60.0,
        transport_retries: int = 2,
        output_retries: int = 2,
        gate: ParamGate | None = None,
    ) -> None:
        if request_timeout_s <= 0 or transport_retries < 0 or output_retries < 0:
            raise ValueError("timeouts must be positive and retry counts not negative")
        self.model_id = model.model_id
        self._gate = gate or ParamGate()
        self._max_requests = output_retries + 1
        self._run_timeout_s = request_timeout_s * (transport_retries + 1) * self._max_requests
        self._agent = Agent(
            model,
            output_type=ProposalOutput,
            deps_type=StrategyParams,
            name="param_advisor",
            retries={"tools": 0, "output": output_retries},
            model_settings={
                "temperature": 0.0,
                "timeout": request_timeout_s,
                "request_timeout": request_timeout_s * (transport_retries + 1),
                "max_retries": transport_retries,
            },
        )
        self._agent.output_validator(self._check_with_gate)

    async def propose(self, request: AdviceRequest) -> Advice:
        with capture_run_messages() as messages:
            try:
                async with asyncio.timeout(self._run_timeout_s):
                    result = await self._agent.run(
                        request.prompt.user_prompt,
                        instructions=request.prompt.instructions,
                        deps=request.params,
                        usage_limits=UsageLimits(request_limit=self._max_requests),
                    )
            except (ModelAPIError, TimeoutError) as error:
                raise AdvisorUnavailable(f"{self.model_id}: {type(error).__name__}: {error}") from error
            except (UnexpectedModelBehavior, UsageLimitExceeded) as error:
                problems = (*retry_feedback(messages), *_final_problems(error))
                raise AdvisorOutputInvalid(f"{self.model_id}: {error}", problems) from error
            except AgentRunError as error:
                raise AdvisorUnavailable(f"{self.model_id}: {type(error).__name__}: {error}") from error
        proposal = result.output.to_domain(base_version=request.params.version)
        return Advice(proposal, self.model_id, result.usage.requests)

    def _check_with_gate(self, context: RunContext[StrategyParams], output: ProposalOutput) -> ProposalOutput:
        """Send an answer that breaks the gate back to the model, naming every violation."""
        if not output.changes:
            return output
        verdict = self._gate.review(output.to_domain(base_version=context.deps.version), context.deps)
        if not verdict.is_accepted:
            details = "; ".join(f"{v.kind}: {v.detail}" for v in verdict.violations)
            raise ModelRetry(f"the proposal breaks the rules ({details}); answer again within them")
        return output


def retry_feedback(messages: Sequence[ModelMessage]) -> tuple[str, ...]:
    """What the model was told was wrong with its answers, one line per problem, oldest first."""
    problems: list[str] = []
    for message in messages:
        for part in message.parts:
            if isinstance(part, RetryFeedbackPart) or (isinstance(part, ToolReturnPart) and part.outcome == "retried"):
                problems.extend(_problem_lines(part.content))
    return tuple(problems)


def _final_problems(error: BaseException) -> list[str]:
    """What was wrong with the last answer, which pydantic-ai gives up on without sending it back."""
    cause = error.__cause__
    if isinstance(cause, ValidationError):
        return _problem_lines(cause.errors(include_url=False))
    if isinstance(cause, ModelRetry):
        return [cause.message]
    return []


def _problem_lines(content: object) -> list[str]:
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            f"{'.'.join(str(p) for p in item.get('loc', ()))}: {item.get('msg', item)}"
            if isinstance(item, dict)
            else str(item)
            for item in content
        ]
    return [str(content)]
