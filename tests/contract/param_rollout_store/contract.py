"""What every `ParamRolloutStore` must do: versions, audit rows and proposal status, all or nothing."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

import pytest

from mm.domain.mode import Mode
from mm.domain.params import StrategyParams
from mm.domain.proposal import ProposalStatus
from mm.domain.rollout import (
    AppliedChange,
    OperationalFacts,
    ParamSource,
    ParamVersion,
    RolloutAction,
    RolloutRecord,
)
from mm.ports.errors import RecordNotFound, StoreConflict
from mm.ports.param_proposal_store import ParamProposalStore
from mm.ports.param_rollout_store import ParamRolloutStore
from tests.contract.param_proposal_store.contract import stored_proposal
from tests.unique_keys import a_symbol

TS_MS = 1_767_232_800_000


@dataclass(frozen=True)
class Stores:
    rollouts: ParamRolloutStore
    proposals: ParamProposalStore


def version(symbol: str, number: int, *, source: ParamSource = ParamSource.DEFAULT, **changes: float) -> ParamVersion:
    params = replace(StrategyParams(), version=number, **changes)
    return ParamVersion("extended", symbol, params, source)


def rollout(symbol: str, action: RolloutAction, proposal_id: str | None, **overrides: object) -> RolloutRecord:
    values: dict[str, object] = {
        "exchange": "extended",
        "symbol": symbol,
        "ts_ms": TS_MS,
        "action": action,
        "proposal_id": proposal_id,
        "from_version": 1,
        "to_version": 2 if action is not RolloutAction.REJECTED else None,
        "reasons": (),
        "facts": OperationalFacts(Mode.NORMAL, 0, 0, 1),
    }
    values.update(overrides)
    return RolloutRecord(**values)  # type: ignore[arg-type]


class ParamRolloutStoreContract:
    """Subclasses provide `stores`: a rollout store and the proposal store it updates."""

    @pytest.fixture
    def symbol(self) -> str:
        return a_symbol()

    async def test_current_is_none_when_no_params_are_stored(self, stores: Stores, symbol: str) -> None:
        assert await stores.rollouts.current("extended", symbol) is None

    async def test_current_is_the_newest_saved_version(self, stores: Stores, symbol: str) -> None:
        await stores.rollouts.save_version(version(symbol, 1))
        await stores.rollouts.save_version(version(symbol, 2, source=ParamSource.MANUAL, base_half_spread_bps=2.5))
        assert await stores.rollouts.current("extended", symbol) == version(symbol, 2, base_half_spread_bps=2.5).params

    async def test_saving_a_version_that_is_not_the_next_raises_store_conflict(
        self, stores: Stores, symbol: str
    ) -> None:
        await stores.rollouts.save_version(version(symbol, 1))
        with pytest.raises(StoreConflict):
            await stores.rollouts.save_version(version(symbol, 3))

    async def test_the_first_version_must_be_one(self, stores: Stores, symbol: str) -> None:
        with pytest.raises(StoreConflict):
            await stores.rollouts.save_version(version(symbol, 2))

    async def test_applying_a_proposal_stores_the_version_the_record_and_the_status(
        self, stores: Stores, symbol: str
    ) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        applied = version(symbol, 2, source=ParamSource.PROPOSAL, base_half_spread_bps=2.2)
        applied = replace(applied, proposal_id=proposal.id)
        record = rollout(symbol, RolloutAction.APPLIED, proposal.id)
        await stores.rollouts.record(record, applied)
        stored = await stores.proposals.get(proposal.id)
        assert (
            await stores.rollouts.current("extended", symbol),
            await stores.rollouts.history("extended", symbol),
            stored.status if stored else None,
        ) == (applied.params, [record], ProposalStatus.APPLIED)

    async def test_rejecting_a_proposal_stores_the_record_and_the_status_only(
        self, stores: Stores, symbol: str
    ) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        record = rollout(symbol, RolloutAction.REJECTED, proposal.id, reasons=("3 recent PAUSEs, more than 1",))
        await stores.rollouts.record(record)
        stored = await stores.proposals.get(proposal.id)
        assert (
            (await stores.rollouts.current("extended", symbol) or StrategyParams()).version,
            await stores.rollouts.history("extended", symbol),
            stored.status if stored else None,
        ) == (1, [record], ProposalStatus.REJECTED)

    async def test_a_record_for_a_proposal_already_decided_changes_nothing(self, stores: Stores, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        await stores.rollouts.record(rollout(symbol, RolloutAction.REJECTED, proposal.id))
        with pytest.raises(StoreConflict):
            await stores.rollouts.record(rollout(symbol, RolloutAction.APPLIED, proposal.id), version(symbol, 2))
        assert (
            (await stores.rollouts.current("extended", symbol) or StrategyParams()).version,
            len(await stores.rollouts.history("extended", symbol)),
        ) == (1, 1)

    async def test_a_record_with_a_stale_version_changes_nothing(self, stores: Stores, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        await stores.rollouts.save_version(version(symbol, 2))
        with pytest.raises(StoreConflict):
            await stores.rollouts.record(rollout(symbol, RolloutAction.APPLIED, proposal.id), version(symbol, 2))
        stored = await stores.proposals.get(proposal.id)
        assert (stored.status if stored else None, await stores.rollouts.history("extended", symbol)) == (
            ProposalStatus.PROPOSED,
            [],
        )

    async def test_a_record_for_an_unknown_proposal_raises_record_not_found(self, stores: Stores, symbol: str) -> None:
        with pytest.raises(RecordNotFound):
            await stores.rollouts.record(rollout(symbol, RolloutAction.REJECTED, "no-such-proposal"))

    async def test_a_rollback_moves_an_applied_proposal_to_rolled_back(self, stores: Stores, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        await stores.rollouts.record(rollout(symbol, RolloutAction.APPLIED, proposal.id), version(symbol, 2))
        back = rollout(symbol, RolloutAction.ROLLED_BACK, proposal.id, from_version=2, to_version=3, ts_ms=TS_MS + 1)
        await stores.rollouts.record(back, version(symbol, 3, source=ParamSource.ROLLBACK))
        stored = await stores.proposals.get(proposal.id)
        assert stored is not None
        assert stored.status is ProposalStatus.ROLLED_BACK

    async def test_current_version_is_none_when_no_params_are_stored(self, stores: Stores, symbol: str) -> None:
        assert await stores.rollouts.current_version("extended", symbol) is None

    async def test_current_version_names_the_proposal_that_made_it(self, stores: Stores, symbol: str) -> None:
        applied = await _applied(stores, symbol)
        assert await stores.rollouts.current_version("extended", symbol) == applied

    async def test_applied_change_returns_the_exact_params_version_the_proposal_replaced(
        self, stores: Stores, symbol: str
    ) -> None:
        before = version(symbol, 1, source=ParamSource.MANUAL, base_half_spread_bps=2.5, refresh_interval_ms=7000)
        await stores.rollouts.save_version(before)
        applied = await _applied(stores, symbol)
        assert applied.proposal_id is not None
        assert await stores.rollouts.applied_change(applied.proposal_id) == AppliedChange(
            applied.proposal_id, TS_MS, before, 2
        )

    async def test_applied_change_still_names_what_it_replaced_after_a_rollback(
        self, stores: Stores, symbol: str
    ) -> None:
        applied = await _applied(stores, symbol)
        assert applied.proposal_id is not None
        back = rollout(
            symbol, RolloutAction.ROLLED_BACK, applied.proposal_id, from_version=2, to_version=3, ts_ms=TS_MS + 1
        )
        await stores.rollouts.record(back, version(symbol, 3, source=ParamSource.ROLLBACK))
        change = await stores.rollouts.applied_change(applied.proposal_id)
        assert change is not None
        assert (change.applied_ts_ms, change.replaced.version, change.applied_version) == (TS_MS, 1, 2)

    async def test_applied_change_is_none_for_a_rejected_proposal(self, stores: Stores, symbol: str) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        await stores.rollouts.record(rollout(symbol, RolloutAction.REJECTED, proposal.id))
        assert await stores.rollouts.applied_change(proposal.id) is None

    async def test_applied_change_is_none_for_an_unknown_proposal(self, stores: Stores) -> None:
        assert await stores.rollouts.applied_change("no-such-proposal") is None

    async def test_history_is_newest_first(self, stores: Stores, symbol: str) -> None:
        records = [rollout(symbol, RolloutAction.REJECTED, None, ts_ms=TS_MS + i, facts=None) for i in range(3)]
        for record in records:
            await stores.rollouts.record(record)
        assert await stores.rollouts.history("extended", symbol, limit=2) == [records[2], records[1]]

    async def test_of_two_concurrent_appliers_of_one_proposal_exactly_one_wins(
        self, stores: Stores, symbol: str
    ) -> None:
        proposal = stored_proposal(symbol)
        await stores.proposals.create(proposal)
        await stores.rollouts.save_version(version(symbol, 1))
        results = await asyncio.gather(
            stores.rollouts.record(rollout(symbol, RolloutAction.APPLIED, proposal.id), version(symbol, 2)),
            stores.rollouts.record(rollout(symbol, RolloutAction.APPLIED, proposal.id), version(symbol, 2)),
            return_exceptions=True,
        )
        assert (
            sum(isinstance(r, StoreConflict) for r in results),
            len(await stores.rollouts.history("extended", symbol)),
        ) == (1, 1)


async def _applied(stores: Stores, symbol: str) -> ParamVersion:
    """Store a proposal and apply it as version 2 at TS_MS (over a default version 1 unless one is stored)."""
    proposal = stored_proposal(symbol)
    await stores.proposals.create(proposal)
    if await stores.rollouts.current("extended", symbol) is None:
        await stores.rollouts.save_version(version(symbol, 1))
    applied = replace(
        version(symbol, 2, source=ParamSource.PROPOSAL, base_half_spread_bps=2.2), proposal_id=proposal.id
    )
    await stores.rollouts.record(rollout(symbol, RolloutAction.APPLIED, proposal.id), applied)
    return applied
