"""Apply the newest stored proposal to a market's params, or refuse it, and record either (for the executor).

The decision is `mm.domain.rollout.decide_rollout`'s: the gate again, against the params in force,
plus the executor's operational facts. Before that, the reasoning document stored with the proposal
in the database must hash to its stored sha256, so nothing is applied whose audit trail was lost or
altered; the executor needs no access to the reflector's disk (the file there is the audit copy).
Last, when a `ShadowBacktest` is given, the recent recorded market data is replayed with the params
in force and with the proposed ones; both figures are stored with the decision and, with
`reject_worse`, a proposal that did worse (or could not be replayed) is refused.
"""

from __future__ import annotations

import structlog

from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import (
    OperationalFacts,
    ParamSource,
    ParamVersion,
    RolloutAction,
    RolloutDecision,
    RolloutPolicy,
    RolloutRecord,
    decide_rollout,
)
from mm.domain.shadow_backtest import ShadowComparison
from mm.ports.clock import Clock
from mm.ports.errors import ShadowBacktestFailed
from mm.ports.param_proposal_store import ParamProposalStore
from mm.ports.param_rollout_store import ParamRolloutStore
from mm.ports.shadow_backtest import ShadowBacktest

_log = structlog.get_logger(__name__)


class ProposalApplier:
    """`shadow` None skips the shadow backtest; `shadow_lookback_ms` is the span it replays, up to now."""

    def __init__(
        self,
        *,
        proposals: ParamProposalStore,
        rollouts: ParamRolloutStore,
        clock: Clock,
        policy: RolloutPolicy | None = None,
        shadow: ShadowBacktest | None = None,
        shadow_lookback_ms: int = 3 * 3_600_000,
        reject_worse: bool = True,
    ) -> None:
        if shadow_lookback_ms <= 0:
            raise ValueError("shadow_lookback_ms must be positive")
        self._proposals = proposals
        self._rollouts = rollouts
        self._clock = clock
        self._policy = policy or RolloutPolicy()
        self._shadow = shadow
        self._shadow_lookback_ms = shadow_lookback_ms
        self._reject_worse = reject_worse

    async def apply_newest(self, exchange: str, symbol: str, facts: OperationalFacts) -> RolloutDecision | None:
        """Decide on the market's newest proposed change and record the decision; None when there is none.

        Raises `StoreConflict` when another executor decided on it (or changed the params) first.
        """
        pending = await self._proposals.recent(exchange, symbol, status=ProposalStatus.PROPOSED, limit=1)
        if not pending:
            return None
        proposal = pending[0]
        current = await self._rollouts.current(exchange, symbol)
        if current is None:
            # The executor trades the defaults when nothing is stored; store them so the change has a base.
            current = StrategyParams()
            await self._rollouts.save_version(ParamVersion(exchange, symbol, current, ParamSource.DEFAULT))
        now_ms = self._clock.now_ms()
        decision = decide_rollout(proposal, current, facts, now_ms, self._policy)
        problem = proposal.reasoning_problem()
        if problem is not None:
            decision = RolloutDecision(RolloutAction.REJECTED, (problem, *decision.reasons), None)
        shadow: ShadowComparison | None = None
        if decision.new_params is not None and self._shadow is not None:
            decision, shadow = await self._shadow_check(self._shadow, proposal, current, decision.new_params, now_ms)
        record, new_version = _rows(proposal, current, decision, facts, now_ms, shadow=shadow)
        await self._rollouts.record(record, new_version)
        _log.info(
            "proposal_decided",
            exchange=exchange,
            symbol=symbol,
            proposal_id=proposal.id,
            action=decision.action.value,
            reasons=list(decision.reasons),
            to_version=record.to_version,
            shadow=shadow.describe() if shadow else None,
        )
        return decision

    async def _shadow_check(
        self,
        backtest: ShadowBacktest,
        proposal: StoredProposal,
        current: StrategyParams,
        proposed: StrategyParams,
        now_ms: int,
    ) -> tuple[RolloutDecision, ShadowComparison | None]:
        """Replay the lookback with both params; the decision stands unless the proposal did worse."""
        start_ms = now_ms - self._shadow_lookback_ms
        applied = RolloutDecision(RolloutAction.APPLIED, (), proposed)
        try:
            comparison = ShadowComparison(
                await backtest.replay(proposal.exchange, proposal.symbol, current, start_ms, now_ms),
                await backtest.replay(proposal.exchange, proposal.symbol, proposed, start_ms, now_ms),
            )
        except ShadowBacktestFailed as error:
            _log.warning("shadow_backtest_failed", proposal_id=proposal.id, error=str(error))
            if not self._reject_worse:
                return applied, None
            return RolloutDecision(RolloutAction.REJECTED, (f"shadow backtest could not run: {error}",), None), None
        if comparison.proposed_is_worse and self._reject_worse:
            return RolloutDecision(RolloutAction.REJECTED, (f"{comparison.describe()}: worse",), None), comparison
        return applied, comparison


def _rows(
    proposal: StoredProposal,
    current: StrategyParams,
    decision: RolloutDecision,
    facts: OperationalFacts,
    now_ms: int,
    *,
    shadow: ShadowComparison | None,
) -> tuple[RolloutRecord, ParamVersion | None]:
    """The audit row of a decision, and the params version it creates (None when refused)."""
    record = RolloutRecord(
        exchange=proposal.exchange,
        symbol=proposal.symbol,
        ts_ms=now_ms,
        action=decision.action,
        proposal_id=proposal.id,
        from_version=current.version,
        to_version=decision.new_params.version if decision.new_params else None,
        reasons=decision.reasons,
        facts=facts,
        shadow=shadow,
    )
    if decision.new_params is None:
        return record, None
    return record, ParamVersion(
        proposal.exchange, proposal.symbol, decision.new_params, ParamSource.PROPOSAL, proposal.id
    )
