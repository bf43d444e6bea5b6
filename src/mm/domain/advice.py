"""What a parameter advisor is asked and what it answers. No I/O.

The answer is already a domain `ParamProposal`: whatever the advisor is (an LLM, rules), only its
validated structure crosses into the core, and the `ParamGate` still has the final say.
"""

from __future__ import annotations

from dataclasses import dataclass

from mm.domain.param_gate import ParamProposal
from mm.domain.params import StrategyParams
from mm.domain.reflection_prompt import ReflectionPrompt


@dataclass(frozen=True, slots=True)
class AdviceRequest:
    """A prompt and the params it describes (the advisor checks its answer against them)."""

    prompt: ReflectionPrompt
    params: StrategyParams


@dataclass(frozen=True, slots=True)
class Advice:
    """A proposal (possibly with no changes), which model made it, and how many requests it took."""

    proposal: ParamProposal
    model: str
    model_requests: int
