"""The reflection workflow: fetch input -> evidence -> prompt -> advisor -> gate -> reasoning file -> database.

One run looks at one market and one window and stores at most one proposal. Each step is a method
with a typed input and output. A window with too little trading (`EvidencePolicy`) never reaches
the model. Whatever the advisor says, the `ParamGate` decides: a proposal that fails it is logged
with every violation, counted, and never stored. The reasoning file is written before the row, so
a failed write leaves no row, and its bytes are stored with the row for the executor to verify.
Every decided window's outcome (proposed, no change, rejected, too little evidence) is recorded
once, and a decided window is skipped; only an unavailable advisor leaves it for the next run.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import structlog

from mm.domain.advice import Advice, AdviceRequest
from mm.domain.param_gate import GateVerdict, ParamGate, ParamViolation
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reasoning_record import ReasoningReceipt, ReasoningRecord
from mm.domain.reflection_evidence import EvidencePolicy, evidence_shortfalls
from mm.domain.reflection_input import ReflectionInput
from mm.domain.reflection_outcome import WindowDecision, WindowOutcome
from mm.domain.reflection_prompt import ReflectionPrompt, build_prompt
from mm.domain.reflection_window import ReflectionWindow
from mm.ports.bucket_summary_store import BucketSummaryStore
from mm.ports.clock import Clock
from mm.ports.errors import AdvisorOutputInvalid, AdvisorUnavailable, StoreConflict
from mm.ports.fill_enrichment_store import FillEnrichmentStore
from mm.ports.metrics import Metrics
from mm.ports.param_advisor import ParamAdvisor
from mm.ports.param_proposal_store import ParamProposalStore
from mm.ports.reasoning_sink import ReasoningSink
from mm.ports.reflection_outcome_store import ReflectionOutcomeStore
from mm.ports.strategy_params_source import StrategyParamsSource


class ReflectionOutcome(StrEnum):
    STORED = "stored"
    ALREADY_PROPOSED = "already_proposed"
    ALREADY_DECIDED = "already_decided"
    TOO_LITTLE_EVIDENCE = "too_little_evidence"
    NO_CHANGE = "no_change"
    REJECTED = "rejected"
    ADVISOR_UNAVAILABLE = "advisor_unavailable"

    @property
    def window_outcome(self) -> WindowOutcome | None:
        """The outcome stored for the window, or None when this run decided nothing about it."""
        return _STORED_OUTCOMES.get(self)


_STORED_OUTCOMES = {
    ReflectionOutcome.STORED: WindowOutcome.PROPOSED,
    ReflectionOutcome.TOO_LITTLE_EVIDENCE: WindowOutcome.TOO_LITTLE_EVIDENCE,
    ReflectionOutcome.NO_CHANGE: WindowOutcome.NO_CHANGE,
    ReflectionOutcome.REJECTED: WindowOutcome.REJECTED,
}


@dataclass(frozen=True, slots=True)
class ReflectionResult:
    """What one run did; `problems` are the violations (or advisor complaints) of a rejected proposal."""

    exchange: str
    symbol: str
    window: ReflectionWindow
    outcome: ReflectionOutcome
    proposal_id: str | None = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MarketWindow:
    exchange: str
    symbol: str
    window: ReflectionWindow


@dataclass(frozen=True, slots=True)
class AcceptedAdvice:
    """Advice the gate let through, with the params it leads to."""

    reflection: ReflectionInput
    prompt: ReflectionPrompt
    advice: Advice
    new_params: StrategyParams


_Log = structlog.typing.FilteringBoundLogger


def _new_proposal_id() -> str:
    return uuid.uuid4().hex


class ReflectionWorkflow:
    def __init__(
        self,
        *,
        summaries: BucketSummaryStore,
        fills: FillEnrichmentStore,
        params: StrategyParamsSource,
        advisor: ParamAdvisor,
        reasoning: ReasoningSink,
        proposals: ParamProposalStore,
        outcomes: ReflectionOutcomeStore,
        clock: Clock,
        metrics: Metrics,
        gate: ParamGate | None = None,
        evidence: EvidencePolicy | None = None,
        worst_fills_limit: int = 10,
        new_proposal_id: Callable[[], str] = _new_proposal_id,
    ) -> None:
        if worst_fills_limit < 1:
            raise ValueError("worst_fills_limit must be at least 1")
        self._summaries = summaries
        self._fills = fills
        self._params = params
        self._advisor = advisor
        self._reasoning = reasoning
        self._proposals = proposals
        self._outcomes = outcomes
        self._clock = clock
        self._gate = gate or ParamGate()
        self._evidence = evidence or EvidencePolicy()
        self._worst_fills_limit = worst_fills_limit
        self._new_proposal_id = new_proposal_id
        self._runs = metrics.counter("reflector_runs_total", "reflection runs by outcome", ("symbol", "outcome"))
        self._rejections = metrics.counter(
            "reflector_proposals_rejected_total", "proposals rejected, by who rejected them", ("symbol", "stage")
        )
        self._violations = metrics.counter("reflector_gate_violations_total", "ParamGate violations", ("kind",))
        self._advisor_s = metrics.histogram("reflector_advisor_seconds", "time to get advice", ("symbol",))

    async def run(self, exchange: str, symbol: str, window: ReflectionWindow) -> ReflectionResult:
        """Reflect on one market's window and store at most one proposal."""
        target = MarketWindow(exchange, symbol, window)
        log = structlog.get_logger().bind(
            exchange=exchange, symbol=symbol, window_start_ms=window.start_ms, window_end_ms=window.end_ms
        )
        if await self._outcomes.get(exchange, symbol, window) is not None:
            return self._skip(target, log, ReflectionOutcome.ALREADY_DECIDED)
        if await self._proposals.exists_for_window(exchange, symbol, window):
            return self._skip(target, log, ReflectionOutcome.ALREADY_PROPOSED)
        reflection = await self.fetch_input(target)
        shortfalls = evidence_shortfalls(reflection, self._evidence)
        if shortfalls:
            log.info("reflection_skipped", reason=ReflectionOutcome.TOO_LITTLE_EVIDENCE.value, shortfalls=shortfalls)
            return await self._finish(target, ReflectionOutcome.TOO_LITTLE_EVIDENCE, problems=shortfalls)
        return await self._advise(target, log, reflection)

    async def _advise(self, target: MarketWindow, log: _Log, reflection: ReflectionInput) -> ReflectionResult:
        prompt = self.build_prompt(reflection)
        try:
            advice = await self.ask_advisor(AdviceRequest(prompt, reflection.params), target.symbol)
        except AdvisorUnavailable as error:
            log.warning("advisor_failed", error=str(error))
            return await self._finish(target, ReflectionOutcome.ADVISOR_UNAVAILABLE)
        except AdvisorOutputInvalid as error:
            return await self._reject(target, log, stage="advisor", problems=error.problems or (str(error),))
        if not advice.proposal.changes:
            log.info("reflection_skipped", reason=ReflectionOutcome.NO_CHANGE.value, model=advice.model)
            return await self._finish(target, ReflectionOutcome.NO_CHANGE)
        verdict = self.gate(reflection, advice)
        if verdict.params is None or not verdict.is_accepted:
            for violation in verdict.violations:
                self._violations.inc(kind=violation.kind.value)
            return await self._reject(
                target, log, stage="gate", problems=_describe(verdict.violations), model=advice.model
            )
        return await self._store(target, log, AcceptedAdvice(reflection, prompt, advice, verdict.params))

    async def fetch_input(self, target: MarketWindow) -> ReflectionInput:
        """The window's summaries and worst fills, as the summarizer stored them, and the params in force.

        Whole-hour windows read the hourly buckets, shorter ones the minute buckets. Params default
        when none are stored.
        """
        exchange, symbol, window = target.exchange, target.symbol, target.window
        hours = await self._summaries.summaries_between(
            exchange, symbol, window.aggregate_width, window.start_ms, window.end_ms
        )
        worst = await self._fills.worst_fills(
            exchange, window.start_ms, window.end_ms, limit=self._worst_fills_limit, symbol=symbol
        )
        params = await self._params.current(exchange, symbol) or StrategyParams()
        return ReflectionInput(exchange, symbol, window, tuple(hours), tuple(worst), params)

    def build_prompt(self, reflection: ReflectionInput) -> ReflectionPrompt:
        return build_prompt(reflection, self._gate)

    async def ask_advisor(self, request: AdviceRequest, symbol: str) -> Advice:
        started_ms = self._clock.now_ms()
        try:
            return await self._advisor.propose(request)
        finally:
            self._advisor_s.observe((self._clock.now_ms() - started_ms) / 1000, symbol=symbol)

    def gate(self, reflection: ReflectionInput, advice: Advice) -> GateVerdict:
        """The final say: the gate against the params the proposal was based on, whatever the advisor checked."""
        return self._gate.review(advice.proposal, reflection.params)

    async def write_reasoning(self, record: ReasoningRecord) -> ReasoningReceipt:
        return await self._reasoning.write(record)

    async def store(self, proposal: StoredProposal) -> None:
        await self._proposals.create(proposal)

    async def _store(self, target: MarketWindow, log: _Log, accepted: AcceptedAdvice) -> ReflectionResult:
        proposal_id, created_ms = self._new_proposal_id(), self._clock.now_ms()
        record = ReasoningRecord(
            proposal_id=proposal_id,
            created_ts_ms=created_ms,
            model=accepted.advice.model,
            reflection=accepted.reflection,
            prompt=accepted.prompt,
            proposal=accepted.advice.proposal,
            new_params=accepted.new_params,
        )
        receipt = await self.write_reasoning(record)  # ReasoningWriteFailed propagates: no row without a file
        stored = StoredProposal(
            id=proposal_id,
            exchange=target.exchange,
            symbol=target.symbol,
            window=target.window,
            status=ProposalStatus.PROPOSED,
            model=accepted.advice.model,
            proposal=accepted.advice.proposal,
            reasoning_path=receipt.path,
            reasoning_sha256=receipt.sha256,
            created_ts_ms=created_ms,
            updated_ts_ms=created_ms,
            reasoning_document=receipt.document,
        )
        try:
            await self.store(stored)
        except StoreConflict:
            # Another run stored this window first; its file and row stay consistent, ours is an orphan.
            log.warning("proposal_conflicted", proposal_id=proposal_id, orphan_reasoning_path=receipt.path)
            return await self._finish(target, ReflectionOutcome.ALREADY_PROPOSED)
        log.info(
            "proposal_stored",
            proposal_id=proposal_id,
            model=stored.model,
            changes=[f"{c.name}={c.new_value:g}" for c in stored.proposal.changes],
            reasoning_path=receipt.path,
            reasoning_sha256=receipt.sha256,
        )
        return await self._finish(target, ReflectionOutcome.STORED, proposal_id=proposal_id)

    async def _reject(
        self,
        target: MarketWindow,
        log: _Log,
        *,
        stage: str,
        problems: tuple[str, ...],
        model: str | None = None,
    ) -> ReflectionResult:
        log.warning("proposal_rejected", stage=stage, model=model, violations=list(problems))
        self._rejections.inc(symbol=target.symbol, stage=stage)
        return await self._finish(target, ReflectionOutcome.REJECTED, problems=problems)

    def _skip(self, target: MarketWindow, log: _Log, outcome: ReflectionOutcome) -> ReflectionResult:
        """A window this run leaves alone (decided before): nothing is recorded again."""
        log.info("reflection_skipped", reason=outcome.value)
        self._runs.inc(symbol=target.symbol, outcome=outcome.value)
        return ReflectionResult(target.exchange, target.symbol, target.window, outcome)

    async def _finish(
        self,
        target: MarketWindow,
        outcome: ReflectionOutcome,
        *,
        proposal_id: str | None = None,
        problems: tuple[str, ...] = (),
    ) -> ReflectionResult:
        """Count the run and record the window's outcome once, when the run decided it."""
        self._runs.inc(symbol=target.symbol, outcome=outcome.value)
        window_outcome = outcome.window_outcome
        if window_outcome is not None:
            await self._outcomes.record(
                WindowDecision(
                    target.exchange,
                    target.symbol,
                    target.window,
                    window_outcome,
                    self._clock.now_ms(),
                    proposal_id=proposal_id,
                    reasons=problems,
                )
            )
        return ReflectionResult(target.exchange, target.symbol, target.window, outcome, proposal_id, problems)


def _describe(violations: tuple[ParamViolation, ...]) -> tuple[str, ...]:
    return tuple(
        f"{v.kind.value}: {v.parameter}: {v.detail}" if v.parameter else f"{v.kind.value}: {v.detail}"
        for v in violations
    )
