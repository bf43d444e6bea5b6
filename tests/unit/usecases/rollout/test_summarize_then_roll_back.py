"""The in-memory summarizer into the rollback watch: a change is judged on the minutes and fills the summarizer wrote.

The market is the summarizer's hand-computed scenario (`tests/summarizer_support/summarizer_behaviour.py`):
the minutes at T0 and T0 + 60 s hold 100 s of strategy time, and F1, the only fill whose 10 s
markout is known, made +400 bps. A proposal applied half a minute before T0 is watched from T0.
"""

from __future__ import annotations

from dataclasses import replace

from mm.adapters.clock import SimulatedClock
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.domain.mode import Mode
from mm.domain.param_gate import Comparison, RollbackCondition
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.reflection_window import HOUR_MS, ReflectionWindow
from mm.domain.rollout import OperationalFacts, ParamSource, ParamVersion, RolloutRecord
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from tests.contract.fill_enrichment_store.contract import T0
from tests.reflection_data import REASONING_DOCUMENT, REASONING_SHA256, sound_proposal
from tests.summarizer_support.seeding import in_memory_backend
from tests.summarizer_support.summarizer_behaviour import HOUR_START, NOW, SYMBOL, seed_scenario, summarizer
from tests.unique_keys import an_id

APPLIED_MS = T0 - 30_000
CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)
BEFORE = StrategyParams(base_half_spread_bps=2.5)


async def _applied(rollouts: InMemoryParamRolloutStore, exchange: str, condition: RollbackCondition) -> None:
    """BEFORE in force, then a proposal rolled back by `condition` applied over it at APPLIED_MS."""
    await rollouts.save_version(ParamVersion(exchange, SYMBOL, BEFORE, ParamSource.MANUAL))
    await rollouts.proposals.create(
        StoredProposal(
            id="p-1",
            exchange=exchange,
            symbol=SYMBOL,
            window=ReflectionWindow(HOUR_START - HOUR_MS, HOUR_START),
            status=ProposalStatus.PROPOSED,
            model="test",
            proposal=replace(sound_proposal(BEFORE), rollback_conditions=(condition,)),
            reasoning_path="llm/p-1.json",
            reasoning_sha256=REASONING_SHA256,
            reasoning_document=REASONING_DOCUMENT,
            created_ts_ms=APPLIED_MS - 60_000,
            updated_ts_ms=APPLIED_MS - 60_000,
        )
    )
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, clock=SimulatedClock(APPLIED_MS))
    decision = await applier.apply_newest(exchange, SYMBOL, CALM)
    assert decision is not None
    assert decision.is_applied


async def _summarized_then_watched(condition: RollbackCondition) -> tuple[StrategyParams | None, list[RolloutRecord]]:
    exchange, backend, rollouts = an_id("x"), in_memory_backend(), InMemoryParamRolloutStore()
    await seed_scenario(backend, exchange)
    await _applied(rollouts, exchange, condition)
    clock = SimulatedClock(NOW)
    await summarizer(backend, exchange, clock).run_once()
    watcher = RollbackWatcher(
        proposals=rollouts.proposals, rollouts=rollouts, summaries=backend.summaries, fills=backend.fills, clock=clock
    )
    restored = await watcher.roll_back_if_triggered(exchange, SYMBOL, CALM)
    return restored, await rollouts.history(exchange, SYMBOL)


async def test_a_worst_fill_the_summarizer_enriched_triggers_the_rollback() -> None:
    restored, history = await _summarized_then_watched(
        RollbackCondition("worst_markout_10s_bps", Comparison.BELOW, 500)
    )
    assert (restored, history[0].reasons) == (
        replace(BEFORE, version=3),
        ("worst_markout_10s_bps below 500: measured 400 over 100 s of trading since the change",),
    )


async def test_the_fills_the_summarizer_counted_trigger_the_rollback() -> None:
    restored, history = await _summarized_then_watched(RollbackCondition("fill_count", Comparison.ABOVE, 2))
    assert (restored, history[0].reasons) == (
        replace(BEFORE, version=3),
        ("fill_count above 2: measured 3 over 100 s of trading since the change",),
    )
