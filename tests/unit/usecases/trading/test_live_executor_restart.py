"""A restarted executor remembers: it starts DEFENSIVE, and recalls the incidents its record holds for the rollout gate."""

from __future__ import annotations

from mm.adapters.memory.executor_record import InMemoryExecutorRecord
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.domain.mode import Mode
from mm.domain.rollout import RolloutAction
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from tests.summarizer_support.seeding import in_memory_backend

from .executor_harness import RunningExecutor, Venue, quoting
from .test_live_executor_proposals import applied_20_minutes_ago, proposed, summarized_minutes

SYMBOL = "BTC-USD"


async def a_run_with_a_gap(venue: Venue) -> RunningExecutor:
    """A run that quoted, lost its data once (PAUSE) and recovered, then stopped."""
    first = await quoting(venue)
    first.gap()
    await first.move(2_000)
    assert await first.stopped() == 0
    return first


async def test_a_restart_after_a_normal_run_starts_defensive() -> None:
    venue = Venue()
    first = await quoting(venue)
    assert first.executor.engines[SYMBOL].mode is Mode.NORMAL
    await first.stopped()
    second = RunningExecutor(venue)
    await second.start()
    await second.move(200)
    assert second.executor.engines[SYMBOL].mode is Mode.DEFENSIVE
    await second.stopped()


async def test_a_restart_recalls_the_recorded_pause_and_gap() -> None:
    venue = Venue()
    first = await a_run_with_a_gap(venue)
    second = RunningExecutor(venue, record=InMemoryExecutorRecord(first.journal_store, "extended"))
    await second.start()
    facts = second.executor.engines[SYMBOL].operational_facts(venue.clock.now_ms())
    assert (facts.pause_count, facts.data_gap_count) == (1, 1)
    await second.stopped()


async def test_a_restart_after_incidents_refuses_a_proposal() -> None:
    venue = Venue()
    first = await a_run_with_a_gap(venue)
    rollouts = InMemoryParamRolloutStore()
    await proposed(rollouts, venue.clock)
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, clock=venue.clock)
    record = InMemoryExecutorRecord(first.journal_store, "extended")
    second = RunningExecutor(venue, proposals=applier, record=record)
    await second.start()
    await second.move(1_500)
    history = await rollouts.history("extended", SYMBOL)
    assert [record.action for record in history] == [RolloutAction.REJECTED]
    assert history[0].facts.data_gap_count == 1
    assert any("gap" in reason for reason in history[0].reasons)
    await second.stopped()


async def test_incidents_older_than_the_gate_window_are_not_recalled() -> None:
    venue = Venue()
    first = await a_run_with_a_gap(venue)
    await venue.clock.run_until(venue.clock.now_ms() + 3_600_000)
    second = RunningExecutor(venue, record=InMemoryExecutorRecord(first.journal_store, "extended"))
    await second.start()
    facts = second.executor.engines[SYMBOL].operational_facts(venue.clock.now_ms())
    assert (facts.pause_count, facts.data_gap_count) == (0, 0)
    await second.stopped()


async def test_a_rollback_after_a_restart_audits_the_recalled_incidents() -> None:
    venue = Venue()
    first = await a_run_with_a_gap(venue)
    rollouts = InMemoryParamRolloutStore()
    summary_tables = in_memory_backend()
    applied = await applied_20_minutes_ago(rollouts, venue)
    await summarized_minutes(summary_tables.summaries, venue.clock.now_ms() - 20 * 60_000, 18, markout_bps="-6")
    watcher = RollbackWatcher(
        proposals=rollouts.proposals,
        rollouts=rollouts,
        summaries=summary_tables.summaries,
        fills=summary_tables.fills,
        clock=venue.clock,
    )
    record = InMemoryExecutorRecord(first.journal_store, "extended")
    second = RunningExecutor(venue, params=applied, rollbacks=watcher, record=record)
    await second.start()
    await second.move(1_500)
    history = await rollouts.history("extended", SYMBOL)
    [rolled_back] = [record for record in history if record.action is RolloutAction.ROLLED_BACK]
    assert rolled_back.facts is not None
    assert (rolled_back.facts.pause_count, rolled_back.facts.data_gap_count) == (1, 1)
    await second.stopped()
