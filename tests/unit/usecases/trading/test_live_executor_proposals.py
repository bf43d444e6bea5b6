"""Params proposals reach the running executor: applied when operations are calm, audited either way, and
rolled back when their rollback conditions trigger."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from mm.adapters.clock import SimulatedClock
from mm.adapters.memory.bucket_summary_store import InMemoryBucketSummaryStore
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.domain.bucket_width import BucketWidth
from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import OperationalFacts, ParamSource, ParamVersion, RolloutAction
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from tests.reflection_data import REASONING_DOCUMENT, REASONING_SHA256, WINDOW, aggregate, sound_proposal
from tests.summarizer_support.seeding import in_memory_backend

from .executor_harness import HARNESS_PARAMS, RunningExecutor, Venue


async def proposed(rollouts: InMemoryParamRolloutStore, clock: SimulatedClock) -> StoredProposal:
    await rollouts.save_version(ParamVersion("extended", "BTC-USD", HARNESS_PARAMS, ParamSource.DEFAULT))
    proposal = StoredProposal(
        id="p-1",
        exchange="extended",
        symbol="BTC-USD",
        window=WINDOW,
        status=ProposalStatus.PROPOSED,
        model="test",
        proposal=sound_proposal(HARNESS_PARAMS),
        reasoning_path="llm/p-1.md",
        reasoning_sha256=REASONING_SHA256,
        reasoning_document=REASONING_DOCUMENT,
        created_ts_ms=clock.now_ms(),
        updated_ts_ms=clock.now_ms(),
    )
    await rollouts.proposals.create(proposal)
    return proposal


async def test_a_calm_executor_applies_a_stored_proposal_and_quotes_with_it() -> None:
    venue = Venue()
    rollouts = InMemoryParamRolloutStore()
    await proposed(rollouts, venue.clock)
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, clock=venue.clock)
    running = RunningExecutor(venue, proposals=applier)
    await running.start()
    await running.move(1_500)
    engine = running.executor.engines["BTC-USD"]
    assert engine.params.version == 2
    assert engine.params.base_half_spread_bps == HARNESS_PARAMS.base_half_spread_bps * 1.1
    history = await rollouts.history("extended", "BTC-USD")
    assert [record.action for record in history] == [RolloutAction.APPLIED]
    await running.stopped()


async def test_a_paused_executor_refuses_a_proposal_and_keeps_its_params() -> None:
    venue = Venue()
    rollouts = InMemoryParamRolloutStore()
    await proposed(rollouts, venue.clock)
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, clock=venue.clock)
    running = RunningExecutor(venue, proposals=applier)
    await running.start()
    running.gap()
    await running.move(1_500, with_book=False)
    assert running.executor.engines["BTC-USD"].params.version == 1
    history = await rollouts.history("extended", "BTC-USD")
    assert [record.action for record in history] == [RolloutAction.REJECTED]
    await running.stopped()


async def applied_20_minutes_ago(rollouts: InMemoryParamRolloutStore, venue: Venue) -> StrategyParams:
    """The proposal applied (as version 2) 20 minutes before the venue's now; returns the params it made."""
    then = SimulatedClock(venue.clock.now_ms() - 20 * 60_000)
    await proposed(rollouts, then)
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, clock=then)
    calm = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)
    decision = await applier.apply_newest("extended", "BTC-USD", calm)
    assert decision is not None
    assert decision.new_params is not None
    return decision.new_params


async def summarized_minutes(
    summaries: InMemoryBucketSummaryStore, start_ms: int, count: int, markout_bps: str
) -> None:
    for i in range(count):
        bucket = replace(
            aggregate(
                BucketWidth.MINUTE.floor_ms(start_ms) + (i + 1) * 60_000,
                mean_markout_10s_bps=markout_bps,
                width=BucketWidth.MINUTE,
            ),
            time_normal_s=Decimal(60),
            time_defensive_s=Decimal(0),
        )
        await summaries.upsert([bucket])


async def watching_a_proposal_applied_20_minutes_ago(markout_bps: str) -> tuple[RunningExecutor, StrategyParams]:
    """A running executor whose rollback watcher sees 18 summarized minutes of `markout_bps` since the change."""
    venue = Venue()
    rollouts = InMemoryParamRolloutStore()
    summary_tables = in_memory_backend()
    applied = await applied_20_minutes_ago(rollouts, venue)
    await summarized_minutes(summary_tables.summaries, venue.clock.now_ms() - 20 * 60_000, 18, markout_bps=markout_bps)
    watcher = RollbackWatcher(
        proposals=rollouts.proposals,
        rollouts=rollouts,
        summaries=summary_tables.summaries,
        fills=summary_tables.fills,
        clock=venue.clock,
    )
    running = RunningExecutor(venue, params=applied, rollbacks=watcher)
    await running.start()
    await running.move(1_500)
    return running, applied


async def test_an_executor_rolls_back_a_proposal_whose_condition_triggered_and_quotes_with_the_old_params() -> None:
    running, _applied = await watching_a_proposal_applied_20_minutes_ago(markout_bps="-6")
    assert running.executor.engines["BTC-USD"].params == replace(HARNESS_PARAMS, version=3)
    await running.stopped()


async def test_an_executor_keeps_a_proposal_whose_conditions_hold() -> None:
    running, applied = await watching_a_proposal_applied_20_minutes_ago(markout_bps="-1")
    assert running.executor.engines["BTC-USD"].params == applied
    await running.stopped()
