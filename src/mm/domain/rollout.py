"""Whether to apply a stored proposal now, and whether to roll an applied one back. No I/O.

The executor applies a proposal only if the `ParamGate` still passes it against the params in
force *and* operations are calm: no PAUSE now, few recent PAUSEs, no market-data gaps, few
exchange errors, and a proposal that is fresh and whose rollback conditions can be watched.
Every reason to refuse is reported, for the `param_rollout` audit row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from mm.domain.market_summary import ROLLBACK_METRICS, MarketSummary, metric_value
from mm.domain.mode import Mode
from mm.domain.param_gate import Comparison, ParamGate, RollbackCondition
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import HOUR_MS
from mm.domain.shadow_backtest import ShadowComparison


class RolloutAction(StrEnum):
    APPLIED = "applied"
    REJECTED = "rejected"
    ROLLED_BACK = "rolled_back"

    @property
    def proposal_status(self) -> ProposalStatus:
        """The status a proposal moves to when this is done to it."""
        return {
            RolloutAction.APPLIED: ProposalStatus.APPLIED,
            RolloutAction.REJECTED: ProposalStatus.REJECTED,
            RolloutAction.ROLLED_BACK: ProposalStatus.ROLLED_BACK,
        }[self]


class ParamSource(StrEnum):
    """Where a stored `strategy_params` version came from."""

    DEFAULT = "default"
    MANUAL = "manual"
    PROPOSAL = "proposal"
    ROLLBACK = "rollback"


@dataclass(frozen=True, slots=True)
class OperationalFacts:
    """What the executor observed over its recent lookback (counted by it, judged here)."""

    mode: Mode
    pause_count: int
    data_gap_count: int
    exchange_error_count: int


@dataclass(frozen=True, slots=True)
class RolloutPolicy:
    max_pause_count: int = 1
    max_data_gap_count: int = 0
    max_exchange_error_count: int = 3
    max_proposal_age_ms: int = 2 * HOUR_MS
    gate: ParamGate = field(default_factory=ParamGate)


@dataclass(frozen=True, slots=True)
class RolloutDecision:
    """APPLIED with the new params, or REJECTED with every reason."""

    action: RolloutAction
    reasons: tuple[str, ...]
    new_params: StrategyParams | None

    @property
    def is_applied(self) -> bool:
        return self.action is RolloutAction.APPLIED


@dataclass(frozen=True, slots=True)
class ParamVersion:
    """One `strategy_params` row: the params (their `version` is the row's) and where they came from."""

    exchange: str
    symbol: str
    params: StrategyParams
    source: ParamSource
    proposal_id: str | None = None

    @property
    def version(self) -> int:
        return self.params.version


@dataclass(frozen=True, slots=True)
class AppliedChange:
    """A proposal's APPLIED rollout: when it happened, the params version it replaced and the one it made.

    `replaced` is the `strategy_params` row of the rollout's `from_version`: what a rollback restores.
    """

    proposal_id: str
    applied_ts_ms: int
    replaced: ParamVersion
    applied_version: int


@dataclass(frozen=True, slots=True)
class RolloutRecord:
    """One `param_rollout` row: what was done to which proposal, between which param versions, and why."""

    exchange: str
    symbol: str
    ts_ms: int
    action: RolloutAction
    proposal_id: str | None
    from_version: int | None
    to_version: int | None
    reasons: tuple[str, ...] = ()
    facts: OperationalFacts | None = None
    shadow: ShadowComparison | None = None
    """The shadow backtest of both params, when one ran before the decision."""


def decide_rollout(
    proposal: StoredProposal,
    current: StrategyParams,
    facts: OperationalFacts,
    now_ms: int,
    policy: RolloutPolicy | None = None,
) -> RolloutDecision:
    """Apply `proposal` to `current` now, or refuse with every reason."""
    policy = policy or RolloutPolicy()
    reasons = [*_proposal_reasons(proposal, now_ms, policy), *_operational_reasons(facts, policy)]
    verdict = policy.gate.review(proposal.proposal, current)
    reasons.extend(f"gate: {v.kind.value}: {v.detail}" for v in verdict.violations)
    if reasons or verdict.params is None:
        return RolloutDecision(RolloutAction.REJECTED, tuple(reasons), None)
    return RolloutDecision(RolloutAction.APPLIED, (), verdict.params)


def rollback_params(current: StrategyParams, before: StrategyParams) -> StrategyParams:
    """The params that undo a change: the values of `before`, as the version after `current`."""
    return replace(before, version=current.version + 1)


def triggered_rollback_conditions(
    conditions: tuple[RollbackCondition, ...], summary: MarketSummary
) -> tuple[RollbackCondition, ...]:
    """The conditions `summary` crosses. An unknown value triggers nothing: missing evidence is no outcome."""
    triggered: list[RollbackCondition] = []
    for condition in conditions:
        if condition.metric not in ROLLBACK_METRICS:
            continue
        value = metric_value(summary, condition.metric)
        if value is None:
            continue
        crossed = (
            value > condition.threshold if condition.comparison is Comparison.ABOVE else value < condition.threshold
        )
        if crossed:
            triggered.append(condition)
    return tuple(triggered)


def _proposal_reasons(proposal: StoredProposal, now_ms: int, policy: RolloutPolicy) -> list[str]:
    reasons: list[str] = []
    if proposal.status is not ProposalStatus.PROPOSED:
        reasons.append(f"proposal is {proposal.status.value}, not proposed")
    age_ms = now_ms - proposal.created_ts_ms
    if age_ms > policy.max_proposal_age_ms:
        reasons.append(f"proposal is {age_ms} ms old, more than {policy.max_proposal_age_ms} ms")
    unwatchable = sorted({c.metric for c in proposal.proposal.rollback_conditions} - set(ROLLBACK_METRICS))
    if unwatchable:
        reasons.append(f"rollback conditions name metrics nobody measures: {', '.join(unwatchable)}")
    return reasons


def _operational_reasons(facts: OperationalFacts, policy: RolloutPolicy) -> list[str]:
    reasons: list[str] = []
    if facts.mode is Mode.PAUSE:
        reasons.append("the strategy is in PAUSE")
    if facts.pause_count > policy.max_pause_count:
        reasons.append(f"{facts.pause_count} recent PAUSEs, more than {policy.max_pause_count}")
    if facts.data_gap_count > policy.max_data_gap_count:
        reasons.append(f"{facts.data_gap_count} recent market-data gaps, more than {policy.max_data_gap_count}")
    if facts.exchange_error_count > policy.max_exchange_error_count:
        reasons.append(
            f"{facts.exchange_error_count} recent exchange errors, more than {policy.max_exchange_error_count}"
        )
    return reasons
