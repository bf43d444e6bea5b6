"""The structure a model must answer in: at most two bounded changes with reasons and rollback conditions.

This pydantic model is the tool schema the model is shown and the first validation its answer
meets. Values are only bounded loosely here (finite, names from closed sets, short texts); the
exact ±10 % and per-parameter bounds are the `ParamGate`'s, applied by the advisor's output
validator and again by the workflow.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from mm.domain.market_summary import ROLLBACK_METRICS
from mm.domain.param_gate import Comparison, ParamChange, ParamProposal, RollbackCondition
from mm.domain.params import TUNABLE_PARAMS

MAX_CHANGES = 2
MAX_REASON_CHARS = 300
MAX_RATIONALE_CHARS = 1_500
MAX_ROLLBACK_CONDITIONS = 4
_TUNABLE = sorted(TUNABLE_PARAMS)


def _tunable(name: str) -> str:
    if name not in TUNABLE_PARAMS:
        raise ValueError(f"{name!r} is not a tunable parameter; choose one of {', '.join(_TUNABLE)}")
    return name


def _rollback_metric(name: str) -> str:
    if name not in ROLLBACK_METRICS:
        raise ValueError(f"{name!r} is not a summary metric; choose one of {', '.join(ROLLBACK_METRICS)}")
    return name


TunableName = Annotated[str, AfterValidator(_tunable), WithJsonSchema({"type": "string", "enum": _TUNABLE})]
RollbackMetric = Annotated[
    str, AfterValidator(_rollback_metric), WithJsonSchema({"type": "string", "enum": list(ROLLBACK_METRICS)})
]
FiniteNumber = Annotated[float, Field(allow_inf_nan=False, ge=-1e12, le=1e12)]


class ChangeOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TunableName = Field(description="the parameter to change")
    new_value: FiniteNumber = Field(description="its new value, inside the parameter's allowed range")
    reason: str = Field(max_length=MAX_REASON_CHARS, description="why, citing the numbers")


class RollbackOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metric: RollbackMetric = Field(description="a metric of the summary")
    comparison: Literal["above", "below"]
    threshold: FiniteNumber


class ProposalOutput(BaseModel):
    """A parameter proposal: no changes at all when the numbers do not call for one."""

    model_config = ConfigDict(extra="forbid")

    changes: list[ChangeOutput] = Field(max_length=MAX_CHANGES)
    rollback_conditions: list[RollbackOutput] = Field(max_length=MAX_ROLLBACK_CONDITIONS)
    rationale: str = Field(max_length=MAX_RATIONALE_CHARS)

    def to_domain(self, base_version: int) -> ParamProposal:
        return ParamProposal(
            changes=tuple(ParamChange(c.name, c.new_value, c.reason) for c in self.changes),
            rollback_conditions=tuple(
                RollbackCondition(c.metric, Comparison(c.comparison), c.threshold) for c in self.rollback_conditions
            ),
            rationale=self.rationale,
            base_version=base_version,
        )


def proposal_arguments(proposal: ParamProposal) -> dict[str, object]:
    """The output-tool arguments that express `proposal` (what a well-behaved model sends)."""
    return {
        "changes": [{"name": c.name, "new_value": c.new_value, "reason": c.reason} for c in proposal.changes],
        "rollback_conditions": [
            {"metric": c.metric, "comparison": c.comparison.value, "threshold": c.threshold}
            for c in proposal.rollback_conditions
        ],
        "rationale": proposal.rationale,
    }
