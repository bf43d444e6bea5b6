"""The gate every automated parameter proposal must pass, whatever proposed it. No I/O.

A proposal passes only with one or two changes, each to a known tunable parameter, within ±10 %
of its current value and inside its bounds, with at least one usable rollback condition, and
with a valid parameter set as the result. The gate reports every violation, not just the first,
so a rejected proposal can be logged and counted in full.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from mm.domain.params import PARAM_BOUNDS, TUNABLE_PARAMS, StrategyParams

# Floats cannot say 2.2 - 2.0 == 0.2 exactly; a change of exactly the limit must still pass.
_RELATIVE_SLACK = 1e-9


class Comparison(StrEnum):
    ABOVE = "above"
    BELOW = "below"


@dataclass(frozen=True, slots=True)
class RollbackCondition:
    """Roll the change back when `metric` goes `comparison` `threshold` (e.g. markout_10s_bps below -2)."""

    metric: str
    comparison: Comparison
    threshold: float

    def describe(self) -> str:
        return f"{self.metric} {self.comparison} {self.threshold}"


@dataclass(frozen=True, slots=True)
class ParamChange:
    """Set parameter `name` to `new_value`, because of `reason`.

    Not validated on construction on purpose: proposals come from outside (an LLM) and the gate,
    not a constructor exception, must report everything wrong with them.
    """

    name: str
    new_value: float
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ParamProposal:
    """Changes to the params of version `base_version` (None: whatever is current), and how to undo them."""

    changes: tuple[ParamChange, ...]
    rollback_conditions: tuple[RollbackCondition, ...]
    rationale: str = ""
    base_version: int | None = None


class ViolationKind(StrEnum):
    NO_CHANGES = "no_changes"
    TOO_MANY_CHANGES = "too_many_changes"
    STALE_BASE_VERSION = "stale_base_version"
    NO_ROLLBACK_CONDITION = "no_rollback_condition"
    INVALID_ROLLBACK_CONDITION = "invalid_rollback_condition"
    UNKNOWN_PARAMETER = "unknown_parameter"
    NOT_TUNABLE = "not_tunable"
    DUPLICATE_PARAMETER = "duplicate_parameter"
    INVALID_VALUE = "invalid_value"
    CHANGE_TOO_LARGE = "change_too_large"
    OUT_OF_BOUNDS = "out_of_bounds"
    INVALID_RESULT = "invalid_result"


@dataclass(frozen=True, slots=True)
class ParamViolation:
    kind: ViolationKind
    parameter: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class GateVerdict:
    """Every violation found; `params` is the new parameter set (version bumped) when there are none."""

    violations: tuple[ParamViolation, ...]
    params: StrategyParams | None

    @property
    def is_accepted(self) -> bool:
        return not self.violations


@dataclass(frozen=True, slots=True)
class ParamGate:
    """Checks proposals against the current params; the limits are fields so tests can name them."""

    max_changes: int = 2
    max_relative_change: float = 0.10
    tunable: frozenset[str] = TUNABLE_PARAMS

    def review(self, proposal: ParamProposal, current: StrategyParams) -> GateVerdict:
        """Return every violation of `proposal` against `current`, or the params it leads to."""
        violations = self._proposal_violations(proposal, current)
        seen: set[str] = set()
        for change in proposal.changes:
            violations.extend(self._change_violations(change, current, seen))
            seen.add(change.name)
        if violations:
            return GateVerdict(tuple(violations), None)
        try:
            new_params = current.with_changes({change.name: change.new_value for change in proposal.changes})
        except ValueError as error:
            return GateVerdict((ParamViolation(ViolationKind.INVALID_RESULT, None, str(error)),), None)
        return GateVerdict((), new_params)

    def _proposal_violations(self, proposal: ParamProposal, current: StrategyParams) -> list[ParamViolation]:
        violations: list[ParamViolation] = []
        count = len(proposal.changes)
        if count == 0:
            violations.append(ParamViolation(ViolationKind.NO_CHANGES, None, "a proposal must change something"))
        elif count > self.max_changes:
            detail = f"{count} changes, at most {self.max_changes} allowed"
            violations.append(ParamViolation(ViolationKind.TOO_MANY_CHANGES, None, detail))
        if proposal.base_version is not None and proposal.base_version != current.version:
            detail = f"proposed against version {proposal.base_version}, current is {current.version}"
            violations.append(ParamViolation(ViolationKind.STALE_BASE_VERSION, None, detail))
        if not proposal.rollback_conditions:
            detail = "at least one rollback condition is required"
            violations.append(ParamViolation(ViolationKind.NO_ROLLBACK_CONDITION, None, detail))
        violations.extend(
            ParamViolation(ViolationKind.INVALID_ROLLBACK_CONDITION, None, repr(condition))
            for condition in proposal.rollback_conditions
            if not _is_usable(condition)
        )
        return violations

    def _change_violations(self, change: ParamChange, current: StrategyParams, seen: set[str]) -> list[ParamViolation]:
        name = change.name
        bounds = PARAM_BOUNDS.get(name)
        if bounds is None:
            return [ParamViolation(ViolationKind.UNKNOWN_PARAMETER, name, f"no numeric parameter named {name!r}")]
        violations: list[ParamViolation] = []
        if name not in self.tunable:
            violations.append(ParamViolation(ViolationKind.NOT_TUNABLE, name, f"{name} may only be changed by hand"))
        if name in seen:
            violations.append(ParamViolation(ViolationKind.DUPLICATE_PARAMETER, name, f"{name} is changed twice"))
        value = change.new_value
        if not _is_number(value) or (bounds.is_integer and not float(value).is_integer()):
            kind = "an integer" if bounds.is_integer else "a finite number"
            violations.append(ParamViolation(ViolationKind.INVALID_VALUE, name, f"{value!r} is not {kind}"))
            return violations
        current_value: float = getattr(current, name)
        allowed = self.max_relative_change * abs(current_value)
        if abs(value - current_value) > allowed * (1 + _RELATIVE_SLACK):
            detail = f"{current_value} -> {value} exceeds ±{self.max_relative_change:.0%}"
            violations.append(ParamViolation(ViolationKind.CHANGE_TOO_LARGE, name, detail))
        if not bounds.contains(value):
            detail = f"{value} is outside [{bounds.lower}, {bounds.upper}]"
            violations.append(ParamViolation(ViolationKind.OUT_OF_BOUNDS, name, detail))
        return violations


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_usable(condition: RollbackCondition) -> bool:
    return (
        isinstance(condition.comparison, Comparison)
        and bool(condition.metric.strip())
        and _is_number(condition.threshold)
    )
