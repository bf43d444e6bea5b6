"""The rollback watch on in-memory stores: an applied proposal whose condition triggers is undone, audited."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from structlog.testing import capture_logs

from mm.adapters.clock import SimulatedClock
from mm.adapters.memory.param_rollout_store import InMemoryParamRolloutStore
from mm.domain.bucket_summary import BucketSummary
from mm.domain.bucket_width import BucketWidth
from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus, StoredProposal
from mm.domain.rollout import OperationalFacts, ParamSource, ParamVersion, RolloutAction
from mm.usecases.rollout.apply_proposal import ProposalApplier
from mm.usecases.rollout.roll_back_proposal import RollbackWatcher
from tests.reflection_data import REASONING_DOCUMENT, REASONING_SHA256, WINDOW, aggregate, sound_proposal
from tests.summarizer_support.seeding import SummarizerBackend, in_memory_backend

MINUTE_MS = 60_000
APPLIED_MS = WINDOW.end_ms + 90_500  # mid-minute: the bucket holding the change is not evidence
FIRST_MINUTE_MS = WINDOW.end_ms + 2 * MINUTE_MS
CALM = OperationalFacts(Mode.NORMAL, pause_count=0, data_gap_count=0, exchange_error_count=0)
BEFORE = StrategyParams(base_half_spread_bps=2.5, refresh_interval_ms=7_000, order_size=0.002)
"""Hand-set params in force before the proposal, so a rollback to defaults would show."""


def minute(start_ms: int, *, mean_markout_10s_bps: str, fill_count: int = 40) -> BucketSummary:
    """A minute bucket of BTC-USD: 60 s of NORMAL trading."""
    return replace(
        aggregate(start_ms, fill_count=fill_count, mean_markout_10s_bps=mean_markout_10s_bps, width=BucketWidth.MINUTE),
        time_normal_s=Decimal(60),
        time_defensive_s=Decimal(0),
    )


@dataclass
class Market:
    rollouts: InMemoryParamRolloutStore
    summary_tables: SummarizerBackend
    clock: SimulatedClock
    watcher: RollbackWatcher

    async def trade(self, count: int, *, mean_markout_10s_bps: str) -> None:
        """`count` summarized minutes of NORMAL trading after the change, then the clock just past them."""
        starts = (FIRST_MINUTE_MS + i * MINUTE_MS for i in range(count))
        await self.summarize(minute(start, mean_markout_10s_bps=mean_markout_10s_bps, fill_count=3) for start in starts)
        self.clock.advance_to(FIRST_MINUTE_MS + count * MINUTE_MS + 5_000)

    async def summarize(self, minutes: Iterable[BucketSummary]) -> None:
        """Store minute buckets as the summarizer does."""
        await self.summary_tables.summaries.upsert(list(minutes))

    async def check(self) -> StrategyParams | None:
        return await self.watcher.roll_back_if_triggered("extended", "BTC-USD", CALM)

    async def proposal(self) -> StoredProposal:
        [stored] = await self.rollouts.proposals.recent("extended", "BTC-USD")
        return stored


async def applied_market() -> Market:
    """BTC-USD trading BEFORE as version 1, then a proposal (+10 % half spread) applied as version 2 at APPLIED_MS."""
    clock = SimulatedClock(APPLIED_MS)
    rollouts = InMemoryParamRolloutStore()
    summary_tables = in_memory_backend()
    await rollouts.save_version(ParamVersion("extended", "BTC-USD", BEFORE, ParamSource.MANUAL))
    await rollouts.proposals.create(
        StoredProposal(
            id="p-1",
            exchange="extended",
            symbol="BTC-USD",
            window=WINDOW,
            status=ProposalStatus.PROPOSED,
            model="test",
            proposal=sound_proposal(BEFORE),  # rolls back when mean_markout_10s_bps goes below -3.5
            reasoning_path="llm/p-1.json",
            reasoning_sha256=REASONING_SHA256,
            reasoning_document=REASONING_DOCUMENT,
            created_ts_ms=APPLIED_MS - MINUTE_MS,
            updated_ts_ms=APPLIED_MS - MINUTE_MS,
        )
    )
    applier = ProposalApplier(proposals=rollouts.proposals, rollouts=rollouts, clock=clock)
    decision = await applier.apply_newest("extended", "BTC-USD", CALM)
    assert decision is not None
    assert decision.is_applied
    watcher = RollbackWatcher(
        proposals=rollouts.proposals,
        rollouts=rollouts,
        summaries=summary_tables.summaries,
        fills=summary_tables.fills,
        clock=clock,
    )
    return Market(rollouts, summary_tables, clock, watcher)


async def test_a_triggered_condition_rolls_back_to_exactly_the_params_the_proposal_replaced() -> None:
    market = await applied_market()
    await market.trade(20, mean_markout_10s_bps="-4")
    restored = await market.check()
    assert restored == replace(BEFORE, version=3)


async def test_a_rollback_is_stored_as_a_new_version_from_a_rollback() -> None:
    market = await applied_market()
    await market.trade(20, mean_markout_10s_bps="-4")
    await market.check()
    assert await market.rollouts.current_version("extended", "BTC-USD") == ParamVersion(
        "extended", "BTC-USD", replace(BEFORE, version=3), ParamSource.ROLLBACK, "p-1"
    )


async def test_a_rollback_is_audited_with_the_triggered_condition_and_the_operational_facts() -> None:
    market = await applied_market()
    await market.trade(20, mean_markout_10s_bps="-4")
    await market.check()
    record = (await market.rollouts.history("extended", "BTC-USD"))[0]
    assert (
        record.action,
        record.proposal_id,
        record.from_version,
        record.to_version,
        record.reasons,
        record.facts,
    ) == (
        RolloutAction.ROLLED_BACK,
        "p-1",
        2,
        3,
        ("mean_markout_10s_bps below -3.5: measured -4 over 1200 s of trading since the change",),
        CALM,
    )


async def test_a_rolled_back_proposal_is_marked_rolled_back() -> None:
    market = await applied_market()
    await market.trade(20, mean_markout_10s_bps="-4")
    await market.check()
    assert (await market.proposal()).status is ProposalStatus.ROLLED_BACK


async def test_a_condition_that_does_not_trigger_changes_nothing() -> None:
    market = await applied_market()
    await market.trade(20, mean_markout_10s_bps="-1")
    restored = await market.check()
    current = await market.rollouts.current("extended", "BTC-USD")
    assert (restored, current.version if current else None, (await market.proposal()).status) == (
        None,
        2,
        ProposalStatus.APPLIED,
    )


async def test_without_summarized_trading_since_the_change_nothing_changes() -> None:
    market = await applied_market()
    market.clock.advance_to(APPLIED_MS + 30 * MINUTE_MS)
    restored = await market.check()
    history = await market.rollouts.history("extended", "BTC-USD")
    assert (restored, [record.action for record in history]) == (None, [RolloutAction.APPLIED])


async def test_without_summarized_trading_the_check_says_so_in_the_log() -> None:
    market = await applied_market()
    market.clock.advance_to(APPLIED_MS + 30 * MINUTE_MS)
    with capture_logs() as logs:
        await market.check()
    assert [entry["reason"] for entry in logs if entry["event"] == "rollback_check_deferred"] == [
        "no summarized trading since the change yet"
    ]


async def test_too_little_trading_after_the_change_waits_even_when_the_condition_is_crossed() -> None:
    market = await applied_market()
    await market.trade(5, mean_markout_10s_bps="-9")
    assert await market.check() is None


async def test_trading_before_the_change_and_in_its_minute_is_not_evidence_against_it() -> None:
    market = await applied_market()
    before = (FIRST_MINUTE_MS - i * MINUTE_MS for i in range(1, 31))
    await market.summarize(
        replace(minute(start_ms, mean_markout_10s_bps="-9"), time_defensive_s=Decimal(200)) for start_ms in before
    )
    await market.trade(20, mean_markout_10s_bps="-1")
    assert await market.check() is None


async def test_a_change_no_longer_in_force_is_not_watched() -> None:
    market = await applied_market()
    manual = ParamVersion("extended", "BTC-USD", replace(BEFORE, version=3, order_size=0.003), ParamSource.MANUAL)
    await market.rollouts.save_version(manual)
    await market.trade(20, mean_markout_10s_bps="-4")
    assert (await market.check(), await market.rollouts.current("extended", "BTC-USD")) == (None, manual.params)


async def test_a_rolled_back_change_is_not_rolled_back_twice() -> None:
    market = await applied_market()
    await market.trade(20, mean_markout_10s_bps="-4")
    await market.check()
    assert await market.check() is None
