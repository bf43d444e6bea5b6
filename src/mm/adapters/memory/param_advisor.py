"""`ParamAdvisor` that answers from a script, unchecked: a stand-in for an advisor that cannot be trusted.

It hands its proposals over exactly as scripted, so tests can show that the workflow's
`ParamGate`, not the advisor's own validation, has the final say.
"""

from __future__ import annotations

from collections.abc import Sequence

from mm.domain.advice import Advice, AdviceRequest
from mm.domain.param_gate import ParamProposal
from mm.ports.errors import AdvisorError


class ScriptedParamAdvisor:
    """Call n answers `script[n]` (the last one again once the script runs out); an error is raised."""

    def __init__(self, script: Sequence[ParamProposal | AdvisorError], model: str = "scripted") -> None:
        if not script:
            raise ValueError("ScriptedParamAdvisor needs at least one answer")
        self._script = tuple(script)
        self._model = model
        self.requests: list[AdviceRequest] = []

    async def propose(self, request: AdviceRequest) -> Advice:
        answer = self._script[min(len(self.requests), len(self._script) - 1)]
        self.requests.append(request)
        if isinstance(answer, AdvisorError):
            raise answer
        return Advice(answer, self._model, model_requests=1)
