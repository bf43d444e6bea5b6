"""The executor's periodic params check of one market: roll back the change in force, then apply a proposal.

Rollback first, so a change whose conditions triggered is undone before anything is built on it.
A conflict (another executor acted first) or a transient store failure skips the market until
the next check, which starts afresh from the store; the engine switches params only after the
store has recorded the change.
"""

from __future__ import annotations

import structlog

from mm.ports.clock import Clock
from mm.ports.errors import RetryableError, StoreConflict
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from mm.usecases.trading.quote_engine import QuoteEngine

_log = structlog.get_logger(__name__)


class ParamsCheck:
    """Either part may be None (switched off)."""

    def __init__(self, *, proposals: ProposalApplier | None, rollbacks: RollbackWatcher | None, clock: Clock) -> None:
        self._proposals = proposals
        self._rollbacks = rollbacks
        self._clock = clock

    @property
    def is_enabled(self) -> bool:
        return self._proposals is not None or self._rollbacks is not None

    async def run(self, engine: QuoteEngine) -> None:
        if self._rollbacks is not None:
            await self._roll_back_if_triggered(self._rollbacks, engine)
        if self._proposals is not None:
            await self._apply_newest_proposal(self._proposals, engine)

    async def _roll_back_if_triggered(self, rollbacks: RollbackWatcher, engine: QuoteEngine) -> None:
        market = engine.config
        facts = engine.operational_facts(self._clock.now_ms())
        try:
            restored = await rollbacks.roll_back_if_triggered(market.exchange, market.symbol, facts)
        except StoreConflict as error:
            # Another executor rolled it back, or the params moved on: the next check starts afresh.
            _log.warning("rollback_check_conflicted", symbol=market.symbol, error=str(error))
            return
        except RetryableError as error:
            _log.warning("rollback_check_failed", symbol=market.symbol, error=str(error))
            return
        if restored is not None:
            engine.apply_params(restored)
            _log.info("strategy_params_applied", symbol=market.symbol, version=restored.version, source="rollback")

    async def _apply_newest_proposal(self, proposals: ProposalApplier, engine: QuoteEngine) -> None:
        market = engine.config
        facts = engine.operational_facts(self._clock.now_ms())
        try:
            decision = await proposals.apply_newest(market.exchange, market.symbol, facts)
        except StoreConflict as error:
            # Another executor decided on it, or the params moved on: the next check starts afresh.
            _log.warning("proposal_check_conflicted", symbol=market.symbol, error=str(error))
            return
        except RetryableError as error:
            _log.warning("proposal_check_failed", symbol=market.symbol, error=str(error))
            return
        if decision is not None and decision.new_params is not None:
            engine.apply_params(decision.new_params)
            _log.info("strategy_params_applied", symbol=market.symbol, version=decision.new_params.version)
