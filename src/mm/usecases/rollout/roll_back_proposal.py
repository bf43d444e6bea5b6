"""Roll back the params change in force when its proposal's rollback conditions trigger (for the executor).

Only the change in force is watched: the newest params version, when a proposal made it. Its
conditions are judged by `mm.domain.rollback_watch` on the summarizer's minute buckets since the
change; when one triggers, the params it replaced come back as a new version, audited with the
triggered conditions, and the proposal becomes ROLLED_BACK, in one store transaction.

The minute buckets come from `mm summarize`, another process: while a change is watched, the
watcher measures how far they lag behind the clock (since the change at most), and past
`summary_max_lag_ms` it is blind and says so loudly, as a gauge and a WARN line every
`blind_alert_interval_ms`, rather than deferring in silence.
"""

from __future__ import annotations

import structlog

from mm.domain.bucket_width import BucketWidth
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import ReflectionWindow
from mm.domain.rollback_watch import RollbackCheck, RollbackWatchPolicy, check_rollback, observation_window
from mm.domain.rollout import (
    AppliedChange,
    OperationalFacts,
    ParamSource,
    ParamVersion,
    RolloutAction,
    RolloutRecord,
    rollback_params,
)
from mm.ports.bucket_summary_store import BucketSummaryStore
from mm.ports.clock import Clock
from mm.ports.fill_enrichment_store import FillEnrichmentStore
from mm.ports.metrics import Metrics
from mm.ports.param_proposal_store import ParamProposalStore
from mm.ports.param_rollout_store import ParamRolloutStore

_WORST_FILL_COUNT = 1
"""The summary needs only the worst fill's markout."""


class RollbackWatcher:
    def __init__(
        self,
        *,
        proposals: ParamProposalStore,
        rollouts: ParamRolloutStore,
        summaries: BucketSummaryStore,
        fills: FillEnrichmentStore,
        clock: Clock,
        policy: RollbackWatchPolicy | None = None,
        metrics: Metrics | None = None,
        summary_max_lag_ms: int = 300_000,
        blind_alert_interval_ms: int = 180_000,
    ) -> None:
        if summary_max_lag_ms <= 0 or blind_alert_interval_ms <= 0:
            raise ValueError("summary_max_lag_ms and blind_alert_interval_ms must be positive")
        self._proposals = proposals
        self._rollouts = rollouts
        self._summaries = summaries
        self._fills = fills
        self._clock = clock
        self._policy = policy or RollbackWatchPolicy()
        self._summary_max_lag_ms = summary_max_lag_ms
        self._blind_alert_interval_ms = blind_alert_interval_ms
        self._last_blind_alert_ms: dict[str, int] = {}
        self._lag_gauge = (
            metrics.gauge(
                "rollback_watch_summary_lag_seconds",
                "how far the summarizer's minute buckets lag behind the clock while a change is watched",
                ("symbol",),
            )
            if metrics
            else None
        )
        self._blind_gauge = (
            metrics.gauge("rollback_watch_blind", "1 while the rollback watch's minute buckets are stale", ("symbol",))
            if metrics
            else None
        )

    async def roll_back_if_triggered(
        self, exchange: str, symbol: str, facts: OperationalFacts
    ) -> StrategyParams | None:
        """Judge the market's change in force and roll it back if it must be; the params now in force, or None.

        Raises `StoreConflict` when another executor rolled it back (or changed the params) first.
        """
        watched = await self._watched(exchange, symbol)
        if watched is None:
            if self._blind_gauge is not None:
                self._blind_gauge.set(0.0, symbol=symbol)  # nothing watched: nothing to be blind to
            return None
        current, proposal, change = watched
        now_ms = self._clock.now_ms()
        log = structlog.get_logger().bind(exchange=exchange, symbol=symbol, proposal_id=proposal.id)
        await self._watch_summary_lag(exchange, symbol, change.applied_ts_ms, now_ms, log)
        window = observation_window(change.applied_ts_ms, now_ms, self._policy)
        if window is None:
            log.info("rollback_check_deferred", reason="no whole minute has passed since the change")
            return None
        minutes = await self._summaries.summaries_between(
            exchange, symbol, BucketWidth.MINUTE, window.start_ms, window.end_ms
        )
        worst = await self._fills.worst_fills(
            exchange, window.start_ms, window.end_ms, limit=_WORST_FILL_COUNT, symbol=symbol
        )
        check = check_rollback(proposal.proposal.rollback_conditions, minutes, worst, self._policy)
        if not check.should_roll_back:
            _log_unchanged(log, check, window, self._policy)
            return None
        restored = await self._record_rollback(current, change, check, facts, now_ms)
        log.warning(
            "proposal_rolled_back",
            to_version=restored.version,
            restored=change.replaced.version,
            reasons=list(check.reasons()),
        )
        return restored

    async def summary_lag_ms(self, exchange: str, symbol: str, applied_ts_ms: int, now_ms: int) -> int:
        """How far the minute buckets lag behind `now_ms`, counted from the change at most."""
        latest = await self._summaries.latest(exchange, symbol, BucketWidth.MINUTE)
        summarized_to_ms = applied_ts_ms
        if latest is not None:
            summarized_to_ms = max(summarized_to_ms, latest.bucket_start_ms + BucketWidth.MINUTE.ms)
        return max(0, now_ms - summarized_to_ms)

    async def _watch_summary_lag(
        self, exchange: str, symbol: str, applied_ts_ms: int, now_ms: int, log: structlog.typing.FilteringBoundLogger
    ) -> None:
        lag_ms = await self.summary_lag_ms(exchange, symbol, applied_ts_ms, now_ms)
        is_blind = lag_ms > self._summary_max_lag_ms
        if self._lag_gauge is not None and self._blind_gauge is not None:
            self._lag_gauge.set(lag_ms / 1000, symbol=symbol)
            self._blind_gauge.set(1.0 if is_blind else 0.0, symbol=symbol)
        if not is_blind:
            self._last_blind_alert_ms.pop(symbol, None)
            return
        last_ms = self._last_blind_alert_ms.get(symbol)
        if last_ms is None or now_ms - last_ms >= self._blind_alert_interval_ms:
            self._last_blind_alert_ms[symbol] = now_ms
            log.warning(
                "rollback_watch_blind",
                summary_lag_s=round(lag_ms / 1000),
                max_lag_s=self._summary_max_lag_ms // 1000,
                hint="the summarizer's minute buckets are stale: is `mm summarize --loop` running?",
            )

    async def _record_rollback(
        self,
        current: ParamVersion,
        change: AppliedChange,
        check: RollbackCheck,
        facts: OperationalFacts,
        now_ms: int,
    ) -> StrategyParams:
        """Store the replaced params as the next version, the audit row and the proposal's new status, at once."""
        restored = rollback_params(current.params, change.replaced.params)
        record = RolloutRecord(
            exchange=current.exchange,
            symbol=current.symbol,
            ts_ms=now_ms,
            action=RolloutAction.ROLLED_BACK,
            proposal_id=change.proposal_id,
            from_version=current.version,
            to_version=restored.version,
            reasons=check.reasons(),
            facts=facts,
        )
        # The rollback version names the proposal it undoes.
        version = ParamVersion(current.exchange, current.symbol, restored, ParamSource.ROLLBACK, change.proposal_id)
        await self._rollouts.record(record, version)
        return restored

    async def _watched(self, exchange: str, symbol: str) -> tuple[ParamVersion, StoredProposal, AppliedChange] | None:
        """The params in force, when a proposal still APPLIED made them, with that proposal and its change."""
        current = await self._rollouts.current_version(exchange, symbol)
        if current is None or current.source is not ParamSource.PROPOSAL or current.proposal_id is None:
            return None
        proposal = await self._proposals.get(current.proposal_id)
        change = await self._rollouts.applied_change(current.proposal_id)
        if proposal is None or proposal.status is not ProposalStatus.APPLIED:
            return None
        if change is None or change.applied_version != current.version:
            # The audit trail does not say what this version replaced: nothing safe to restore.
            structlog.get_logger().error(
                "rollback_base_unknown", exchange=exchange, symbol=symbol, proposal_id=proposal.id
            )
            return None
        return current, proposal, change


def _log_unchanged(
    log: structlog.typing.FilteringBoundLogger,
    check: RollbackCheck,
    window: ReflectionWindow,
    policy: RollbackWatchPolicy,
) -> None:
    """One line per check that rolled nothing back: held, or still short of evidence (and why)."""
    common = {
        "observed_s": round(check.observed_s),
        "buckets": check.bucket_count,
        "window_start_ms": window.start_ms,
        "window_end_ms": window.end_ms,
    }
    if check.bucket_count == 0:
        log.info("rollback_check_deferred", reason="no summarized trading since the change yet", **common)
    elif check.waiting:
        log.info(
            "rollback_check_deferred",
            reason="not enough evidence yet to judge some conditions",
            waiting=[condition.describe() for condition in check.waiting],
            min_observed_s=policy.min_observed_s,
            full_horizon_observed_s=policy.full_horizon_observed_s,
            **common,
        )
    else:
        log.info("rollback_conditions_held", **common)
