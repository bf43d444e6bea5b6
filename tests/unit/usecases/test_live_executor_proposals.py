"""Params proposals reach the running executor: applied when operations are calm, audited either way."""

from __future__ import annotations

from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import ParamSource, ParamVersion, RolloutAction
from mm.usecases.apply_proposal import ProposalApplier
from tests.reflection_data import WINDOW, sound_proposal

from .executor_harness import HARNESS_PARAMS, RunningExecutor, Venue


async def proposed(rollouts: InMemoryParamRolloutStore, venue: Venue) -> StoredProposal:
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
        reasoning_sha256="0" * 64,
        created_ts_ms=venue.clock.now_ms(),
        updated_ts_ms=venue.clock.now_ms(),
    )
    await rollouts.proposals.create(proposal)
    return proposal


async def test_a_calm_executor_applies_a_stored_proposal_and_quotes_with_it() -> None:
    venue = Venue()
    rollouts = InMemoryParamRolloutStore()
    await proposed(rollouts, venue)
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, reasoning=None, clock=venue.clock)
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
    await proposed(rollouts, venue)
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, reasoning=None, clock=venue.clock)
    running = RunningExecutor(venue, proposals=applier)
    await running.start()
    running.gap()
    await running.move(1_500, with_book=False)
    assert running.executor.engines["BTC-USD"].params.version == 1
    history = await rollouts.history("extended", "BTC-USD")
    assert [record.action for record in history] == [RolloutAction.REJECTED]
    await running.stopped()
