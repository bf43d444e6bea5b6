"""Who proposes parameter changes from a reflection prompt: an LLM, or the offline rules."""

from __future__ import annotations

from typing import Protocol

from mm.domain.advice import Advice, AdviceRequest


class ParamAdvisor(Protocol):
    async def propose(self, request: AdviceRequest) -> Advice:
        """A proposal for the prompt, already checked against `request.params` by the advisor.

        Raises `AdvisorUnavailable` (unreachable, HTTP error, timeout) or `AdvisorOutputInvalid`
        (answers stayed outside the allowed structure after the advisor's bounded retries).
        """
        ...
