"""Apply the newest stored proposal to a market's params, or refuse it, and record either (for the executor).

The decision is `mm.domain.rollout.decide_rollout`'s: the gate again, against the params in force,
plus the executor's operational facts. Before that, the reasoning file is read back and must still
hash to the stored sha256, so nothing is applied whose audit trail was lost or altered.
"""

from __future__ import annotations

import hashlib

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
from mm.ports.clock import Clock
from mm.ports.errors import RecordNotFound
from mm.ports.param_proposal_store import ParamProposalStore
from mm.ports.param_rollout_store import ParamRolloutStore
from mm.ports.reasoning_sink import ReasoningSink


class ProposalApplier:
    """`reasoning` None skips the file check (an executor on a host without the reflector's LOG_DIR)."""

    def __init__(
        self,
        *,
        proposals: ParamProposalStore,
        rollouts: ParamRolloutStore,
        reasoning: ReasoningSink | None,
        clock: Clock,
        policy: RolloutPolicy | None = None,
    ) -> None:
        self._proposals = proposals
        self._rollouts = rollouts
        self._reasoning = reasoning
        self._clock = clock
        self._policy = policy or RolloutPolicy()

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
        problem = await self._reasoning_problem(proposal)
        if problem is not None:
            decision = RolloutDecision(RolloutAction.REJECTED, (problem, *decision.reasons), None)
        record, new_version = _rows(proposal, current, decision, facts, now_ms)
        await self._rollouts.record(record, new_version)
        structlog.get_logger().info(
            "proposal_decided",
            exchange=exchange,
            symbol=symbol,
            proposal_id=proposal.id,
            action=decision.action.value,
            reasons=list(decision.reasons),
            to_version=record.to_version,
        )
        return decision

    async def _reasoning_problem(self, proposal: StoredProposal) -> str | None:
        if self._reasoning is None:
            return None
        try:
            data = await self._reasoning.read(proposal.reasoning_path)
        except RecordNotFound:
            return f"reasoning file {proposal.reasoning_path} is missing"
        if hashlib.sha256(data).hexdigest() != proposal.reasoning_sha256:
            return f"reasoning file {proposal.reasoning_path} does not match its stored sha256"
        return None


def _rows(
    proposal: StoredProposal,
    current: StrategyParams,
    decision: RolloutDecision,
    facts: OperationalFacts,
    now_ms: int,
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
    )
    if decision.new_params is None:
        return record, None
    return record, ParamVersion(
        proposal.exchange, proposal.symbol, decision.new_params, ParamSource.PROPOSAL, proposal.id
    )
