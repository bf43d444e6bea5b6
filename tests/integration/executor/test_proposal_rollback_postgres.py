"""A triggered rollback against real Postgres: the version, the audit row and the status land together."""

from __future__ import annotations

import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from mm.adapters.clock import SimulatedClock
from mm.adapters.postgres.param_proposal_store import PostgresParamProposalStore
from mm.adapters.postgres.param_rollout_store import PostgresParamRolloutStore
from mm.adapters.postgres.summary.bucket_summary_store import PostgresBucketSummaryStore
from mm.adapters.postgres.summary.fill_enrichment_store import PostgresFillEnrichmentStore
from mm.adapters.postgres.tables import llm_proposal, param_rollout, strategy_params
from mm.domain.bucket_width import BucketWidth
from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import OperationalFacts, ParamSource, ParamVersion
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from tests.reflection_data import REASONING_DOCUMENT, REASONING_SHA256, WINDOW, aggregate, sound_proposal

MINUTE_MS = 60_000
APPLIED_MS = WINDOW.end_ms + 90_500
FIRST_MINUTE_MS = WINDOW.end_ms + 2 * MINUTE_MS
CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)
BEFORE = StrategyParams(base_half_spread_bps=2.5, refresh_interval_ms=7_000, order_size=0.002)


async def _apply_proposal(engine: AsyncEngine, symbol: str, clock: SimulatedClock) -> str:
    """BEFORE stored as version 1, then a proposal applied over it as version 2; returns the proposal id."""
    rollouts, proposals = PostgresParamRolloutStore(engine), PostgresParamProposalStore(engine)
    await rollouts.save_version(ParamVersion("extended", symbol, BEFORE, ParamSource.MANUAL))
    proposal_id = uuid.uuid4().hex
    await proposals.create(
        StoredProposal(
            id=proposal_id,
            exchange="extended",
            symbol=symbol,
            window=WINDOW,
            status=ProposalStatus.PROPOSED,
            model="test",
            proposal=sound_proposal(BEFORE),
            reasoning_path=f"llm/{proposal_id}.json",
            reasoning_sha256=REASONING_SHA256,
            reasoning_document=REASONING_DOCUMENT,
            created_ts_ms=APPLIED_MS - MINUTE_MS,
            updated_ts_ms=APPLIED_MS - MINUTE_MS,
        )
    )
    applier = ProposalApplier(proposals=proposals, rollouts=rollouts, clock=clock)
    decision = await applier.apply_newest("extended", symbol, CALM)
    assert decision is not None
    assert decision.is_applied
    return proposal_id


async def _summarize_bad_minutes(engine: AsyncEngine, symbol: str, count: int) -> None:
    """`count` agg_1m rows after the change, each a minute of trading at a -4 bps mean 10 s markout."""
    minutes = [
        replace(
            aggregate(
                FIRST_MINUTE_MS + i * MINUTE_MS, mean_markout_10s_bps="-4", symbol=symbol, width=BucketWidth.MINUTE
            ),
            time_normal_s=Decimal(60),
            time_defensive_s=Decimal(0),
        )
        for i in range(count)
    ]
    await PostgresBucketSummaryStore(engine).upsert(minutes)


@pytest.mark.integration
async def test_a_triggered_rollback_stores_the_replaced_params_the_audit_row_and_the_status(
    db_engine: AsyncEngine,
) -> None:
    symbol = f"T{uuid.uuid4().hex[:8]}-USD"
    clock = SimulatedClock(APPLIED_MS)
    proposal_id = await _apply_proposal(db_engine, symbol, clock)
    await _summarize_bad_minutes(db_engine, symbol, 20)
    clock.advance_to(FIRST_MINUTE_MS + 20 * MINUTE_MS + 5_000)
    watcher = RollbackWatcher(
        proposals=PostgresParamProposalStore(db_engine),
        rollouts=PostgresParamRolloutStore(db_engine),
        summaries=PostgresBucketSummaryStore(db_engine),
        fills=PostgresFillEnrichmentStore(db_engine),
        clock=clock,
    )
    await watcher.roll_back_if_triggered("extended", symbol, CALM)
    async with db_engine.connect() as conn:
        newest = (
            (
                await conn.execute(
                    select(strategy_params)
                    .where(strategy_params.c.symbol == symbol)
                    .order_by(strategy_params.c.version)
                )
            )
            .mappings()
            .all()[-1]
        )
        audit = (
            (
                await conn.execute(
                    select(param_rollout).where(param_rollout.c.symbol == symbol).order_by(param_rollout.c.id)
                )
            )
            .mappings()
            .all()[-1]
        )
        status = await conn.scalar(select(llm_proposal.c.status).where(llm_proposal.c.id == proposal_id))
    assert (
        newest["version"],
        newest["source"],
        newest["proposal_id"],
        StrategyParams.from_mapping({**newest["params"], "version": 3}),
        audit["action"],
        (audit["from_version"], audit["to_version"]),
        audit["reasons"],
        status,
    ) == (
        3,
        "rollback",
        proposal_id,
        replace(BEFORE, version=3),
        "rolled_back",
        (2, 3),
        ["mean_markout_10s_bps below -3.5: measured -4 over 1200 s of trading since the change"],
        "rolled_back",
    )
