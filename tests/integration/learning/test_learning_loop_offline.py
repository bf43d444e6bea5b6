"""The learning loop end to end, offline, on real Postgres: reflector workflow -> stored proposal -> executor rollout.

The recent market data is the shipped recording imported into md_*; the executor's shadow check replays it
through `mm backtest`'s own container with the params in force and the proposed ones. With these params a
narrower half spread loses more on that recording, a wider one less, so the verdicts below are the engine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.clock import SimulatedClock
from mm.adapters.files.reasoning_sink import FileReasoningSink
from mm.adapters.files.recorded_tape import recording_paths
from mm.adapters.memory.param_advisor import ScriptedParamAdvisor
from mm.adapters.observability.prometheus import PrometheusMetrics
from mm.adapters.postgres.ingest.recording_import import import_recording
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.recorded_market_data import PostgresRecordedMarketData
from mm.adapters.postgres.reflection_outcome_store import PostgresReflectionOutcomeStore
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.tables import llm_proposal, param_rollout, reflection_outcome, strategy_params
from mm.apps.backtest.run_options import backtest_params
from mm.apps.backtest.shadow import ContainerShadowBacktest
from mm.apps.backtest.shipped_slice import SHIPPED_EXCHANGE, SHIPPED_SYMBOL, shipped_prefix
from mm.domain.mode import Mode
from mm.domain.param_gate import Comparison, ParamChange, ParamProposal, RollbackCondition
from mm.domain.reflection_evidence import EvidencePolicy
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.domain.rollout import OperationalFacts, ParamSource, ParamVersion, RolloutAction
from mm.usecases.reflection.reflect import ReflectionOutcome, ReflectionWorkflow
from mm.usecases.rollout.apply_proposal import ProposalApplier
from tests.reflection_data import aggregate

pytestmark = pytest.mark.integration

EXCHANGE, SYMBOL = SHIPPED_EXCHANGE, SHIPPED_SYMBOL
CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)
IN_FORCE = backtest_params({"base_half_spread_bps": 2.0})
"""The params trading before the proposal (no mark or index price needed: the recording has none)."""


async def _recording_span(engine: AsyncEngine, url: str) -> tuple[int, int]:
    for path in recording_paths(shipped_prefix()):
        assert path is not None
        import_recording(url, path, EXCHANGE, SYMBOL)
    tape = await PostgresRecordedMarketData(engine).tape(EXCHANGE, SYMBOL, None, None)
    assert tape.first_ts_ms is not None
    assert tape.last_ts_ms is not None
    return tape.first_ts_ms, tape.last_ts_ms


def _workflow(
    engine: AsyncEngine, advisor: ScriptedParamAdvisor, clock: SimulatedClock, log_dir: Path, evidence: EvidencePolicy
) -> ReflectionWorkflow:
    rollouts = PostgresParamRolloutStore(engine)
    return ReflectionWorkflow(
        summaries=PostgresBucketSummaryStore(engine),
        fills=PostgresFillEnrichmentStore(engine),
        params=rollouts,
        advisor=advisor,
        reasoning=FileReasoningSink(log_dir),
        proposals=PostgresParamProposalStore(engine),
        outcomes=PostgresReflectionOutcomeStore(engine),
        clock=clock,
        metrics=PrometheusMetrics(),
        evidence=evidence,
    )


def _half_spread_to(value: float) -> ParamProposal:
    return ParamProposal(
        changes=(ParamChange("base_half_spread_bps", value, "markouts"),),
        rollback_conditions=(RollbackCondition("mean_markout_10s_bps", Comparison.BELOW, -3.5),),
        rationale="test",
        base_version=1,
    )


async def _window_with_fills(engine: AsyncEngine, end_ms: int, fill_count: int) -> ReflectionWindow:
    """The hour before the recording's end, summarized with `fill_count` fills and a whole hour of quoting."""
    window = ReflectionWindow(end_ms - end_ms % HOUR_MS - HOUR_MS, end_ms - end_ms % HOUR_MS)
    bucket = replace(aggregate(window.start_ms, fill_count=fill_count, symbol=SYMBOL), exchange=EXCHANGE)
    await PostgresBucketSummaryStore(engine).upsert([bucket])
    return window


async def _reflect_then_roll_out(
    engine: AsyncEngine, url: str, tmp_path: Path, proposal: ParamProposal
) -> tuple[RolloutAction, Sequence[str]]:
    _, last_ms = await _recording_span(engine, url)
    clock = SimulatedClock(last_ms + 1_000)
    rollouts = PostgresParamRolloutStore(engine)
    await rollouts.save_version(ParamVersion(EXCHANGE, SYMBOL, IN_FORCE, ParamSource.MANUAL))
    window = await _window_with_fills(engine, last_ms, fill_count=40)
    workflow = _workflow(engine, ScriptedParamAdvisor([proposal]), clock, tmp_path, EvidencePolicy(30, 600))
    reflected = await workflow.run(EXCHANGE, SYMBOL, window)
    assert reflected.outcome is ReflectionOutcome.STORED
    for reasoning_file in (tmp_path / "llm").iterdir():
        reasoning_file.unlink()  # the executor must not need the reflector's disk
    applier = ProposalApplier(
        proposals=PostgresParamProposalStore(engine),
        rollouts=rollouts,
        clock=clock,
        shadow=ContainerShadowBacktest(url),
        shadow_lookback_ms=HOUR_MS,
        reject_worse=True,
    )
    decision = await applier.apply_newest(EXCHANGE, SYMBOL, CALM)
    assert decision is not None
    return decision.action, decision.reasons


async def _rollout_row_and_versions(engine: AsyncEngine) -> tuple[dict[str, object], list[int], str]:
    async with engine.connect() as conn:
        row = (await conn.execute(select(param_rollout))).mappings().one()
        versions = list((await conn.scalars(select(strategy_params.c.version).order_by("version"))).all())
        status = (await conn.scalar(select(llm_proposal.c.status))) or ""
    return dict(row), versions, status


async def test_a_proposal_that_backtests_worse_on_the_recent_data_is_rejected_with_both_figures_stored(
    db_engine: AsyncEngine, clean_database_url: str, tmp_path: Path
) -> None:
    action, reasons = await _reflect_then_roll_out(db_engine, clean_database_url, tmp_path, _half_spread_to(1.8))
    row, versions, status = await _rollout_row_and_versions(db_engine)
    current, proposed = row["shadow_current"], row["shadow_proposed"]
    assert isinstance(current, dict)
    assert isinstance(proposed, dict)
    assert (action, status, versions) == (RolloutAction.REJECTED, "rejected", [1])
    assert float(proposed["mtm_pnl"]) < float(current["mtm_pnl"])
    assert (current["fills"] > 0, proposed["fills"] > 0) == (True, True)
    assert reasons[0].startswith("shadow backtest: proposed mtm PnL")
    assert reasons[0].endswith("worse")


async def test_a_proposal_that_backtests_no_worse_is_applied_with_both_figures_stored(
    db_engine: AsyncEngine, clean_database_url: str, tmp_path: Path
) -> None:
    action, reasons = await _reflect_then_roll_out(db_engine, clean_database_url, tmp_path, _half_spread_to(2.1))
    row, versions, status = await _rollout_row_and_versions(db_engine)
    current, proposed = row["shadow_current"], row["shadow_proposed"]
    assert isinstance(current, dict)
    assert isinstance(proposed, dict)
    assert (action, tuple(reasons), status, versions) == (RolloutAction.APPLIED, (), "applied", [1, 2])
    assert float(proposed["mtm_pnl"]) >= float(current["mtm_pnl"])


async def test_a_proposal_from_a_window_with_too_few_fills_is_never_made(
    db_engine: AsyncEngine, clean_database_url: str, tmp_path: Path
) -> None:
    _, last_ms = await _recording_span(db_engine, clean_database_url)
    clock = SimulatedClock(last_ms + 1_000)
    window = await _window_with_fills(db_engine, last_ms, fill_count=3)
    advisor = ScriptedParamAdvisor([_half_spread_to(1.8)])
    workflow = _workflow(db_engine, advisor, clock, tmp_path, EvidencePolicy(min_fills=30, min_quoting_s=600))
    first = await workflow.run(EXCHANGE, SYMBOL, window)
    again = await workflow.run(EXCHANGE, SYMBOL, window)
    applier = ProposalApplier(
        proposals=PostgresParamProposalStore(db_engine), rollouts=PostgresParamRolloutStore(db_engine), clock=clock
    )
    async with db_engine.connect() as conn:
        outcomes = (await conn.execute(select(reflection_outcome.c.outcome, reflection_outcome.c.reasons))).all()
        proposals = (await conn.execute(select(llm_proposal.c.id))).all()
    assert (first.outcome, again.outcome) == (ReflectionOutcome.TOO_LITTLE_EVIDENCE, ReflectionOutcome.ALREADY_DECIDED)
    assert (advisor.requests, proposals, [tuple(o) for o in outcomes]) == (
        [],
        [],
        [("too_little_evidence", ["3 fills, fewer than 30"])],
    )
    assert await applier.apply_newest(EXCHANGE, SYMBOL, CALM) is None
